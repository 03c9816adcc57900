# End-to-end crash test of the real pipeline:
#   ndj-tail --cursor | ndj-batch | ndj-post --cursor
# over 200,000 records against a receiver that injects faults, SIGKILLing
# ndj-post (and sometimes ndj-tail) at random moments at least 20 times and
# restarting from the cursor. Every record must arrive at least once, and
# duplicates stay bounded by what can be in flight or acknowledged within
# one --commit-interval (the default, 200ms).
set -u
if ! command -v ndj-tail >/dev/null; then
  echo "SKIP: ndj-tail not built"
  exit 77
fi
source "$TESTS_DIR/receiver.bash"
dir=$(mktemp -d)
trap 'stop_receiver; rm -rf "$dir"' EXIT
records=200000 batch=1000 jobs=2 kills_wanted=20
data="$dir/app.ndjson" cursor="$dir/cursor"
seq 1 $records | awk '{printf "{\"id\":%d,\"msg\":\"record %d of the kill test\"}\n", $1, $1}' >"$data"
size=$(stat -c %s "$data")

wait_pidfile() {  # the other stages end on EOF or EPIPE once one is gone
  local pid
  pid=$(cat "$1" 2>/dev/null)
  while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
  rm -f "$1"
}

start_receiver "$dir" --delay 0.1 --fault-rate 0.05 --seed "$RANDOM" --fault-kinds 500,503:0,429:0,drop,lost
kills=0 runs=0 status=
while :; do
  runs=$((runs + 1))
  # The last run, never killed, may go faster.
  [ $kills -ge $kills_wanted ] && jobs_now=8 || jobs_now=$jobs
  bash -c 'echo $$ >"$1"; exec ndj-tail --cursor "$2" "$3"' _ "$dir/tail.pid" "$cursor" "$data" 2>>"$dir/err" \
    | ndj-batch -n $batch \
    | ndj-post -j $jobs_now --backoff 10ms --max-backoff 100ms --cursor "$cursor" "$URL" 2>>"$dir/err" &
  post=$!
  if [ $kills -ge $kills_wanted ]; then
    wait $post 2>/dev/null
    status=$?
    wait_pidfile "$dir/tail.pid"
    break
  fi
  sleep "0.$(printf "%02d" $((RANDOM % 17 + 3)))"
  if kill -0 $post 2>/dev/null; then
    if [ $((RANDOM % 4)) = 0 ] && [ -s "$dir/tail.pid" ]; then
      kill -9 "$(cat "$dir/tail.pid")" 2>/dev/null
      # ndj-post now drains what the pipes held (megabytes); a crash of the
      # whole host would not let it finish: kill it too, part-way.
      sleep 0.2
      kill -9 $post 2>/dev/null
    else
      kill -9 $post 2>/dev/null
    fi
    kills=$((kills + 1))
  fi
  wait $post 2>/dev/null
  wait_pidfile "$dir/tail.pid"
  [ "$(cursor_offset "$cursor" "$data")" = "$size" ] && { echo "FAIL: finished after only $kills kills"; exit 1; }
done
lost=$(curl -s "http://127.0.0.1:$RPORT/_stats" | jq .lost)
stop_receiver

fail=0
echo "runs: $runs, kills: $kills, lost answers: $lost, final exit: $status"
[ "$status" = 0 ] || { echo "FAIL: last run exited $status"; tail -20 "$dir/err"; fail=1; }
[ "$(cursor_offset "$cursor" "$data")" = "$size" ] || { echo "FAIL: cursor not at the end"; fail=1; }
grep -o '"id":[0-9]*' "$dir/received" | cut -d: -f2 | sort -n >"$dir/ids"
distinct=$(uniq "$dir/ids" | wc -l)
total=$(wc -l <"$dir/ids")
echo "received: $total records, $distinct distinct of $records"
[ "$distinct" = $records ] && [ "$(head -1 "$dir/ids")" = 1 ] && [ "$(tail -1 "$dir/ids")" = $records ] \
  || { echo "FAIL: records lost"; fail=1; }
# Answers take 100 ms: 200ms of acknowledgements is 2 per job, and one more
# while the commit is written.
bound=$(( (kills + lost + 1) * (jobs + 2 + jobs * 3) * batch ))
echo "duplicates: $((total - records)) (bound $bound)"
[ $((total - records)) -le $bound ] || { echo "FAIL: too many duplicates"; fail=1; }
exit $fail
