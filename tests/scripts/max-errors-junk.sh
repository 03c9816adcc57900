# Binary junk on the input must not bury the terminal: every tool that
# reads records reports the first --max-errors (100) bad lines of an input,
# then one line with the count of the others, and goes on; every bad line
# is still quarantined with --rejects and the exit status is still 65.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
source "$TESTS_DIR/check.bash"

# 12,345 junk lines (with NUL bytes), and a good record after them (which
# ndj-prune warns has no time: warnings are not counted).
awk 'BEGIN { for (i = 1; i <= 12345; i++) printf "\377\376%c junk %d\n", 0, i; print "{\"tool\":\"ok\"}" }' >"$dir/junk"
summary="... and 12,245 more bad lines (--max-errors 100; all are in $dir/rejects)"

run() {  # NAME COMMAND...: reads $dir/junk on stdin
  local name=$1
  shift
  rm -f "$dir/rejects"
  "$@" --rejects "$dir/rejects" <"$dir/junk" >/dev/null 2>"$dir/err"
  check "$name: exit" 65 $?
  check "$name: 101 lines on stderr" 101 "$(grep -vc ": warning: " "$dir/err")"
  check "$name: the first 100 bad lines, in order" "$(seq 1 100 | tr '\n' ' ')" \
    "$(head -100 "$dir/err" | sed -n 's/^[^:]*: <stdin>:\([0-9]*\): .*/\1/p' | tr '\n' ' ')"
  check "$name: the summary" "$name: <stdin>: $summary" "$(grep -v ": warning: " "$dir/err" | tail -1)"
  check "$name: every bad line in --rejects" 12345 "$(wc -l <"$dir/rejects")"
}
run ndj-redact ndj-redact --mask email
run ndj-batch ndj-batch -n 10
run ndj-stats ndj-stats
run ndj-dora ndj-dora
run ndj-prune ndj-prune --older-than 1d
run ndj-post ndj-post --dry-run http://127.0.0.1:9/
run ndj-emit ndj-emit --stdin

# Ten megabytes of random bytes: 100 reports, then the count of the others,
# which --rejects holds in full.
head -c 10000000 /dev/urandom >"$dir/random"
ndj-stats --rejects "$dir/rejects.random" "$dir/random" >"$dir/out" 2>"$dir/err"
check "random bytes: exit" 65 $?
bad=$(wc -l <"$dir/rejects.random")
more=$(printf '%d' $((bad - 100)) | rev | sed 's/\([0-9]\{3\}\)/\1,/g; s/,$//' | rev)
check "random bytes: 101 lines on stderr" 101 "$(wc -l <"$dir/err")"
check "random bytes: the summary counts the rest" \
  "ndj-stats: $dir/random: ... and $more more bad lines (--max-errors 100; all are in $dir/rejects.random)" \
  "$(tail -1 "$dir/err")"

# --max-errors 0: every bad line reported.
ndj-batch --max-errors 0 <"$dir/junk" >/dev/null 2>"$dir/err"
check "--max-errors 0: every bad line reported" 12345 "$(wc -l <"$dir/err")"
exit $fail
