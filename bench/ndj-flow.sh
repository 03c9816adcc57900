#!/usr/bin/env bash
# ndj-flow: every report over a generated board of 100,000 work units and
# 1,000,000 events in reference 000's flow.log format (bench/gen-flow),
# time and peak RSS (the target: each under 2 s and 200 MiB); then WIP per
# lane, against jq and Miller computing it the same way (each WU's latest
# event; claimed, prepped, unblocked or blocked is WIP; counted per lane)
# on the first 200,000 events, whose figures must be the same.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bench_require ndj-flow jq mlr || exit 0

bench_header "ndj-flow"
mkdir -p "$BENCH_DIR"
board="$BENCH_DIR/flow-1M.ndjson"
args="--wus 100000 --events 1000000 --end 2026-12-01T00:00:00Z --seed 1"
if [[ ! -s $board || $(cat "$board.args" 2>/dev/null) != "$args" ]]; then
  echo "bench: generating $board (bench/gen-flow $args)" >&2
  # shellcheck disable=SC2086
  "$here/gen-flow" $args >"$board.tmp.$$" && mv "$board.tmp.$$" "$board" && printf '%s\n' "$args" >"$board.args" || exit 1
fi
small="$BENCH_DIR/flow-200k.ndjson"
if [[ ! -s $small || $small -ot $board ]]; then head -n 200000 "$board" >"$small.tmp.$$" && mv "$small.tmp.$$" "$small"; fi
as_of="--as-of 2026-12-01T00:00:00Z"

for r in wip blocked stale critical-path cycle-time throughput forecast report; do
  bench_run "ndj-flow -r $r (1M events)" "$board" "ndj-flow $as_of -r $r -f json"
done
bench_run "ndj-flow -r report -f html (1M events)" "$board" "ndj-flow $as_of -r report -f html"

wip_jq='jq -n -r '\''[inputs | select(.wuId)] | group_by(.wuId) | map(sort_by(.timestamp) | last)
  | map(select(.event == "wu:claim" or .event == "wu:prep" or .event == "wu:unblock" or .event == "wu:block"))
  | group_by(.lane)[] | "\(.[0].lane),\(length)"'\'
wip_mlr='mlr --ijson --ocsv --headerless-csv-output sort -f timestamp then tail -n 1 -g wuId \
  then filter '\''$event =~ "^wu:(claim|prep|unblock|block)$"'\'' then count -g lane then sort -f lane'
wip_ndj="ndj-flow $as_of -r wip -f csv"
bench_run "ndj-flow -r wip (200k events)" "$small" "$wip_ndj"
bench_run "jq WIP per lane" "$small" "$wip_jq"
bench_run "mlr WIP per lane" "$small" "$wip_mlr"
ours=$(bash -c "$wip_ndj" <"$small" | awk -F, 'NR > 1 { print $2 "," $6 }')
theirs=$(bash -c "$wip_jq" <"$small")
mlrs=$(bash -c "$wip_mlr" <"$small")
if [[ $ours != "$theirs" || $ours != "$mlrs" ]]; then
  echo "bench: WIP per lane differs: ndj-flow, jq, mlr:" >&2
  paste -d' ' <(echo "$ours") <(echo "$theirs") <(echo "$mlrs") >&2
  exit 1
fi
bench_ratio "ndj-flow / jq, WIP per lane" "ndj-flow -r wip (200k events)" "jq WIP per lane"
bench_ratio "ndj-flow / mlr, WIP per lane" "ndj-flow -r wip (200k events)" "mlr WIP per lane"
