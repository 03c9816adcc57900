# --commit-interval: marks acknowledged within an interval wait for the next
# commit, yet SIGTERM, SIGINT and the end of input commit the last mark
# whose bodies were acknowledged, and never one past a body that was not;
# commits at once (0) and coalesced commits end with the same cursor.
set -u
source "$TESTS_DIR/receiver.bash"
source "$TESTS_DIR/check.bash"
dir=$(mktemp -d)
trap 'exec 3>&-; stop_receiver; rm -rf "$dir"' EXIT
fail=0
mark() { printf '{"ndj_mark":{"path":"/abs/app.ndjson","dev":1,"ino":2,"fp":"0123456789abcdef","offset":%s}}\n' "$1"; }
requests() { curl -s "http://127.0.0.1:$RPORT/_stats" | jq .requests; }

# Waits (at most 20 s) until `$@` prints $1... : until COMMAND's output is WANT.
wait_for() {
  local want=$1 i
  shift
  for ((i = 0; i < 200; i++)); do
    [ "$("$@")" = "$want" ] && return 0
    sleep 0.1
  done
  echo "FAIL: timed out waiting for '$*' to be '$want' (it is '$("$@")')"
  exit 1
}

# Bodies 1 and 2, mark 10, body 3, mark 20, body 4 (answered 503 with a long
# Retry-After, so it waits for a retry), mark 30; the input pipe stays open.
# With an hour's interval, the first commit (10) goes at once and the next
# can only come from the end of the run.
for sig in TERM INT; do
  rm -f "$dir/cursor" "$dir/received"
  start_receiver "$dir" --plan "200,200,200,503:30" || exit 1
  mkfifo "$dir/in.$sig"
  ndj-post -j 1 --max-backoff 60s --commit-interval 1h --cursor "$dir/cursor" "$URL" \
    <"$dir/in.$sig" 2>"$dir/err" &
  post=$!
  exec 3>"$dir/in.$sig"
  { echo '[{"id":1}]'; echo '[{"id":2}]'; mark 10; echo '[{"id":3}]'; mark 20; echo '[{"id":4}]'; mark 30; } >&3
  wait_for 4 requests
  wait_for 10 cursor_offset "$dir/cursor" /abs/app.ndjson
  sleep 0.3
  check "SIG$sig: mark 20 waits for the next commit" 10 "$(cursor_offset "$dir/cursor" /abs/app.ndjson)"
  kill -$sig $post
  wait $post
  check "SIG$sig: exit status (a pipe)" 0 $?
  exec 3>&-
  check "SIG$sig: the last acknowledged mark is committed" 20 "$(cursor_offset "$dir/cursor" /abs/app.ndjson)"
  check "SIG$sig: the cursor holds that one entry" '1 /abs/app.ndjson 1 2 0123456789abcdef 20' \
    "$(jq -r '"\(.files | length) \(.files[0] | "\(.path) \(.dev) \(.ino) \(.fp) \(.offset)")"' "$dir/cursor")"
  check "SIG$sig: cursor mode" 600 "$(stat -c %a "$dir/cursor")"
  stop_receiver
done

# settles LABEL PLAN STATUS OFFSET: bodies 1 to 4, marks 10, 20 and 30
# after bodies 2, 3 and 4, into a receiver answering PLAN; ndj-post exits
# with STATUS and has committed the mark at OFFSET.
settles() {
  rm -f "$dir/cursor"
  start_receiver "$dir" --plan "$2" || exit 1
  { echo '[{"id":1}]'; echo '[{"id":2}]'; mark 10; echo '[{"id":3}]'; mark 20; echo '[{"id":4}]'; mark 30; } \
    | ndj-post -j 1 --commit-interval 1h --cursor "$dir/cursor" "$URL" 2>"$dir/err"
  check "$1: exit status" "$3" $?
  check "$1: the mark committed" "$4" "$(cursor_offset "$dir/cursor" /abs/app.ndjson)"
  stop_receiver
}
# The end of input: body 4 is retried after a second and acknowledged, so
# the last mark is committed.
settles "end of input" "200,200,200,503:1" 0 30
# A failure: body 4 is rejected (no --dead-letter), so mark 20 is the last
# one whose bodies were settled.
settles "rejected body" "200,200,200,400" 65 20

# The real pipeline over three files, with transient faults: every mark
# committed at once, or coalesced, ends with the same entries.
for f in a b c; do
  seq 1 3000 | awk -v f=$f '{ printf "{\"file\":\"%s\",\"n\":%d}\n", f, $1 }' >"$dir/$f.ndjson"
done
start_receiver "$dir" --fault-rate 0.1 --seed "$RANDOM" --fault-kinds 500,503:0,drop,lost || exit 1
for interval in 0 200ms 1h; do
  ndj-tail --cursor "$dir/cursor.$interval" "$dir"/{a,b,c}.ndjson | ndj-batch -n 100 \
    | ndj-post -j 4 --backoff 10ms --commit-interval $interval --cursor "$dir/cursor.$interval" "$URL" 2>>"$dir/err"
  check "--commit-interval $interval: exit status" 0 $?
  jq -c '[.files[] | {path, dev, ino, fp, offset}]' "$dir/cursor.$interval" >"$dir/entries.$interval"
done
check "three files shipped to their end" "$(stat -c %s "$dir"/{a,b,c}.ndjson | tr '\n' ' ')" \
  "$(jq -r '.[].offset' "$dir/entries.0" | tr '\n' ' ')"
check "--commit-interval 200ms ends as 0 does" "$(cat "$dir/entries.0")" "$(cat "$dir/entries.200ms")"
check "--commit-interval 1h ends as 0 does" "$(cat "$dir/entries.0")" "$(cat "$dir/entries.1h")"
exit $fail
