#!/usr/bin/env bash
# The cursor file does not grow with every rotation ever seen: 100
# rotations (50 numbered app.ndjson.1/.2, then 50 dateext
# app.ndjson-NNNN), older generations deleted (keep 2), everything shipped
# in between by `ndj-tail -f --cursor | ndj-batch | ndj-post --cursor`
# (stopped and started again every 25 rotations). At the end the cursor
# holds about one entry per live log file, and nothing was lost.
set -u
source "$TESTS_DIR/receiver.bash"
dir=$(mktemp -d)
pgid=
trap '[ -n "$pgid" ] && kill -9 -- -$pgid 2>/dev/null; stop_receiver; rm -rf "$dir"' EXIT
logs="$dir/logs" C="$dir/cursor.json"
mkdir "$logs"
rotations=${ROT:-100} per=5 slack=2
start_receiver "$dir" || exit 1

start_pipeline() {
  setsid bash -c 'timeout --foreground $((120 * ${NDJ_TEST_SLOWDOWN:-1})) ndj-tail -f --cursor "$1" "$2/*.ndjson" 2>>"$3/tail.err" \
    | timeout --foreground $((120 * ${NDJ_TEST_SLOWDOWN:-1})) ndj-batch -n 50 --linger 20ms \
    | timeout --foreground $((120 * ${NDJ_TEST_SLOWDOWN:-1})) ndj-post --cursor "$1" --backoff 10ms --max-backoff 100ms --retry-for 20s "$4" 2>>"$3/post.err"' \
    _ "$C" "$logs" "$dir" "$URL" &
  pgid=$!
}
stop_pipeline() {
  pkill -TERM -g $pgid -x ndj-tail
  for ((t = 0; t < 100; t++)); do kill -0 $pgid 2>/dev/null || break; sleep 0.1; done
  kill -9 -- -$pgid 2>/dev/null
  wait $pgid 2>/dev/null
  pgid=
}
# Waits (at most 30 s) until the receiver holds N records.
wait_received() {
  local t
  for ((t = 0; t < 300; t++)); do
    [ "$(grep -o '"gen"' "$dir/received" 2>/dev/null | wc -l)" -ge "$1" ] && return 0
    sleep 0.05
  done
  echo "FAIL: timed out waiting for $1 records (have $(jq -c '.[]' "$dir/received" 2>/dev/null | wc -l))"
  exit 1
}

start_pipeline
for ((i = 1; i <= rotations; i++)); do
  for ((j = 0; j < per; j++)); do printf '{"gen":%d,"n":%d}\n' $i $j; done >>"$logs/app.ndjson"
  wait_received $((i * per))
  sleep 0.05  # let ndj-post commit the mark after the last body
  if [ $i -le 50 ]; then
    rm -f "$logs/app.ndjson.2"
    [ -e "$logs/app.ndjson.1" ] && mv "$logs/app.ndjson.1" "$logs/app.ndjson.2"
    mv "$logs/app.ndjson" "$logs/app.ndjson.1"
  else
    [ $i = 51 ] && rm -f "$logs/app.ndjson.1" "$logs/app.ndjson.2"
    mv "$logs/app.ndjson" "$logs/app.ndjson-$(printf %04d $i)"
    ls "$logs" | grep -- '^app\.ndjson-' | sort | head -n -2 | sed "s|^|$logs/|" | xargs -r rm -f
  fi
  if [ $((i % 25)) = 0 ]; then
    echo "$i rotations, ${SECONDS}s"
    stop_pipeline
    start_pipeline
  fi
done
printf '{"gen":%d,"n":0}\n' $((rotations + 1)) >"$logs/app.ndjson"
wait_received $((rotations * per + 1))
sleep 1.5  # past ndj-tail's one-second grace for rotated files
stop_pipeline
# One more pass without -f, as a cron job would run it.
timeout $((60 * ${NDJ_TEST_SLOWDOWN:-1})) ndj-tail --cursor "$C" "$logs/*.ndjson" 2>>"$dir/tail.err" | timeout $((60 * ${NDJ_TEST_SLOWDOWN:-1})) ndj-batch \
  | timeout $((60 * ${NDJ_TEST_SLOWDOWN:-1})) ndj-post --cursor "$C" --retry-for 10s "$URL" 2>>"$dir/post.err"

fail=0
live=$(ls "$logs" | wc -l)
entries=$(jq '.files | length' "$C")
echo "after $rotations rotations: $live live files, $entries cursor entries"
jq -r '.files[] | "  \(.path) ino \(.ino) offset \(.offset)"' "$C" | head -12
[ "$entries" -le $((live + slack)) ] || { echo "FAIL: the cursor holds $entries entries for $live live files"; fail=1; }
jq -r '.[] | "\(.gen) \(.n)"' "$dir/received" | sort -u >"$dir/got"
for ((i = 1; i <= rotations; i++)); do for ((j = 0; j < per; j++)); do echo "$i $j"; done; done \
  | { cat; echo "$((rotations + 1)) 0"; } | sort >"$dir/want"
missing=$(comm -23 "$dir/want" "$dir/got" | wc -l)
echo "records: $(wc -l <"$dir/want") written, $(jq -c '.[]' "$dir/received" | wc -l) received, $missing missing"
[ "$missing" = 0 ] || { echo "FAIL: $missing records lost, e.g. $(comm -23 "$dir/want" "$dir/got" | head -3 | tr '\n' ',')"; fail=1; }
[ ! -s "$dir/tail.err" ] || { echo "ndj-tail said:"; cat "$dir/tail.err"; }
exit $fail
