# End-to-end crash test: a producer that emits records and checkpoint marks
# (DESIGN.md §2) from the cursor offset | ndj-batch | ndj-post --cursor,
# against a receiver that injects faults; ndj-post (and sometimes ndj-batch)
# is SIGKILLed at random moments at least 20 times and the pipeline
# restarted from the cursor. Every record must arrive at least once, after
# every kill the cursor points at no record the receiver has not stored
# (acknowledged bodies were stored first), and duplicates stay bounded by
# what can be in flight or acknowledged within a --commit-interval. Each run
# takes a commit interval at random: the default, a short one, or 0.
set -u
source "$TESTS_DIR/receiver.bash"
dir=$(mktemp -d)
trap 'stop_receiver; rm -rf "$dir"' EXIT
records=200000 batch=1000 jobs=2 kills_wanted=20 delay_ms=100
intervals=(200ms 50ms 0 200ms) longest_interval_ms=200
data="$dir/app.ndjson" cursor="$dir/cursor"
seq 1 $records | awk '{printf "{\"id\":%d,\"msg\":\"record %d of the kill test\"}\n", $1, $1}' >"$data"
size=$(stat -c %s "$data")

# Emits the lines after the committed offset, with a mark every 50 lines.
produce() {
  local off
  off=$(cursor_offset "$cursor" "$data")
  off=${off:-0}
  tail -c +$((off + 1)) "$data" | awk -v off="$off" -v path="$data" '
    function mark() { printf "{\"ndj_mark\":{\"path\":\"%s\",\"dev\":1,\"ino\":1,\"fp\":\"0000000000000000\",\"offset\":%d}}\n", path, off }
    { print; off += length($0) + 1; if (NR % 50 == 0) mark() }
    END { mark() }'
}

# The producer and ndj-batch end on EPIPE once ndj-post is gone.
wait_batch() {
  local pid
  pid=$(cat "$dir/batch.pid" 2>/dev/null)
  while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
  rm -f "$dir/batch.pid"
}

# Fails unless every record before the committed offset was stored.
check_cursor() {
  local off n stored
  off=$(cursor_offset "$cursor" "$data")
  n=$(head -c "${off:-0}" "$data" | wc -l)
  stored=$(grep -o '"id":[0-9]*' "$dir/received" 2>/dev/null | cut -d: -f2 | sort -nu |
    awk -v n="$n" '$1 <= n { c++ } END { print c + 0 }')
  [ "$stored" = "$n" ] && return
  echo "FAIL: after kill $kills the cursor is at record $n, but only $stored of those were stored"
  exit 1
}

start_receiver "$dir" --delay "$(awk -v ms=$delay_ms 'BEGIN { print ms / 1000 }')" --fault-rate 0.05 --seed "$RANDOM" --fault-kinds 500,503:0,429:0,drop,lost
kills=0 runs=0
while :; do
  runs=$((runs + 1))
  # The last run, never killed, may go faster.
  [ $kills -ge $kills_wanted ] && jobs_now=8 || jobs_now=$jobs
  interval=${intervals[RANDOM % ${#intervals[@]}]}
  produce | bash -c 'echo $$ >"$1"; exec ndj-batch -n "$2"' _ "$dir/batch.pid" $batch \
    | ndj-post -j $jobs_now --backoff 10ms --max-backoff 100ms --cursor "$cursor" \
        --commit-interval "$interval" "$URL" 2>>"$dir/err" &
  post=$!
  if [ $kills -ge $kills_wanted ]; then
    wait $post 2>/dev/null
    status=$?
    wait_batch
    break
  fi
  sleep "0.$(printf "%02d" $((RANDOM % 17 + 3)))"
  if kill -0 $post 2>/dev/null; then
    if [ $((RANDOM % 5)) = 0 ] && [ -s "$dir/batch.pid" ]; then
      kill -9 "$(cat "$dir/batch.pid")" 2>/dev/null
      # ndj-post would now drain what the pipe holds; kill it part-way too,
      # or a few runs ship everything before twenty kills happened.
      sleep 0.2
      kill -9 $post 2>/dev/null
    else
      kill -9 $post 2>/dev/null
    fi
    kills=$((kills + 1))
  fi
  wait $post 2>/dev/null
  wait_batch
  check_cursor
  [ "$(cursor_offset "$cursor" "$data")" = "$size" ] && { echo "FAIL: finished after only $kills kills"; exit 1; }
done
lost=$(curl -s "http://127.0.0.1:$RPORT/_stats" | jq .lost)
stop_receiver

fail=0
echo "runs: $runs, kills: $kills, lost answers: $lost, final exit: $status"
[ "$status" = 0 ] || { echo "FAIL: last run exited $status"; cat "$dir/err"; fail=1; }
[ "$(cursor_offset "$cursor" "$data")" = "$size" ] || { echo "FAIL: cursor not at the end"; fail=1; }
grep -o '"id":[0-9]*' "$dir/received" | cut -d: -f2 | sort -n >"$dir/ids"
distinct=$(uniq "$dir/ids" | wc -l)
total=$(wc -l <"$dir/ids")
echo "received: $total records, $distinct distinct of $records"
[ "$distinct" = $records ] && [ "$(head -1 "$dir/ids")" = 1 ] && [ "$(tail -1 "$dir/ids")" = $records ] \
  || { echo "FAIL: records lost"; fail=1; }
# Each kill or lost answer resends at most what was in flight or acknowledged
# but not yet committed: the batches in ndj-post plus the one ndj-batch holds,
# and those acknowledged during one commit interval (and the commit itself).
bound=$(( (kills + lost + 1) * (jobs + 2 + jobs * (longest_interval_ms / delay_ms + 1)) * batch ))
echo "duplicates: $((total - records)) (bound $bound)"
[ $((total - records)) -le $bound ] || { echo "FAIL: too many duplicates"; fail=1; }
exit $fail
