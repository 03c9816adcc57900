#!/usr/bin/env bash
# ndj-stats agrees with Miller's stats1 (interpolated percentiles, -i) on
# generated telemetry: count, sum, mean, min, max, p10, p50, p90 and p99 of
# two numeric fields by one and by two group fields.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
gen="$TESTS_DIR/../bench/gen"
# Only records that have the fields: Miller skips absent values in count.
"$gen" --records 4000 --seed 11 | grep '"type":"tool_call"' >"$dir/tools.ndjson"
"$gen" --records 4000 --seed 12 | grep '"type":"llm"' >"$dir/llm.ndjson"

compare() {  # compare NAME DATA GROUPS FIELD
  local name=$1 data=$2 groups=$3 field=$4 aggs=""
  for a in count sum mean min max p10 p50 p90 p99; do
    aggs+="${aggs:+,}$a:$field"
  done
  aggs=${aggs/count:$field/count}
  ndj-stats -g "$groups" -a "$aggs" "$data" >"$dir/ndj.out"
  mlr --ijson --ojson stats1 -i -a count,sum,mean,min,max,p10,p50,p90,p99 -f "$field" -g "$groups" \
    "$data" >"$dir/mlr.out"
  python3 - "$dir/ndj.out" "$dir/mlr.out" "$groups" "$field" <<'PY'
import json, sys
ndj_path, mlr_path, groups, field = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4]
ndj = [json.loads(l) for l in open(ndj_path)]
mlr = json.load(open(mlr_path))
key = lambda r: tuple(str(r[g]) for g in groups)
mine = {key(r): r for r in ndj}
theirs = {key(r): r for r in mlr}
assert set(mine) == set(theirs), (sorted(mine), sorted(theirs))
assert len(mine) > 3, "too few groups to be a test"
checked = 0
for k, m in theirs.items():
    r = mine[k]
    for agg in ["count", "sum", "mean", "min", "max", "p10", "p50", "p90", "p99"]:
        want = float(m[f"{field}_{agg}"])
        got = float(r["count" if agg == "count" else f"{field}_{agg}"])
        assert abs(got - want) <= 1e-9 * max(1.0, abs(want)), (k, agg, got, want)
        checked += 1
print(f"ok: {checked} values in {len(mine)} groups match mlr stats1")
PY
}
compare tool "$dir/tools.ndjson" tool duration_ms
compare service,success "$dir/tools.ndjson" service,success duration_ms
compare phase "$dir/llm.ndjson" phase cost_usd
compare model "$dir/llm.ndjson" model tokens_in
