#!/usr/bin/env bash
# ndj-dora --bucket computes all buckets in one pass; every bucket must give
# exactly the records of a separate run over that bucket's window (minus
# "bucket", and for groups without data in the bucket, which only the
# bucketed run writes). The first and last days are cut to 18 hours: they
# are partial, and their deployment frequency is not extrapolated to a day,
# where a separate run over 18 hours gives one. Generated data: 10 days,
# 8 teams, incidents.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
here=$(cd "$(dirname "$0")/../.." && pwd)
python3 "$here/bench/gen" --kind dora --days 10 --records 20000 --seed 5 --start 2026-03-01T00:00:00Z >"$dir/in"
since=2026-03-01 until=2026-03-10
ndj-dora --since "${since}T06:00:00Z" --until "${until}T18:00:00Z" --group-by team --bucket day <"$dir/in" \
  >"$dir/bucketed.raw"
partial_rates=$(jq -c 'select(.partial and .metric == "deployment_frequency")' "$dir/bucketed.raw")
[ -n "$partial_rates" ] || { echo "no partial bucket"; exit 1; }
echo "$partial_rates" | jq -e -s 'all(.value == null and .tier == null and .since != "2026-03-02T00:00:00Z")' >/dev/null ||
  { echo "a partial bucket has a rate, a tier or is not an end"; exit 1; }
jq -c 'del(.bucket, .partial)' "$dir/bucketed.raw" >"$dir/bucketed"
: >"$dir/separate"
edges=("${since}T06:00:00Z")
for i in $(seq 1 9); do edges+=("$(date -u -d "$since + $i days" +%Y-%m-%d)T00:00:00Z"); done
edges+=("${until}T18:00:00Z")
for ((i = 0; i + 1 < ${#edges[@]}; i++)); do
  ndj-dora --since "${edges[i]}" --until "${edges[i + 1]}" --group-by team <"$dir/in" \
    >>"$dir/separate"
done
# A separate run sees events up to its own --until, the bucketed one up to
# the last edge: failures, recoveries and open incidents can differ, so
# compare the metrics that do not look past their window (time to restore
# takes incidents resolved in it, and counts those open at its end).
pick='select(.metric == "deployment_frequency" or .metric == "lead_time" or .metric == "rework_rate" or .metric == "time_to_restore")
      | select(.metric != "deployment_frequency" or (.since != "2026-03-01T06:00:00Z" and .until != "2026-03-10T18:00:00Z"))'
jq -c "$pick" "$dir/separate" | sort >"$dir/a"
jq -c "$pick" "$dir/bucketed" | sort >"$dir/b"
[ "$(wc -l <"$dir/a")" -gt 100 ] || { echo "too few records: $(wc -l <"$dir/a")"; exit 1; }
# Every separate record is in the bucketed output, unchanged.
missing=$(comm -23 "$dir/a" "$dir/b" | wc -l)
[ "$missing" = 0 ] || { echo "$missing records differ"; comm -23 "$dir/a" "$dir/b" | head -3; exit 1; }
# The extra bucketed records are groups without data that day.
extra=$(comm -13 "$dir/a" "$dir/b" | jq -c 'select(.n != 0)' | wc -l)
[ "$extra" = 0 ] || { echo "$extra extra records with data"; exit 1; }
echo "buckets: $(wc -l <"$dir/a") records equal to separate runs"
