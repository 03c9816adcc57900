#!/usr/bin/env bash
# `make demo` is a promise to every new user: run it as they would and
# check its verdict (it exits non-zero when a record is lost or leaked),
# and that it ends by saying what it ran and what to type next.
set -eu
bindir=$(dirname "$(command -v ndj-batch)")
out=$("$TESTS_DIR/../examples/demo.sh" "$bindir" 2>&1) || { echo "$out"; exit 1; }
work=$(echo "$out" | sed -n "s/^  The demo's logs, cursor and what the receiver got: //p")
[ -n "$work" ] && [ -d "$work/logs" ] || { echo "$out"; echo "FAIL: the summary names no demo folder"; exit 1; }
rm -rf "$work"
echo "$out" | tail -22
fail() { echo "FAIL: $*"; exit 1; }
echo "$out" | grep -q 'Nothing lost, nothing leaked.' || fail "no verdict"
# The kill in step 3 hit the demo's own ndj-post mid-way (it never touches
# other ndj-post processes on the machine).
echo "$out" | awk '/ndj-post killed with SIGKILL after/ { if ($6 + 0 < $8 + 0) ok = 1 } END { exit !ok }' ||
  fail "ndj-post was not killed mid-way"
# The summary: the pipeline as it ran, and the next steps.
summary=$(echo "$out" | sed -n '/^== What ran/,$p')
for line in '  ndj-tail --cursor cursor.json logs' '    | ndj-batch -n 1000' \
  "    export PATH=$(cd "$bindir" && pwd):\$PATH" '    sudo make install            # or: make install PREFIX=~/.local' \
  '    man ndj                      # the family; then man ndj-tail, man ndj-dora, ...'; do
  echo "$summary" | grep -qxF -- "$line" || fail "the summary lacks: $line"
done
echo "$summary" | grep -q '^  ndj-dora --since .* --format table <logs/delivery.ndjson$' || fail "no ndj-dora line"
