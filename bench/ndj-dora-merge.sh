#!/usr/bin/env bash
# ndj-dora --partial and --merge, the org-wide map and reduce: the 10
# million events of bench/ndj-dora.sh split 16 ways at random, each part's
# partial, and their merge against the single run over all of them (the
# same bytes in three formats, checked before anything is timed); then the
# first million events in 1,000 parts and the merge of their 1,000
# partials (the issue's budget: under 5 seconds).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

bench_header "ndj-dora --partial and --merge"
big=$(bench_data dora-10M --kind dora --records 10000000 --days 31 --seed 1) || exit 1
window="--since 2026-01-01T00:00:00Z --until 2026-02-01T00:00:00Z --group-by team"
tmp=$(mktemp -d "${BENCH_DIR}/merge.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 16 random parts (each line to one, in order), their partials.
awk -v d="$tmp" 'BEGIN { srand(16) } { print > (d "/part" int(rand() * 16) ".ndjson") }' "$big"
for f in "$tmp"/part*.ndjson; do
  # shellcheck disable=SC2086
  ndj-dora $window --partial -o "${f%.ndjson}.partial" "$f" || exit 1
done
cat "$tmp"/part*.partial >"$tmp/all16.partial"
for format in ndjson csv table; do
  # shellcheck disable=SC2086
  single=$(ndj-dora $window --format $format "$big" 2>/dev/null | md5sum)
  # shellcheck disable=SC2086
  merged=$(ndj-dora $window --format $format --merge "$tmp"/part*.partial 2>/dev/null | md5sum)
  [ "$single" = "$merged" ] || { echo "bench: the merge of 16 partials differs from the single run ($format)" >&2; exit 1; }
done
echo "ndj-dora --merge of 16 random parts = the single run over 10M events (ndjson, csv, table)"

bench_run "ndj-dora --group-by team (10M events, one run)" "$big" "ndj-dora $window"
bench_run "ndj-dora --partial (10M events)" "$big" "ndj-dora $window --partial"
bench_run "ndj-dora --merge of 16 partials (10M events; MB/s of partials)" "$tmp/all16.partial" \
  "ndj-dora $window --merge"
ratio=$(awk -v a="${BENCH_SECS["ndj-dora --merge of 16 partials (10M events; MB/s of partials)"]}" \
  -v b="${BENCH_SECS["ndj-dora --group-by team (10M events, one run)"]}" 'BEGIN { printf "%.2f", a / b }')
echo "ndj-dora merge of 16 partials / one run, wall time: $ratio"
printf -- '- ndj-dora merge of 16 partials / one run over the 10M events, wall time: %s\n' "$ratio" >>"$BENCH_OUT"
partial_bytes=$(stat -c %s "$tmp/all16.partial")
input_bytes=$(stat -c %s "$big")
note=$(awk -v p="$partial_bytes" -v i="$input_bytes" 'BEGIN { printf "%.1f MB of partials for %.1f MB of input (%.1f%%), %.1f bytes an event", p / 1e6, i / 1e6, p * 100 / i, p / 1e7 }')
echo "ndj-dora partials: $note"
printf -- '- ndj-dora partials of the 10M events: %s\n' "$note" >>"$BENCH_OUT"

# 1,000 parts of the first million events (line i to part i mod 1000), and
# the merge of their 1,000 partials, named on the command line.
mkdir "$tmp/k"
head -n 1000000 "$big" | awk -v d="$tmp/k" '{ print > (d "/" (NR % 1000) ".ndjson") }'
for f in "$tmp"/k/*.ndjson; do
  # shellcheck disable=SC2086
  ndj-dora $window --partial -o "${f%.ndjson}.partial" "$f" || exit 1
  rm "$f"
done
cat "$tmp"/k/*.partial >"$tmp/all1000.partial"
# shellcheck disable=SC2086
[ "$(head -n 1000000 "$big" | ndj-dora $window --format csv | md5sum)" = \
  "$(ndj-dora $window --format csv --merge "$tmp"/k/*.partial | md5sum)" ] ||
  { echo "bench: the merge of 1,000 partials differs from the single run" >&2; exit 1; }
bench_run "ndj-dora --merge of 1,000 partials (1M events; MB/s of partials)" "$tmp/all1000.partial" \
  "ndj-dora $window --merge $tmp/k/*.partial"
