#!/usr/bin/env bash
# ndj-dora --threads: records are read on worker threads but taken in input
# order, so every output format, the bad-line reports (in line order), the
# --rejects file and the exit status are the same for 1, 2, 4 and 8
# threads, over two files of many batches with bad lines of every kind,
# marks and group values of every JSON type; --strict stops at the first
# bad line with exit 65 under threads too.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 - "$dir/a" "$dir/b" <<'PY'
import json, random, sys
random.seed(7)
teams = ["payments", "web", 'q"uote\\d', "ünï", 7, {"k": [1, None]}, None, True]
services = ["api", "db", "edge", "ui"]

def ts(s):
    return "2026-03-%02dT%02d:%02d:%02dZ" % (1 + s // 86400, s // 3600 % 24, s // 60 % 60, s % 60)

def records(prefix, n):
    out = []
    for i in range(n):
        t = random.randrange(0, 27 * 86400)
        svc = random.choice(services)
        r = random.random()
        if r < 0.25:
            rec = {"type": "deployment", "id": f"{prefix}d{i}", "time": ts(t), "service": svc,
                   "status": random.choice(["success"] * 6 + ["failure", "rolled_back"]),
                   "changes": [f"{prefix}c{i}a", f"{prefix}c{i}b"], "unplanned": random.random() < 0.1,
                   "change_type": random.choice(["standard", "normal", "emergency"])}
            team = random.choice(teams)
            if team is not None:
                rec["team"] = team
            if random.random() < 0.05:
                del rec["id"]  # known only through its own list
            out.append(rec)
            out.append({"type": "change", "id": f"{prefix}c{i}a", "time": ts(max(0, t - random.randrange(-600, 90000)))})
        elif r < 0.6:
            d = random.randrange(0, n)
            out.append({"type": "change", "id": f"{prefix}x{i}", "time": ts(t), "deployment_id": f"{prefix}d{d}"})
        elif r < 0.67:
            out.append({"type": "change", "time": ts(t), "deployed_at": ts(t + random.randrange(0, 99999)),
                        "team": random.choice(teams[:4]), "service": svc})
        elif r < 0.8:
            rec = {"type": "incident", "id": f"{prefix}i{i}", "time": ts(t), "service": svc}
            if random.random() < 0.8:
                rec["resolved_at"] = ts(t + random.randrange(0, 200000))
            if random.random() < 0.4:
                rec["deployment_id"] = f"{prefix}d{random.randrange(0, n)}"
            out.append(rec)
        elif r < 0.85:
            out.append({"type": "build", "id": i})
        else:
            out.append({"type": "deployment", "id": f"{prefix}old{i}", "time": "2025-01-01T00:00:00Z", "service": svc})
    lines = [json.dumps(x, ensure_ascii=False) for x in out]
    bad = ['{"type":"deployment","id":"x"', '{"type":"deployment","time":"yesterday"}',
           '{"type":"deployment","time":"2026-03-02T00:00:00Z","status":"meh"}',
           '{"type":"change","time":"2026-03-02T00:00:00Z"}',
           '{"type":"incident","time":"2026-03-02T00:00:00Z","resolved_at":"2026-03-01T00:00:00Z"}',
           '{"type":"deployment","time":"2026-03-02T00:00:00Z","n":1e400}', '[1,2', '"\udcff"',
           '{"type":"deployment","time":"2026-03-02T00:00:00Z","changes":[{}]}',
           '{"type":"deployment","pad":"' + "x" * 5000 + '"}']
    for k in range(60):
        lines.insert(random.randrange(0, len(lines)), random.choice(bad))
    for k in range(20):
        lines.insert(random.randrange(0, len(lines)), '{"ndj_mark":{"path":"/x","dev":1,"ino":2,"fp":"0000000000000000","offset":%d}}' % k)
        lines.insert(random.randrange(0, len(lines)), "   ")
    return lines

a = records("a", 12000)
b = records("b", 12000)
open(sys.argv[1], "w", encoding="utf-8", errors="surrogateescape").write("\n".join(a) + "\n")
# The last line has no newline: truncated.
open(sys.argv[2], "w", encoding="utf-8", errors="surrogateescape").write("\n".join(b) + '\n{"type":"deploy')
PY
[ "$(wc -c <"$dir/a")" -gt 1000000 ] || { echo "FAIL: input too small for several batches"; exit 1; }

args=(--since 2026-03-05T00:00:00Z --until 2026-03-25T00:00:00Z --group-by team,service --max-line 4K)
for fmt in ndjson json csv table; do
  for t in 1 2 4 8; do
    rc=0
    ndj-dora "${args[@]}" --threads $t --format $fmt --rejects "$dir/rej.$fmt.$t" "$dir/a" "$dir/b" \
      >"$dir/out.$fmt.$t" 2>"$dir/err.$fmt.$t" || rc=$?
    [ $rc = 65 ] || { echo "FAIL: --format $fmt --threads $t: status $rc, expected 65"; cat "$dir/err.$fmt.$t"; exit 1; }
    for f in out err rej; do
      cmp -s "$dir/$f.$fmt.1" "$dir/$f.$fmt.$t" || {
        echo "FAIL: --format $fmt: $f differs between --threads 1 and --threads $t"
        diff "$dir/$f.$fmt.1" "$dir/$f.$fmt.$t" | head -20
        exit 1
      }
    done
  done
done

# The reports are real: 120 bad lines plus the truncated one, in line order,
# from both files, of every kind; and the metrics saw the good records.
err="$dir/err.ndjson.1"
n=$(grep -c "^ndj-dora: $dir/[ab]:[0-9]*: " "$err")
[ "$n" = 121 ] || { echo "FAIL: $n reports, expected 121"; exit 1; }
grep -q 'warning: .*(negative lead time)' "$err" || { echo "FAIL: no negative lead time warning"; exit 1; }
for f in a b; do
  grep "^ndj-dora: $dir/$f:" "$err" | sed 's/^[^:]*:[^:]*:\([0-9]*\):.*/\1/' >"$dir/lines.$f"
  sort -n -c "$dir/lines.$f" || { echo "FAIL: reports for $f not in line order"; exit 1; }
done
[ "$(grep -c "^ndj-dora: $dir/a:" "$err")" = 60 ] || { echo "FAIL: expected 60 reports for a"; exit 1; }
for reason in 'invalid JSON' 'bad timestamp' 'status must be' 'change: missing' 'is before' \
              'beyond the range of a double' 'expected an array of ids' 'line too long' 'truncated?'; do
  grep -q "$reason" "$err" || { echo "FAIL: no report with '$reason'"; exit 1; }
done
[ "$(grep -c . "$dir/rej.ndjson.1")" = 121 ] || { echo "FAIL: rejects file does not hold 121 lines"; exit 1; }
python3 - "$dir/out.ndjson.1" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
freq = [r for r in rows if r["metric"] == "deployment_frequency"]
teams = {json.dumps(r["group"].get("team"), sort_keys=True) for r in freq if "group" in r}
assert len(teams) >= 8, teams
overall = [r for r in freq if "group" not in r or not r["group"]]
assert overall and overall[0]["n"] > 3000, overall
lead = [r for r in rows if r["metric"] == "lead_time" and not r.get("group")]
assert lead and lead[0]["n"] > 3000, lead
PY

# --strict: the first bad line (in line order) stops the run, with exit 65
# and no report written, for any number of threads.
for t in 1 2 4 8; do
  rc=0
  ndj-dora "${args[@]}" --threads $t --strict "$dir/a" "$dir/b" >"$dir/sout.$t" 2>"$dir/serr.$t" || rc=$?
  [ $rc = 65 ] || { echo "FAIL: --strict --threads $t: status $rc, expected 65"; exit 1; }
  [ ! -s "$dir/sout.$t" ] || { echo "FAIL: --strict --threads $t wrote a report"; exit 1; }
  [ "$(wc -l <"$dir/serr.$t")" = 1 ] || { echo "FAIL: --strict --threads $t: not one report"; cat "$dir/serr.$t"; exit 1; }
  cmp -s "$dir/serr.1" "$dir/serr.$t" || { echo "FAIL: --strict --threads $t stopped elsewhere"; exit 1; }
done
head -1 "$err" | cmp -s - "$dir/serr.1" || { echo "FAIL: --strict did not stop at the first bad line"; exit 1; }

# Past 65536 changes the end phase splits its work (joining changes to
# deployments, gathering lead times) between the threads: same reports.
"$(dirname "$0")/../../bench/gen" --kind dora --records 150000 --days 31 --seed 3 >"$dir/big"
for t in 1 2 3; do
  for extra in "--group-by team,service" "--bucket week --format json --group-by team"; do
    # shellcheck disable=SC2086
    ndj-dora --since 2026-01-01T00:00:00Z --until 2026-02-01T00:00:00Z --threads $t $extra "$dir/big" \
      >>"$dir/big.$t" || { echo "FAIL: --threads $t $extra on 150000 events"; exit 1; }
  done
done
grep -q '"metric":"lead_time","value":[0-9]' "$dir/big.1" || { echo "FAIL: no lead time on 150000 events"; exit 1; }
cmp -s "$dir/big.1" "$dir/big.2" && cmp -s "$dir/big.1" "$dir/big.3" ||
  { echo "FAIL: 150000 events: reports differ between thread counts"; exit 1; }
echo ok
