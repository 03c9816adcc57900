#!/usr/bin/env bash
# ndj-emit: appends per second from a shell loop (one process per event, as
# hooks call it), start-up time against /bin/true, and the full concurrency
# check of the spec (8 processes x 10,000 appends, every line whole).
set -u
. "$(dirname "$0")/lib.sh"
bench_require ndj-emit || exit 0
bench_header "ndj-emit: appends from a shell loop, start-up"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=${BENCH_EMIT_N:-2000}

t0=$EPOCHREALTIME
for ((i = 0; i < n; i++)); do ndj-emit -o "$dir/events.ndjson" event=tool_call tool=Bash i:=$i; done
t1=$EPOCHREALTIME
[ "$(wc -l <"$dir/events.ndjson")" = "$n" ] || { echo "bench: lines missing" >&2; exit 1; }
rate=$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.0f", n / (b - a) }')
t0=$EPOCHREALTIME
for ((i = 0; i < n; i++)); do /bin/true; done
t1=$EPOCHREALTIME
true_rate=$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.0f", n / (b - a) }')

startup() {  # mean wall milliseconds and task-clock of one run, from perf stat
  command -v perf >/dev/null || { echo "n/a (perf not installed)"; return; }
  perf stat -r 300 "$@" 2>&1 >/dev/null |
    awk '/task-clock/ { c = $1 } /seconds time elapsed/ { e = $1 * 1000 } END { printf "%.2f ms wall, %.2f ms CPU", e, c }'
}
s_emit=$(startup ndj-emit --no-ts event=x n:=1)
s_file=$(startup ndj-emit -o "$dir/startup.ndjson" event=x n:=1)
s_true=$(startup /bin/true)

{
  echo
  echo "| measurement | result |"
  echo "|---|---:|"
  echo "| appends/s, shell loop of ndj-emit -o (target 2,000) | $rate |"
  echo "| the same loop running /bin/true (machine ceiling) | $true_rate |"
  echo "| start-up, ndj-emit to stdout (target < 2 ms) | $s_emit |"
  echo "| start-up, ndj-emit -o FILE | $s_file |"
  echo "| start-up, /bin/true | $s_true |"
} | tee -a "$BENCH_OUT"

if [ "${BENCH_EMIT_FULL:-1}" = 1 ]; then
  t0=$EPOCHREALTIME
  if bash "$BENCH_ROOT/tests/scripts/ndj-emit-concurrent.sh" --full >"$dir/full.log" 2>&1; then
    verdict="pass"
  else
    verdict="FAIL"
    cat "$dir/full.log" >&2
  fi
  t1=$EPOCHREALTIME
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
  echo "- 8 x 10,000 concurrent ndj-emit -o appends: $verdict (${secs}s)" | tee -a "$BENCH_OUT"
  [ $verdict = pass ] || exit 1
fi
