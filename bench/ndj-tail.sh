#!/usr/bin/env bash
# ndj-tail: catch-up throughput reading a big log into a pipe, against
# cat | cat, jq and Miller doing a pass-through of the same file; then the
# follow latency from an append to the line on stdout.
. "$(dirname "$0")/lib.sh"
bench_require jq mlr ndj-tail python3 || exit 0
size=${BENCH_SIZE:-1G}
bench_header "ndj-tail: catch-up of a $size log into a pipe; follow latency"
data=$(bench_data "mixed-$size" --bytes "$size")
small=$(bench_data mixed-100M --bytes 100M)
cur=$(mktemp -d)
trap 'rm -rf "$cur"' EXIT

# ndj-tail reads the file named on its command line (stdin is ignored).
bench_run "cat FILE | cat (pipe ceiling)" "$data" "cat $data" "cat"
bench_run "ndj-tail FILE | cat" "$data" "ndj-tail $data" "cat"
bench_run "ndj-tail --cursor FILE | cat" "$data" "ndj-tail --cursor $cur/c.json $data" "cat"
bench_run "ndj-tail --validate FILE | cat" "$data" "ndj-tail --validate $data" "cat"
bench_run "ndj-tail --id-field id --source-field source FILE | cat" "$data" \
  "ndj-tail --id-field id --source-field source $data" "cat"
# jq and Miller are far slower: run them on 100M and compare MB/s.
bench_run "jq -c . FILE, 100M" "$small" "jq -c . $small"
bench_run "mlr --ijsonl --ojsonl cat FILE, 100M" "$small" "mlr --ijsonl --ojsonl cat $small"
# The same two members added by jq and Miller (an id from the line number).
bench_run "jq -c '. + {id, source}' FILE, 100M" "$small" \
  "jq -c '. + {id: (input_line_number | tostring), source: \"app\"}' $small"
bench_run "mlr put '\$id, \$source' FILE, 100M" "$small" \
  "mlr --ijsonl --ojsonl put '\$id = NR; \$source = \"app\"' $small"
bench_run "ndj-tail FILE, 100M (RSS check)" "$small" "ndj-tail $small"
bench_ratio "ndj-tail | cat / cat | cat (target >= 0.5)" "ndj-tail FILE | cat" "cat FILE | cat (pipe ceiling)"
bench_ratio "ndj-tail --validate / jq -c ." "ndj-tail --validate FILE | cat" "jq -c . FILE, 100M"
bench_ratio "ndj-tail / Miller pass-through" "ndj-tail FILE | cat" "mlr --ijsonl --ojsonl cat FILE, 100M"
bench_ratio "ndj-tail --id-field --source-field / jq adding them" \
  "ndj-tail --id-field id --source-field source FILE | cat" "jq -c '. + {id, source}' FILE, 100M"
bench_ratio "ndj-tail --id-field --source-field / Miller adding them" \
  "ndj-tail --id-field id --source-field source FILE | cat" "mlr put '\$id, \$source' FILE, 100M"

# Follow latency (target: p99 under 50 ms).
for extra in "" "--poll 100ms"; do
  line=$(python3 "$BENCH_ROOT/bench/tail-latency.py" --lines 1000 --interval-ms 5 -- $extra) || exit 1
  _bench_emit "- follow latency${extra:+ ($extra)}: $line"
done
