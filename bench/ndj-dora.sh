#!/usr/bin/env bash
# ndj-dora: all DORA metrics per team over 10 million generated events
# (bench/gen --kind dora), against jq and Miller computing one of them, the
# median lead time per team, the same way (PERCENTILE_CONT over successful
# deployments in January 2026; the three print identical figures).
# jq and Miller hold every record in memory, so they run on the first 1
# million events of the same data; the ratios compare throughput (MB/s).
# Peak RSS of ndj-dora is also reported per retained event.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

bench_header "ndj-dora"
big=$(bench_data dora-10M --kind dora --records 10000000 --days 31 --seed 1) || exit 1
small="$BENCH_DIR/dora-1M.ndjson"
if [[ ! -s $small || $small -ot $big ]]; then head -n 1000000 "$big" >"$small.tmp.$$" && mv "$small.tmp.$$" "$small"; fi

window="--since 2026-01-01T00:00:00Z --until 2026-02-01T00:00:00Z"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/lead.jq" <<'JQ'
[inputs
 | if .type == "deployment" then [.id, 0, (.time | fromdateiso8601), .team, .status]
   elif .type == "change" and .deployment_id then [.deployment_id, 1, (.time | fromdateiso8601)]
   else empty end]
| group_by(.[0])
| [.[] | sort | select(.[0][1] == 0 and .[0][4] == "success" and .[0][2] >= 1767225600 and .[0][2] < 1769904000)
   | .[0] as $d | .[1:][] | {team: $d[3], h: (($d[2] - .[2]) / 3600)} | select(.h >= 0)]
| group_by(.team)[]
| (map(.h) | sort) as $v | ($v | length) as $n | (($n - 1) * 0.5) as $r | ($r | floor) as $lo
| "\(.[0].team),\($n),\($v[$lo] + ($r - $lo) * ($v[[$lo + 1, $n - 1] | min] - $v[$lo]))"
JQ
cat >"$tmp/lead.mlr" <<'MLR'
if ($type == "deployment") {
  @dt[$id] = strptime($time, "%Y-%m-%dT%H:%M:%SZ"); @team[$id] = $team; @ok[$id] = $status;
} elif ($type == "change" && is_present($deployment_id)) {
  @cd[NR] = $deployment_id; @ct[NR] = strptime($time, "%Y-%m-%dT%H:%M:%SZ");
}
end {
  for (k, d in @cd) {
    if (haskey(@dt, d) && @ok[d] == "success" && @dt[d] >= 1767225600 && @dt[d] < 1769904000) {
      h = (@dt[d] - @ct[k]) / 3600;
      if (h >= 0) { map r = {"team": @team[d], "h": h}; emit r }
    }
  }
}
MLR

# The three agree before anything is timed.
ndj-dora $window --group-by team --format csv "$small" | awk -F, '$3 == "lead_time" && $1 == "group" && $7 > 0 { print $2 "," $7 "," $4 }' >"$tmp/ndj"
jq -n -r -f "$tmp/lead.jq" "$small" >"$tmp/jq"
mlr --ijsonl --ocsv --headerless-csv-output put -q -f "$tmp/lead.mlr" then stats1 -i -a count,p50 -f h -g team then sort -f team "$small" >"$tmp/mlr"
norm() { awk -F, '{ printf "%s,%s,%.6f\n", $1, $2, $3 }' "$1"; }
if ! cmp -s <(norm "$tmp/ndj") <(norm "$tmp/jq") || ! cmp -s <(norm "$tmp/ndj") <(norm "$tmp/mlr"); then
  echo "bench: ndj-dora, jq and Miller disagree on the median lead time per team" >&2
  paste -d'|' "$tmp/ndj" "$tmp/jq" "$tmp/mlr" >&2
  exit 1
fi

bench_run "ndj-dora --group-by team (10M events)" "$big" "ndj-dora $window --group-by team"
rss_big=$BENCH_LAST_RSS_MIB
bench_run "ndj-dora --group-by team (1M events)" "$small" "ndj-dora $window --group-by team"
rss_small=$BENCH_LAST_RSS_MIB
# The other definitions sets on the same data (budget: within 15% of dora).
for set in commits ledger; do
  bench_run "ndj-dora --definitions $set --group-by team (10M events)" "$big" \
    "ndj-dora $window --definitions $set --group-by team"
  bench_ratio "ndj-dora --definitions $set / dora (10M)" "ndj-dora --definitions $set --group-by team (10M events)" \
    "ndj-dora --group-by team (10M events)"
done
bench_run "jq median lead time per team (1M events)" "$small" "jq -n -r -f $tmp/lead.jq"
bench_run "mlr median lead time per team (1M events)" "$small" \
  "mlr --ijsonl --ocsv put -q -f $tmp/lead.mlr then stats1 -i -a count,p50 -f h -g team"
bench_ratio "ndj-dora (10M) / jq" "ndj-dora --group-by team (10M events)" "jq median lead time per team (1M events)"
bench_ratio "ndj-dora (10M) / Miller" "ndj-dora --group-by team (10M events)" "mlr median lead time per team (1M events)"
# Memory per retained event: the 9 million events between the 1M and 10M
# runs, so the fixed base (buffers, parser, code) cancels out.
per_event=$(awk -v a="$rss_big" -v b="$rss_small" 'BEGIN { printf "%.1f", (a - b) * 1048576 / 9e6 }')
echo "ndj-dora memory per retained event ((RSS 10M - RSS 1M) / 9M events): $per_event bytes (limit 32)"
printf -- '- ndj-dora memory per retained event ((RSS 10M - RSS 1M) / 9M events): %s bytes (limit 32)\n' \
  "$per_event" >>"$BENCH_OUT"

# --bucket day over a year for 50 groups against the core metrics of the same
# window and input (the budget: at most 20% more time). bench/gen has 8
# teams, so each record gets a "squad" of 50 from a hash of its id.
year=$(bench_data dora-year --kind dora --records 1000000 --days 365 --seed 3) || exit 1
year50="$BENCH_DIR/dora-year-50.ndjson"
if [[ ! -s $year50 || $year50 -ot $year ]]; then
  python3 -c '
import sys, zlib
out = sys.stdout.buffer
for line in sys.stdin.buffer:
    i = line.find(b"\"id\":\"")
    key = line[i + 6:line.find(b"\"", i + 6)]
    out.write(line[:-2] + b",\"squad\":\"s%02d\"}\n" % (zlib.crc32(key) % 50))
' <"$year" >"$year50.tmp.$$" && mv "$year50.tmp.$$" "$year50"
fi
[ "$(ndj-dora --since 2026-01-01T00:00:00Z --until 2027-01-01T00:00:00Z --group-by squad --format csv "$year50" |
     grep -c '^group,.*,deployment_frequency,')" = 50 ] || { echo "bench: expected 50 squads" >&2; exit 1; }
year_window="--since 2026-01-01T00:00:00Z --until 2027-01-01T00:00:00Z --group-by squad"
bench_run "ndj-dora core metrics, 1 year, 50 groups" "$year50" "ndj-dora $year_window"
bench_run "ndj-dora --bucket day, 1 year, 50 groups (ndjson)" "$year50" "ndj-dora $year_window --bucket day"
bench_run "ndj-dora --bucket day, 1 year, 50 groups (table)" "$year50" "ndj-dora $year_window --bucket day --format table"
# Wall time on a shared machine mostly measures the neighbours: also the
# best user+system CPU time of 5 runs of each.
cpu_secs() {
  local best= t
  for _ in 1 2 3 4 5; do
    t=$( { /usr/bin/time -f '%U %S' "$@" <"$year50" >/dev/null; } 2>&1 | tail -1 | awk '{ print $1 + $2 }')
    if [[ -z $best ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
  done
  echo "$best"
}
# shellcheck disable=SC2086
core_cpu=$(cpu_secs ndj-dora $year_window)
for fmt in ndjson table; do
  label="ndj-dora --bucket day, 1 year, 50 groups ($fmt)"
  # shellcheck disable=SC2086
  cpu=$(cpu_secs ndj-dora $year_window --bucket day --format $fmt)
  overhead=$(awk -v a="${BENCH_SECS[$label]}" -v b="${BENCH_SECS["ndj-dora core metrics, 1 year, 50 groups"]}" \
    -v c="$cpu" -v d="$core_cpu" 'BEGIN { printf "%+.0f%% wall, %+.0f%% CPU (%.2f s vs %.2f s)", (a / b - 1) * 100, (c / d - 1) * 100, c, d }')
  echo "ndj-dora --bucket day ($fmt output) over the core metrics: $overhead (budget +20%)"
  printf -- '- ndj-dora --bucket day (%s output) over the core metrics, 1 year, 50 groups: %s (budget +20%%)\n' \
    "$fmt" "$overhead" >>"$BENCH_OUT"
done
