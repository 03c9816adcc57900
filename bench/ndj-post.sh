#!/usr/bin/env bash
# ndj-post against a curl loop: 1000-record batches of realistic telemetry
# POSTed to a local nginx that answers 204 (the sender's own cost: no real
# receiver work). jq and Miller cannot send HTTP, so the comparison is curl.
. "$(dirname "$0")/lib.sh"
bench_require nginx curl ndj-tail ndj-batch ndj-post python3 || exit 0
size=${BENCH_SIZE:-200M}
bench_header "ndj-post: 1000-record batches to nginx (return 204) on loopback ($size)"
data=$(bench_data "mixed-$size" --bytes "$size")
batches="$BENCH_DIR/mixed-$size.batches"
[ -s "$batches" ] && [ "$batches" -nt "$data" ] || ndj-batch -n 1000 --max-bytes 16M <"$data" >"$batches"
small="$BENCH_DIR/mixed-$size.batches-100"
head -100 "$batches" >"$small"

tmp=$(mktemp -d)
trap 'kill "$(cat "$tmp/nginx.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$tmp"' EXIT
url=$(bench_nginx "$tmp" api/v1/telemetry) || { echo "bench: nginx did not start" >&2; exit 1; }

bench_run "ndj-post -j 4" "$batches" "ndj-post -j 4 $url"
bench_run "ndj-post -j 1" "$batches" "ndj-post -j 1 $url"
bench_run "ndj-post -j 4 --gzip" "$batches" "ndj-post -j 4 --gzip $url"
bench_run "ndj-post -j 4 --gzip-level 6" "$batches" "ndj-post -j 4 --gzip-level 6 $url"
# The shipping pipeline's batches carry ndj-tail's checkpoint marks: with
# --cursor the acknowledged ones are committed, coalesced (every 200ms by
# default), or each at once with --commit-interval 0 (two fsyncs a mark).
marked="$BENCH_DIR/mixed-$size.marked-batches"
[ -s "$marked" ] && [ "$marked" -nt "$data" ] ||
  ndj-tail --cursor "$tmp/tail-cursor" "$data" | ndj-batch -n 1000 --max-bytes 16M >"$marked"
bench_run "ndj-post -j 4, batches with marks" "$marked" "ndj-post -j 4 $url"
bench_run "ndj-post -j 4 --cursor" "$marked" "ndj-post -j 4 --cursor $tmp/cursor $url"
bench_run "ndj-post -j 4 --cursor --commit-interval 0" "$marked" \
  "ndj-post -j 4 --cursor $tmp/cursor --commit-interval 0 $url"
# One curl process per body, as a shell loop would ship them: the first 100
# batches, split into files beforehand so the loop costs only curl.
mkdir "$tmp/bodies"
split -l 1 -a 4 "$small" "$tmp/bodies/b."
bench_run "curl loop, 100 batches" "$small" \
  "for f in $tmp/bodies/b.*; do curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary @\$f $url || exit 1; done"
bench_run "ndj-post -j 4, 100 batches" "$small" "ndj-post -j 4 $url"
bench_ratio "ndj-post -j 4 / curl loop" "ndj-post -j 4" "curl loop, 100 batches"
