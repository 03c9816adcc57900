# The same broken line gets the same reason in every tool that reads
# records, whichever way the tool validates (a DOM parse, stage 1 and the
# structure check, batches on worker threads, the parser-free check of
# ndj-emit): the first fault reading from the left. Binary junk, NUL bytes,
# truncated objects, extra commas and bad UTF-8 among them.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
source "$TESTS_DIR/check.bash"

in="$dir/broken.ndjson"
{
  printf '{"a":1\n'                                   # 1
  printf '{"a":1,}\n'                                 # 2
  printf '{"a" 1}\n'                                  # 3
  printf '[1 2]\n'                                    # 4
  printf '{"a":"\xff"}\n'                             # 5
  printf '\xff\xfe\x00\x01junk\x00\n'                 # 6
  printf '{"a":tru}\n'                                # 7
  printf '{"a":01}\n'                                 # 8
  printf '{"a":"x\\qy"}\n'                            # 9
  printf '{"a":"unterminated\n'                       # 10
  printf '{"a":1}}\n'                                 # 11
  printf '{"a":1} {"b":2}\n'                          # 12
  printf '{"a":"tab\there"}\n'                        # 13
  printf '["\\ud800"]\n'                              # 14
  printf '%*s\n' 1100 '' | tr ' ' '['                 # 15
  printf '{"a":1e}\n'                                 # 16
  printf ',\n'                                        # 17
  printf '{"a":[1,2}\n'                               # 18
  printf '{"a":1}\n'                                  # 19 (valid)
  printf '\x00\n'                                     # 20
  printf '{"\xc3\x28":1}\n'                           # 21
  printf '{"a":nul}\n'                                # 22
} >"$in"
expected="1: truncated (unclosed array or object)
2: bad structure (missing or extra comma, bracket or brace)
3: bad structure (missing or extra comma, bracket or brace)
4: bad structure (missing or extra comma, bracket or brace)
5: invalid UTF-8
6: bad structure (missing or extra comma, bracket or brace)
7: bad literal (expected true)
8: bad structure (missing or extra comma, bracket or brace)
9: bad string
10: unclosed string
11: bad structure (missing or extra comma, bracket or brace)
12: bad structure (missing or extra comma, bracket or brace)
13: control character inside a string
14: bad string
15: nesting too deep (limit 1024)
16: bad number
17: bad structure (missing or extra comma, bracket or brace)
18: bad structure (missing or extra comma, bracket or brace)
20: bad structure (missing or extra comma, bracket or brace)
21: invalid UTF-8
22: bad literal (expected null)"

# "ndj-X: FILE:LINE: invalid JSON: REASON" -> "LINE: REASON". (ndj-prune also
# warns that the valid line has no time: warnings are not counted.)
reasons() { sed -n 's/^ndj-[a-z]*: [^:]*:\([0-9]*\): invalid JSON: /\1: /p' "$dir/err"; }
run() {  # NAME COMMAND...: reads $in on stdin
  local name=$1
  shift
  "$@" <"$in" >/dev/null 2>"$dir/err"
  check "$name: exit" 65 $?
  check "$name: reasons" "$expected" "$(reasons)"
  check "$name: nothing else on stderr" 21 "$(grep -vc ": warning: " "$dir/err")"
}
run ndj-redact ndj-redact --mask email
run "ndj-redact --threads 4" ndj-redact --mask email --threads 4
run ndj-batch ndj-batch -n 10
run ndj-stats ndj-stats
run ndj-dora ndj-dora --threads 1
run "ndj-dora --threads 4" ndj-dora --threads 4
run ndj-prune ndj-prune --older-than 1d
run ndj-post ndj-post --dry-run http://127.0.0.1:9/
run "ndj-emit --stdin" ndj-emit --stdin
# ndj-tail --validate reads files.
ndj-tail --validate "$in" >/dev/null 2>"$dir/err"
check "ndj-tail --validate: exit" 65 $?
check "ndj-tail --validate: reasons" "$expected" "$(reasons)"
exit $fail
