#!/usr/bin/env bash
# ndj-select against jq and Miller: the simple equality filter, a time range
# with a regex, and a projection to CSV, on the same generated telemetry.
. "$(dirname "$0")/lib.sh"
bench_require jq mlr ndj-select || exit 0
size=${BENCH_SIZE:-1G}
bench_header "ndj-select: filter and CSV projection ($size of mixed telemetry)"
data=$(bench_data "mixed-$size" --bytes "$size")
small=$(bench_data mixed-100M --bytes 100M)

eq='type == "deployment" && environment == "production"'
range='ts >= 2026-01-10T00:00:00Z && ts < 2026-01-20T00:00:00+02:00 && message =~ /timed? out|deadline/i'
bench_run "cat (read ceiling)" "$data" "cat"
bench_run "ndj-select -w equality" "$data" "ndj-select -w '$eq'"
bench_run "ndj-select -w time range and regex" "$data" "ndj-select -w '$range'"
bench_run "ndj-select -f 5 fields --format csv" "$data" \
  "ndj-select -f ts,service,type,duration_ms,tags.repo --format csv"
# jq and Miller are ~30x slower: run them on 100M and compare MB/s.
bench_run "jq -c select(equality), 100M" "$small" \
  "jq -c 'select(.type == \"deployment\" and .environment == \"production\")'"
bench_run "mlr filter (equality), 100M" "$small" \
  "mlr --ijsonl --ojsonl filter '\$type == \"deployment\" && \$environment == \"production\"'"
bench_run "jq time range and regex, 100M" "$small" \
  "jq -c 'select((.ts | sub(\"\\\\.[0-9]+Z\$\"; \"Z\") | fromdateiso8601) as \$t | \$t >= 1768003200 and \$t < 1768860000 and ((.message | type) == \"string\" and (.message | test(\"timed? out|deadline\"; \"i\"))))'"
bench_run "jq -r [...]|@csv, 100M" "$small" \
  "jq -r '[.ts, .service, .type, .duration_ms, .tags.repo] | @csv'"
bench_run "mlr --ocsv template -f, 100M" "$small" \
  "mlr --ijsonl --ocsv flatten then template -f ts,service,type,duration_ms,tags.repo"
bench_run "ndj-select -w equality, 100M (RSS check)" "$small" "ndj-select -w '$eq'"
bench_ratio "equality: ndj-select / jq (target 40x)" "ndj-select -w equality" "jq -c select(equality), 100M"
bench_ratio "equality: ndj-select / Miller" "ndj-select -w equality" "mlr filter (equality), 100M"
bench_ratio "time range and regex: ndj-select / jq" "ndj-select -w time range and regex" "jq time range and regex, 100M"
bench_ratio "CSV: ndj-select / jq (target 25x)" "ndj-select -f 5 fields --format csv" "jq -r [...]|@csv, 100M"
bench_ratio "CSV: ndj-select / Miller (target 40x)" "ndj-select -f 5 fields --format csv" "mlr --ocsv template -f, 100M"
