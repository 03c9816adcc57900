#!/usr/bin/env bash
# ndj-batch against jq and Miller: 1000-record batches of realistic telemetry.
. "$(dirname "$0")/lib.sh"
bench_require jq mlr ndj-batch || exit 0
size=${BENCH_SIZE:-1G}
bench_header "ndj-batch: 1000 records per batch ($size of mixed telemetry)"
data=$(bench_data "mixed-$size" --bytes "$size")
small=$(bench_data mixed-100M --bytes 100M)

bench_run "cat | cat (pipe ceiling)" "$data" "cat" "cat"
bench_run "ndj-batch -n 1000" "$data" "ndj-batch -n 1000"
bench_run "cat | ndj-batch -n 1000 | cat" "$data" "cat" "ndj-batch -n 1000" "cat"
bench_run "ndj-batch --by service" "$data" "ndj-batch -n 1000 --by service"
# jq and Miller are ~30x slower: run them on 100M and compare MB/s.
bench_run "jq (batches of 1000), 100M" "$small" \
  "jq -c -n 'def b: [limit(1000; inputs)] | select(length > 0) | (., b); b'"
bench_run "mlr --ijsonl --ojsonl cat, 100M" "$small" "mlr --ijsonl --ojsonl cat"
bench_run "ndj-batch -n 1000, 100M (RSS check)" "$small" "ndj-batch -n 1000"
bench_ratio "ndj-batch / jq" "ndj-batch -n 1000" "jq (batches of 1000), 100M"
bench_ratio "ndj-batch / Miller pass-through" "ndj-batch -n 1000" "mlr --ijsonl --ojsonl cat, 100M"
bench_ratio "ndj-batch in a pipe / cat | cat" "cat | ndj-batch -n 1000 | cat" "cat | cat (pipe ceiling)"
