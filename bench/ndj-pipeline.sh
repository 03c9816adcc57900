#!/usr/bin/env bash
# The shipping pipeline as a host runs it, against naive shipping of the
# same bytes: ndj-tail --cursor | ndj-redact --mask all | ndj-batch |
# ndj-post -j 4 --cursor into a local nginx answering 204 (the sender's own
# cost: no real receiver work). Reported: MB/s, CPU seconds per GB summed
# over every stage (what a fleet pays on each host) and peak RSS per stage.
# Each run starts from an empty cursor, so every run ships the whole file.
. "$(dirname "$0")/lib.sh"
bench_require nginx curl gzip ndj-tail ndj-redact ndj-batch ndj-post python3 || exit 0
size=${BENCH_SIZE:-1G}
bench_header "the shipping pipeline into nginx (return 204) on loopback ($size of mixed telemetry)"
data=$(bench_data "mixed-$size" --bytes "$size")
gb=$(stat -L -c %s "$data" | awk '{ print $1 / 1e9 }')

tmp=$(mktemp -d)
trap 'kill "$(cat "$tmp/nginx.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$tmp"' EXIT
url=$(bench_nginx "$tmp" api/v1/telemetry) || { echo "bench: nginx did not start" >&2; exit 1; }
cursor=$tmp/cursor
export BENCH_BEFORE="rm -f $cursor"

labels=()
run() { # run LABEL STAGE...: one bench_run, its CPU seconds per GB noted
    bench_run "$@" || return
    labels+=("$1")
}
run "cursors, --mask all" "$data" "ndj-tail --cursor $cursor $data" "ndj-redact --mask all" \
    "ndj-batch -n 1000" "ndj-post -j 4 --cursor $cursor $url"
run "cursors, no redaction" "$data" "ndj-tail --cursor $cursor $data" "ndj-batch -n 1000" \
    "ndj-post -j 4 --cursor $cursor $url"
run "no cursors, no redaction" "$data" "ndj-tail $data" "ndj-batch -n 1000" "ndj-post -j 4 $url"
run "cursors, --mask all, --gzip" "$data" "ndj-tail --cursor $cursor $data" "ndj-redact --mask all" \
    "ndj-batch -n 1000" "ndj-post -j 4 --gzip --cursor $cursor $url"
# Naive shipping: the whole file in one gzipped POST (no batches, no
# cursor, no retries, nothing redacted), and the same without gzip.
run "cat | gzip -1 | curl (one POST)" "$data" "cat $data" "gzip -1" \
    "curl -sf -o /dev/null -H Content-Encoding:gzip -H Content-Type:application/x-ndjson -X POST -T - $url"
run "cat | curl (one POST)" "$data" "cat $data" \
    "curl -sf -o /dev/null -H Content-Type:application/x-ndjson -X POST -T - $url"
run "cat | cat (pipe ceiling)" "$data" "cat $data" "cat"

echo >>"$BENCH_OUT"
for l in "${labels[@]}"; do
    line=$(awk -v l="$l" -v c="${BENCH_CPU[$l]}" -v g="$gb" 'BEGIN { printf "%s: %.1f CPU-s/GB", l, c / g }')
    echo "$line"
    echo "- $line" >>"$BENCH_OUT"
done
bench_ratio "pipeline with cursors and --mask all / cat | gzip -1 | curl" "cursors, --mask all" \
    "cat | gzip -1 | curl (one POST)"
