# ndj-git | ndj-dora on a repository built with fixed dates; every figure
# below is computed by hand from the commits (first-parent deployments).
#   c1   authored 01-05 09:00, committed 01-05 10:00  deploy c1  lead 1h
#   f1   authored 01-05 08:00 (branch)                deploy m1  lead 6h
#   f2   authored 01-05 11:00 (branch)                deploy m1  lead 3h
#   m1   merge at 01-05 14:00                         (not a change)
#   bad  authored 01-06 09:00, committed 01-06 10:00  deploy bad, rolled back
#   r1   revert of bad at 01-06 12:00                 deploy r1  lead 0h, unplanned
#   h1   "hotfix: ..." 08:00 -> 01-07 09:00           deploy h1  lead 1h, unplanned
#   c2   authored 01-07 10:00, committed 01-07 14:00  deploy c2  lead 4h
# Window [01-05, 01-08): 6 deployments, 5 successful.
#   deployment_frequency = 5 / 3 days = 1.6667 per day
#   lead_time over successful deployments' changes {1,6,3,0,1,4}:
#     median 2, mean 2.5, p90 (PERCENTILE_CONT) 5
#   change_failure_rate = 1/6 = 16.667 %
#   failed_deployment_recovery_time: bad 10:00 -> next success r1 12:00 = 2h
#   rework_rate = 2/6 = 33.333 %
set -eu
if ! command -v ndj-dora >/dev/null; then
  echo "SKIP: ndj-dora not built"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
. "$TESTS_DIR/scripts/ndj-git-repo.bash"
repo r
commit c1 "01-05 09:00" "01-05 10:00" "first"
git checkout -q -b feature
commit f1 "01-05 08:00" "01-05 12:00" "feature one"
commit f2 "01-05 11:00" "01-05 13:00" "feature two"
git checkout -q main
merge m1 feature "01-05 14:00"
commit bad "01-06 09:00" "01-06 10:00" "risky"
revert r1 bad "01-06 12:00"
commit h1 "01-07 08:00" "01-07 09:00" "hotfix: login"
commit c2 "01-07 10:00" "01-07 14:00" "more"

ndj-git --service app >"$work/events.ndjson"
ndj-dora --since 2026-01-05T00:00:00Z --until 2026-01-08T00:00:00Z --format ndjson \
  <"$work/events.ndjson" >"$work/metrics.ndjson"
cat "$work/metrics.ndjson"
python3 - "$work/metrics.ndjson" <<'PY'
import json, sys
got = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if not r.get("group"):
        got[r["metric"]] = r
expected = {
    "deployment_frequency": {"value": 5 / 3, "n": 5},
    "lead_time": {"value": 2, "mean": 2.5, "p90": 5, "n": 6},
    "change_failure_rate": {"value": 100 / 6, "failures": 1, "total_deployments": 6},
    "failed_deployment_recovery_time": {"value": 2, "n": 1},
    "rework_rate": {"value": 200 / 6, "rework_deployments": 2, "total_deployments": 6},
}
bad = 0
for metric, fields in expected.items():
    for key, want in fields.items():
        have = got.get(metric, {}).get(key)
        if have is None or abs(have - want) > 0.01:
            print(f"FAIL {metric}.{key}: expected {want}, got {have}")
            bad += 1
        else:
            print(f"ok {metric}.{key} = {have}")
sys.exit(1 if bad else 0)
PY
