#!/usr/bin/env bash
# ndj-stats vs Miller stats1 and jq group_by: count, mean and p90 of
# duration_ms by record type, on the same generated telemetry.
set -u
. "$(dirname "$0")/lib.sh"
bench_require ndj-stats mlr jq || exit 0
bench_header "ndj-stats: count, mean, p90 by one field"
data=$(bench_data mixed-50M --bytes 50M) || exit 1

bench_run "ndj-stats" "$data" "ndj-stats -g type -a count,mean:duration_ms,p90:duration_ms"
bench_run "mlr stats1" "$data" \
  "mlr --ijson --ojson stats1 -i -a count,mean,p90 -f duration_ms -g type"
bench_run "jq group_by" "$data" 'jq -s -c '\''group_by(.type)[]
  | (map(.duration_ms | numbers) | sort) as $d
  | ((($d | length) - 1) * 0.9) as $r | ($r | floor) as $i
  | {type: .[0].type, count: length,
     mean: (if ($d | length) > 0 then ($d | add) / ($d | length) else null end),
     p90: (if ($d | length) > 0 then $d[$i] + ($r - $i) * (($d[$i + 1] // $d[$i]) - $d[$i]) else null end)}'\'
bench_ratio "ndj-stats / mlr stats1 (target 30x)" "ndj-stats" "mlr stats1"
bench_ratio "ndj-stats / jq group_by (target 30x)" "ndj-stats" "jq group_by"

bench_run "ndj-stats, 9 aggregates by 2 fields" "$data" \
  "ndj-stats -g service,type -a count,sum:duration_ms,mean:duration_ms,min:duration_ms,max:duration_ms,p50:duration_ms,p99:duration_ms,rate:success,sum:cost_usd"
bench_run "ndj-stats --bucket week" "$data" "ndj-stats --bucket week -g type -a count,mean:duration_ms"
bench_run "ndj-stats --approx (p50, p90, p99)" "$data" \
  "ndj-stats --approx -g type -a p50:duration_ms,p90:duration_ms,p99:duration_ms"

bench_header "ndj-stats: aggregates over expressions"
bench_run "ndj-stats count(expr), sum(a + b)" "$data" \
  "ndj-stats -g type -a 'count(success == false) AS fails, sum(tokens_in + tokens_out) AS tokens'"
bench_run "mlr put (same)" "$data" \
  "mlr --ijson --ojsonl put -q '@fails[\$type] += (is_present(\$success) && \$success == false) ? 1 : 0;
    if (is_numeric(\$tokens_in) && is_numeric(\$tokens_out)) {@tokens[\$type] += \$tokens_in + \$tokens_out}
    end {emit @fails, \"type\"; emit @tokens, \"type\"}'"
bench_run "jq group_by (same)" "$data" 'jq -s -c '\''group_by(.type)[] | {type: .[0].type,
  fails: (map(select(.success == false)) | length),
  tokens: (map(select((.tokens_in|type) == "number" and (.tokens_out|type) == "number") | .tokens_in + .tokens_out) | add)}'\'
bench_ratio "expression aggregates / mlr put" "ndj-stats count(expr), sum(a + b)" "mlr put (same)"
bench_ratio "expression aggregates / jq group_by" "ndj-stats count(expr), sum(a + b)" "jq group_by (same)"
