# tests/check-layers keeps lib/ in layers: a family folder (ship, dora, ...)
# includes only core/, json/ and itself, every include names its folder, and
# every folder has one main header saying what it is for.
# The real tree passes; a copy with a family including another family, or a
# bare include, fails with the file and line named.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
source "$TESTS_DIR/check.bash"
lib="$TESTS_DIR/../lib"
"$TESTS_DIR/check-layers" "$lib" >"$dir/out"
check "the tree passes" 0 $?
check "the tree: summary" "layers: $(find "$lib" -mindepth 1 -maxdepth 1 -type d | wc -l) passed, 0 failed" "$(tail -1 "$dir/out")"

cp -r "$lib" "$dir/lib"
echo '#include "dora/dora.hpp"' >>"$dir/lib/stats/group_stats.cpp"
echo '#include "diag.hpp"' >>"$dir/lib/tail/tailer.hpp"
"$TESTS_DIR/check-layers" "$dir/lib" >"$dir/out"
check "a family including another fails" 1 $?
grep -q '^stats/group_stats.cpp:[0-9]*: lib/stats may not include lib/dora' "$dir/out"
check "names the file, line and folders" 0 $?
grep -q '^tail/tailer.hpp:[0-9]*: include "diag.hpp" does not name its folder' "$dir/out"
check "a bare include is named" 0 $?
check "summary" "layers: $(($(find "$lib" -mindepth 1 -maxdepth 1 -type d | wc -l) - 2)) passed, 2 failed" "$(tail -1 "$dir/out")"

# A new folder without its main header's "// lib/FOLDER/:" comment.
mkdir "$dir/lib2" && cp -r "$lib"/core "$lib"/json "$dir/lib2/" && mkdir "$dir/lib2/select"
printf '// Selecting records.\n#pragma once\n#include "core/diag.hpp"\n' >"$dir/lib2/select/select.hpp"
"$TESTS_DIR/check-layers" "$dir/lib2" >"$dir/out"
check "a folder without a main header fails" 1 $?
check "says which" 'select/: 0 headers start with "// lib/select/:" (expected one, the folder'"'"'s main header)' "$(head -1 "$dir/out")"
exit $fail
