# ndj-post against a scripted receiver: each status class gives its exit
# code, and the cursor never moves past a body that was not acknowledged.
set -u
source "$TESTS_DIR/receiver.bash"
dir=$(mktemp -d)
trap 'stop_receiver; rm -rf "$dir"' EXIT
fail=0
source "$TESTS_DIR/check.bash"
mark() { printf '{"ndj_mark":{"path":"/abs/app.ndjson","dev":1,"ino":2,"fp":"0123456789abcdef","offset":%s}}\n' "$1"; }
{ echo '[{"id":1}]'; mark 10; echo '[{"id":2}]'; mark 20; echo '[{"id":3}]'; mark 30; } >"$dir/in"

# run NAME PLAN EXPECTED_RC EXPECTED_OFFSET [ndj-post options]
run() {
  local name=$1 plan=$2 want_rc=$3 want_off=$4
  shift 4
  rm -f "$dir/cursor" "$dir/received" "$dir/dead"
  start_receiver "$dir" --plan "$plan" || exit 1
  ndj-post -j 1 --backoff 10ms --max-backoff "${MAX_BACKOFF:-50ms}" --cursor "$dir/cursor" "$@" "$URL" \
    <"$dir/in" >"$dir/out" 2>"$dir/err"
  check "$name: exit status" "$want_rc" "$?"
  check "$name: cursor" "$want_off" "$(cursor_offset "$dir/cursor" /abs/app.ndjson)"
  stop_receiver
}

run "all accepted" "200,204,202" 0 30
check "all accepted: bodies" '[{"id":1}] [{"id":2}] [{"id":3}]' "$(tr '\n' ' ' <"$dir/received" | sed 's/ $//')"
run "401" "200,401" 77 10
grep -q 'HTTP 401: the endpoint wants a token: use --token-file or --token-env' "$dir/err"; check "401 says what to fix" 0 $?
run "403" "403" 77 ""
run "404" "200,200,404" 77 20
grep -q 'check the URL' "$dir/err"; check "404 says what to fix" 0 $?
run "redirect" "301" 77 ""
run "400 without --dead-letter" "200,400,200" 65 10
check "400: later bodies not sent" '[{"id":1}]' "$(cat "$dir/received")"
grep -q 'dead-letter' "$dir/err"; check "400 suggests --dead-letter" 0 $?
run "422 with --dead-letter" "200,422,413" 65 30 --dead-letter "$dir/dead"
check "dead letters" 2 "$(wc -l <"$dir/dead")"
check "dead letter fields" '422 [{"id":2}] <stdin>:3' "$(head -1 "$dir/dead" | jq -r '"\(.status) \(.body | tojson) \(.source)"')"
check "dead letter response excerpt" '{"error":"status 413"}' "$(tail -1 "$dir/dead" | jq -r .response)"
check "dead letter mode" 600 "$(stat -c %a "$dir/dead")"
run "transient then accepted" "500,503,drop,408,429:0,200,200,200" 0 30
run "retry budget runs out" "200,500*1000" 75 10 --retry-for 300ms
grep -q 'still failing after --retry-for 300ms' "$dir/err"; check "75 message" 0 $?
MAX_BACKOFF=5s run "Retry-After seconds honoured" "503:1,200,200" 0 30 -v
grep -q 'HTTP 503, .*attempt 1, retry in 1s$' "$dir/err"; check "Retry-After: 1 waited" 0 $?
MAX_BACKOFF=700ms run "Retry-After date capped by --max-backoff" "429:date,200,200" 0 30 -v
grep -q 'HTTP 429, .*retry in 700ms$' "$dir/err"; check "Retry-After date capped" 0 $?

# Nobody listening: connection refused is transient, then 75.
start_receiver "$dir" && stop_receiver
rm -f "$dir/cursor"
ndj-post --backoff 10ms --retry-for 200ms --cursor "$dir/cursor" "$URL" <"$dir/in" 2>"$dir/err"
check "connection refused: exit" 75 $?
check "connection refused: no cursor" no "$([ -e "$dir/cursor" ] && echo yes || echo no)"

# The status file.
start_receiver "$dir" --plan "500,200,400"
ndj-post -j 1 --backoff 10ms --status "$dir/status" --dead-letter "$dir/dead2" "$URL" <"$dir/in" 2>/dev/null
check "status: exit" 65 $?
check "status: counters" '4 1 2 1 0' "$(jq -r '[.requests,.retries,.acked,.dead_lettered,.pending] | join(" ")' "$dir/status")"
check "status: last error" 'HTTP 400' "$(jq -r .last_error "$dir/status")"
check "status: mode" 600 "$(stat -c %a "$dir/status")"
stop_receiver
exit $fail
