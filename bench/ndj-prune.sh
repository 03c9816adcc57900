#!/usr/bin/env bash
# bench/ndj-prune.sh: ndj-prune keeping the newer half of a generated log,
# against jq and Miller selecting the same records, and in-place mode against
# filter mode. PRUNE_BENCH_BYTES sets the data size (default 1G).
set -u
. "$(dirname "$0")/lib.sh"
bench_require ndj-prune jq mlr /usr/bin/time || exit 1

bytes=${PRUNE_BENCH_BYTES:-1G}
data=$(bench_data "mixed-$bytes" --bytes "$bytes") || exit 1
# bench/gen spreads "ts" over 30 days from 2026-01-01: this cutoff keeps half.
cutoff=2026-01-16T00:00:00Z
prune="ndj-prune --older-than 15d --now 2026-01-31T00:00:00Z"

bench_header "ndj-prune ($bytes, keep records with ts >= $cutoff)"
bench_run "ndj-prune (filter)" "$data" "$prune" || exit 1
# jq and Miller are slow enough that one run says enough.
BENCH_REPEAT=1 bench_run "jq -c select" "$data" "jq -c 'select(.ts >= \"$cutoff\")'" || exit 1
BENCH_REPEAT=1 bench_run "mlr filter" "$data" "mlr --ijsonl --ojsonl filter '\$ts >= \"$cutoff\"'" || exit 1

# In place: every run needs a fresh copy (made untimed), so one run; the
# figure includes fsync of the new file.
work=$(mktemp -d "${TMPDIR:-/tmp}/ndj-prune-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$data" "$work/app.ndjson"
sync "$work/app.ndjson"
BENCH_REPEAT=1 bench_run "ndj-prune -i (in place, 1 run)" "$data" "$prune -i $work/app.ndjson" || exit 1

bench_ratio "ndj-prune / jq" "ndj-prune (filter)" "jq -c select"
bench_ratio "ndj-prune / Miller" "ndj-prune (filter)" "mlr filter"
bench_ratio "in place / filter" "ndj-prune -i (in place, 1 run)" "ndj-prune (filter)"
