#!/usr/bin/env bash
# ndj-dora against a direct Python implementation of the man page's
# definitions, on random data that uses every kind of link (deployment_id,
# changes lists, deployed_at, named and heuristic incidents), with a window
# that leaves data on both sides. Also: shuffled or split input gives
# byte-identical output.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

python3 - <<'PY' >events.ndjson
import json, random
from datetime import datetime, timedelta, timezone
rnd = random.Random(42)
t0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
def ts(t): return t.strftime("%Y-%m-%dT%H:%M:%SZ")
svcs = [("api", "payments"), ("web", "storefront"), ("db", "platform")]
out = []
n_change = 0
for d in range(400):
    t = t0 + timedelta(minutes=rnd.randrange(0, 30 * 24 * 60))
    svc, team = rnd.choice(svcs)
    dep = {"type": "deployment", "id": f"d{d}", "time": ts(t), "service": svc, "team": team,
           "status": rnd.choice(["success"] * 6 + ["failure", "rolled_back"]),
           "change_type": rnd.choice(["standard", "normal", "emergency"]), "unplanned": rnd.random() < 0.1}
    listed = []
    for _ in range(rnd.randrange(0, 4)):
        n_change += 1
        cid = f"c{n_change}"
        ct = t - timedelta(minutes=rnd.randrange(-60, 5000))  # some negative lead times
        mode = rnd.randrange(3)
        if mode == 0:
            out.append({"type": "change", "id": cid, "time": ts(ct), "deployment_id": dep["id"]})
        elif mode == 1:
            out.append({"type": "change", "id": cid, "time": ts(ct)}); listed.append(cid)
        else:
            out.append({"type": "change", "id": cid, "time": ts(ct), "deployment_id": dep["id"]}); listed.append(cid)
    if listed: dep["changes"] = listed
    out.append(dep)
for i in range(120):
    t = t0 + timedelta(minutes=rnd.randrange(0, 30 * 24 * 60))
    svc, team = rnd.choice(svcs)
    inc = {"type": "incident", "id": f"i{i}", "time": ts(t), "service": svc, "team": team}
    if rnd.random() < 0.8: inc["resolved_at"] = ts(t + timedelta(minutes=rnd.randrange(1, 3000)))
    if rnd.random() < 0.3: inc["deployment_id"] = f"d{rnd.randrange(400)}"
    out.append(inc)
for i in range(60):
    t = t0 + timedelta(minutes=rnd.randrange(0, 30 * 24 * 60))
    out.append({"type": "change", "id": f"s{i}", "time": ts(t - timedelta(minutes=rnd.randrange(-30, 3000))),
                "deployed_at": ts(t), "team": rnd.choice(svcs)[1]})
rnd.shuffle(out)
for r in out: print(json.dumps(r))
PY

since=2026-03-08T00:00:00Z until=2026-03-22T00:00:00Z
ndj-dora --since $since --until $until --group-by team --format csv events.ndjson >got.csv 2>/dev/null

python3 - "$since" "$until" <<'PY' >want.csv
import json, sys, math
from datetime import datetime
def t(s): return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
since, until = t(sys.argv[1]), t(sys.argv[2])
recs = [json.loads(l) for l in open("events.ndjson")]
deps = [r for r in recs if r["type"] == "deployment" and t(r["time"]) < until]
incs = [r for r in recs if r["type"] == "incident" and t(r["time"]) < until]
chgs = [r for r in recs if r["type"] == "change"]
byid = {d["id"]: d for d in deps}
for i in incs:
    if "resolved_at" in i and t(i["resolved_at"]) >= until: del i["resolved_at"]
def inwin(x): return since <= x < until
def ok(d): return d["status"] == "success"
def pct(v, p):
    v = sorted(v); r = p * (len(v) - 1) / 100; lo = int(r); f = r - lo
    return v[lo] + (f * (v[lo + 1] - v[lo]) if f else 0)
# failures and linked incidents
linked = {}
for i in incs:
    d = None
    if "deployment_id" in i: d = byid.get(i["deployment_id"])
    else:
        c = [x for x in deps if x["service"] == i["service"] and t(x["time"]) <= t(i["time"])]
        if c:
            d = max(c, key=lambda x: t(x["time"]))
            if t(i["time"]) - t(d["time"]) >= 86400: d = None
    if d: linked.setdefault(d["id"], []).append(i)
def failed(d): return d["status"] != "success" or d["id"] in linked
def recovery(d):
    if d["id"] in linked:
        if any("resolved_at" not in i for i in linked[d["id"]]): return None
        return max(t(i["resolved_at"]) for i in linked[d["id"]]) - t(d["time"])
    nxt = [t(x["time"]) for x in deps if x["service"] == d["service"] and ok(x) and t(x["time"]) > t(d["time"])]
    return min(nxt) - t(d["time"]) if nxt else None
def leads(team):
    out = []
    for c in chgs:
        if "deployed_at" in c:
            if inwin(t(c["deployed_at"])) and (team is None or c.get("team") == team):
                out.append(t(c["deployed_at"]) - t(c["time"]))
            continue
        ds = [byid[c["deployment_id"]]] if "deployment_id" in c and c["deployment_id"] in byid else \
             [] if "deployment_id" in c else [d for d in deps if c["id"] in d.get("changes", [])]
        for d in ds:
            if ok(d) and inwin(t(d["time"])) and (team is None or d["team"] == team):
                out.append(t(d["time"]) - t(c["time"]))
    return out
def num(x): return "" if x is None else repr(round(x, 6))
rows = []
for team in [None, "payments", "platform", "storefront"]:
    ds = [d for d in deps if inwin(t(d["time"])) and (team is None or d["team"] == team)]
    succ = [d for d in ds if ok(d)]
    lt = [x / 3600 for x in leads(team) if x >= 0]
    fails = [d for d in ds if failed(d)]
    rec = [recovery(d) for d in fails]
    recs_ok = [r / 3600 for r in rec if r is not None and r >= 0]
    rew = [d for d in ds if d["unplanned"] or d["change_type"] == "emergency"]
    ii = [i for i in incs if (team is None or i["team"] == team)]
    ttr = [(t(i["resolved_at"]) - t(i["time"])) / 3600 for i in ii if "resolved_at" in i and inwin(t(i["resolved_at"]))]
    dist = lambda v: [len(v), num(pct(v, 50) if v else None), num(sum(v) / len(v) if v else None), num(pct(v, 90) if v else None)]
    rows.append([team or "", len(succ), num(len(succ) / 14), *dist(lt),
                 len(fails), len(ds), *dist(recs_ok), sum(r is None for r in rec), len(rew), *dist(ttr)])
for r in rows: print(",".join(map(str, r)))
PY

# The same numbers out of ndj-dora's CSV.
python3 - <<'PY' >got-summary.csv
import csv
rows = {}
for r in csv.DictReader(open("got.csv")):
    rows.setdefault(r["team"], {})[r["metric"]] = r
def num(s): return "" if s == "" else repr(round(float(s), 6))
def dist(m): return [m["n"], num(m["value"]), num(m["mean"]), num(m["p90"])]
for team, m in rows.items():
    df, lt, cfr, rec, rw, ttr = (m[k] for k in ["deployment_frequency", "lead_time", "change_failure_rate",
                                              "failed_deployment_recovery_time", "rework_rate", "time_to_restore"])
    print(",".join(map(str, [team, df["n"], num(df["value"]), *dist(lt), cfr["failures"], cfr["total_deployments"],
                             *dist(rec), rec["unrecovered"], rw["rework_deployments"], *dist(ttr)])))
PY
if ! diff want.csv got-summary.csv; then
  echo "FAIL: ndj-dora differs from the reference (< reference, > ndj-dora)"
  exit 1
fi
echo "ok: all six metrics match the reference, overall and per team"
head -3 want.csv

# Order independence: reversed input, and the input split in two files.
tac events.ndjson >reversed.ndjson
ndj-dora --since $since --until $until --group-by team --format csv reversed.ndjson >got2.csv 2>/dev/null
cmp got.csv got2.csv || { echo "FAIL: reversed input changes the output"; exit 1; }
split -n l/2 events.ndjson part.
ndj-dora --since $since --until $until --group-by team --format csv part.aa part.ab >got3.csv 2>/dev/null
cmp got.csv got3.csv || { echo "FAIL: split input changes the output"; exit 1; }
echo "ok: reversed and split input give byte-identical output"
