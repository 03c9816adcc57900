# Effectively once into ClickHouse: ndj-tail --cursor --id-field |
# ndj-batch | ndj-post --sink clickhouse --cursor over 200,000 records, 1%
# of them rows ClickHouse rejects (a string in a UInt32 column: valid JSON,
# so every ndj tool passes them), with 20 SIGKILLs of ndj-post, ndj-batch or
# ndj-tail at random moments and the pipeline restarted from the cursor.
# After every kill the cursor points past no record that is neither in the
# table nor in the dead-letter file. At the end: every good record in the
# ReplacingMergeTree table exactly once after FINAL, every bad one in the
# dead-letter file and no good one there, the last run done (exit 65: some
# records dead-lettered), not retrying (75) or refused (77).
set -u
source "$TESTS_DIR/clickhouse.bash"
source "$TESTS_DIR/receiver.bash"  # cursor_offset
source "$TESTS_DIR/check.bash"
dir=$(mktemp -d)
trap 'clickhouse_stop; rm -rf "$dir"' EXIT
records=200000 batch=1000 kills_wanted=20
data="$dir/telemetry/app.ndjson" cursor="$dir/cursor" dl="$dir/dead-letter"
mkdir -p "$dir/telemetry"
clickhouse_start "$dir/ch"
ch_query "CREATE TABLE events (id String, source String, n UInt32, msg String) ENGINE = ReplacingMergeTree ORDER BY id"

awk -v n=$records 'BEGIN { for (i = 1; i <= n; i++)
  if (i % 100 == 37) printf "{\"n\":\"bad %d\",\"msg\":\"record %d of the kill test\"}\n", i, i
  else printf "{\"n\":%d,\"msg\":\"record %d of the kill test\"}\n", i, i }' >"$data"
size=$(stat -c %s "$data")
# The ids the pipeline gives: "FP-OFFSET", the same on every resend.
ndj-tail --id-field id "$data" | jq -r '[.id, (.n | type)] | join(" ")' >"$dir/ids"
awk '$2 == "number" { print $1 }' "$dir/ids" | sort >"$dir/good"
awk '$2 == "string" { print $1 }' "$dir/ids" | sort >"$dir/bad"
good=$(wc -l <"$dir/good") bad=$(wc -l <"$dir/bad")
[ "$good" = 198000 ] && [ "$bad" = 2000 ] || { echo "FAIL: the data holds $good good and $bad bad records"; exit 1; }

offset_of() { echo "${1##*-}"; }
# Fails unless every record before the committed offset is in the table
# (good) or in the dead-letter file (bad).
check_cursor() {
  local off in_table want_good want_bad in_dl
  off=$(cursor_offset "$cursor" "$data")
  off=${off:-0}
  want_good=$(awk -v off="$off" -F- '$2 + 0 < off' "$dir/good" | wc -l)
  in_table=$(ch_query "SELECT uniqExact(id) FROM events WHERE toUInt64(splitByChar('-', id)[2]) < $off")
  [ "$in_table" = "$want_good" ] || {
    echo "FAIL: after kill $kills the cursor is at byte $off: $want_good good records before it, $in_table in the table"
    exit 1
  }
  want_bad=$(awk -v off="$off" -F- '$2 + 0 < off' "$dir/bad" | wc -l)
  in_dl=$( { [ -s "$dl" ] && jq -r '.body[].id' "$dl"; } | awk -v off="$off" -F- '$2 + 0 < off' | sort -u | wc -l)
  [ "$in_dl" = "$want_bad" ] || {
    echo "FAIL: after kill $kills the cursor is at byte $off: $want_bad bad records before it, $in_dl dead-lettered"
    exit 1
  }
}

wait_pid_file() {
  local pid
  pid=$(cat "$1" 2>/dev/null)
  while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
  rm -f "$1"
}

kills=0 runs=0
while :; do
  runs=$((runs + 1))
  bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$dir/tail.pid" \
      ndj-tail --cursor "$cursor" --id-field id --source-field source "$dir/telemetry/" \
    | bash -c 'echo $$ >"$1"; exec ndj-batch -n "$2"' _ "$dir/batch.pid" $batch \
    | ndj-post --sink clickhouse --table events --cursor "$cursor" --dead-letter "$dl" \
        --status "$dir/status" --commit-interval 50ms --backoff 10ms --max-backoff 200ms --retry-for 60s "$CH_URL" 2>>"$dir/err" &
  post=$!
  if [ $kills -ge $kills_wanted ]; then
    echo "after $kills kills the cursor is at byte $(cursor_offset "$cursor" "$data") of $size"
    wait $post 2>/dev/null
    status=$?
    wait_pid_file "$dir/batch.pid"
    wait_pid_file "$dir/tail.pid"
    break
  fi
  # Each kill comes 0-50 ms after the run's first cursor commit (every 50
  # ms): mid-stream, with rows landed past the cursor, and with all 20
  # kills before the end even when a quiet machine ships the 200,000
  # records in a few seconds.
  before=$(cursor_offset "$cursor" "$data")
  for _ in $(seq 1 500); do
    kill -0 $post 2>/dev/null || break
    [ "$(cursor_offset "$cursor" "$data")" != "$before" ] && break
    sleep 0.02
  done
  sleep "0.0$((RANDOM % 6))"
  if kill -0 $post 2>/dev/null; then
    case $((RANDOM % 6)) in
      0) kill -9 "$(cat "$dir/tail.pid")" 2>/dev/null; sleep 0.1; kill -9 $post 2>/dev/null ;;
      1) kill -9 "$(cat "$dir/batch.pid")" 2>/dev/null; sleep 0.1; kill -9 $post 2>/dev/null ;;
      *) kill -9 $post 2>/dev/null ;;
    esac
    kills=$((kills + 1))
  fi
  wait $post 2>/dev/null
  wait_pid_file "$dir/batch.pid"
  wait_pid_file "$dir/tail.pid"
  check_cursor
  [ "$(cursor_offset "$cursor" "$data")" = "$size" ] && { echo "FAIL: finished after only $kills kills"; exit 1; }
done

fail=0
echo "runs: $runs, kills: $kills, final exit: $status"
# 65: records were dead-lettered (0 if the last run had none left to).
[ "$status" = 65 ] || [ "$status" = 0 ] || { echo "FAIL: the last run exited $status"; tail -5 "$dir/err"; fail=1; }
[ "$(cursor_offset "$cursor" "$data")" = "$size" ] || { echo "FAIL: cursor not at the end"; fail=1; }
ch_query "SELECT id FROM events FINAL ORDER BY id" | LC_ALL=C sort >"$dir/table"
LC_ALL=C sort -o "$dir/good" "$dir/good"
rows=$(wc -l <"$dir/table") distinct=$(uniq "$dir/table" | wc -l)
echo "table after FINAL: $rows rows, $distinct distinct ids; $(ch_query "SELECT count() FROM events") rows before dedup"
check "every good record in the table exactly once" "$good $good" "$rows $distinct"
cmp -s "$dir/table" "$dir/good" || { echo "FAIL: the table's ids are not the good records' ids"; fail=1; }
jq -r '.body[].id' "$dl" | sort >"$dir/dead"
echo "dead-letter file: $(wc -l <"$dl") entries, $(uniq "$dir/dead" | wc -l) distinct records"
check "every bad record dead-lettered" "$bad" "$(uniq "$dir/dead" | wc -l)"
check "only bad records dead-lettered" "" "$(uniq "$dir/dead" | comm -23 - <(LC_ALL=C sort "$dir/bad") | head -3)"
check "each dead letter holds one record" "0" "$(jq 'select(.body | length != 1)' "$dl" | wc -l)"
check "the status counts them" "true" "$(jq '.dead_lettered_records > 0 and .split > 0' "$dir/status")"
exit $fail
