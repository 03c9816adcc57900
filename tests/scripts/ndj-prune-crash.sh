#!/usr/bin/env bash
# ndj-prune -i --cursor killed with SIGKILL at random moments (60 times):
# the log is always the whole old or the whole new version (by SHA-256), the
# cursor entry never lets a reader skip an unshipped record, and the next run
# removes the stale temp file and finishes the job. SIGTERM cleans up itself.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
python3 - <<'PY'
import hashlib, json, os, random, shutil, signal, subprocess, sys, time

sys.path.insert(0, os.environ["TESTS_DIR"])
from ndjtest import fp

# 40,000 records, the first 60% old; 3/4 of the file has been shipped.
recs = []
for i in range(40000):
    day = "2020-01-01" if i < 24000 else "2026-11-21"
    recs.append(b'{"ts":"%sT00:00:00Z","n":%d,"pad":"%s"}\n' % (day.encode(), i, b"x" * 60))
orig = b"".join(recs)
shipped = sum(len(r) for r in recs[:30000])
expected_new = b"".join(recs[24000:])
h_old, h_new = hashlib.sha256(orig).hexdigest(), hashlib.sha256(expected_new).hexdigest()
log = os.path.abspath("app.ndjson")
cmd = ["ndj-prune", "-i", "--cursor", "cursor.json", "--older-than", "90d",
       "--now", "2026-11-22T00:00:00Z", log]

def setup():
    with open(log, "wb") as f:
        f.write(orig)
    st = os.stat(log)
    with open("cursor.json", "w") as f:
        json.dump({"version": 1, "files": [{"path": log, "dev": st.st_dev, "ino": st.st_ino,
                   "fp": fp(orig), "offset": shipped, "updated_at": ""}]}, f)

def check(when):
    data = open(log, "rb").read()
    h = hashlib.sha256(data).hexdigest()
    if h not in (h_old, h_new):
        sys.exit("%s: the log is neither the old nor the new version (%d bytes)" % (when, len(data)))
    e = json.load(open("cursor.json"))["files"][0]
    st = os.stat(log)
    # A reader resumes at e.offset only if the entry matches the file (fp,
    # and inode or the old inode gone); otherwise it starts at 0. Either way
    # it must not skip anything past the original shipped offset.
    start = e["offset"] if e["fp"] == fp(data) else 0
    if not data[start:].endswith(orig[shipped:]):
        sys.exit("%s: resuming at %d would skip unshipped records" % (when, start))
    if h == h_new and e["ino"] == st.st_ino and data[e["offset"]:] != orig[shipped:]:
        sys.exit("%s: new file and entry disagree" % when)
    return h == h_new

# How long one run takes here, to spread the kills over it.
setup()
t0 = time.monotonic()
subprocess.run(cmd, check=True)
span = max(time.monotonic() - t0, 0.01)
check("clean run")

outcomes = {"old": 0, "new": 0, "entry ahead": 0}
random.seed(6)
for i in range(60):
    setup()
    p = subprocess.Popen(cmd)
    time.sleep(random.uniform(0, span * 1.5))
    p.send_signal(signal.SIGKILL)
    p.wait()
    pruned = check("kill %d" % i)
    outcomes["new" if pruned else "old"] += 1
    e = json.load(open("cursor.json"))["files"][0]
    entry_matches = e["ino"] == os.stat(log).st_ino
    if not pruned and not entry_matches:
        outcomes["entry ahead"] += 1  # killed between cursor commit and rename
    subprocess.run(cmd, check=True)
    # The next run completes the job, unless the entry no longer describes
    # the file: then nothing counts as shipped until a shipper commits again.
    if not check("rerun %d" % i) and entry_matches:
        sys.exit("rerun %d: the log was not pruned" % i)
    left = [n for n in os.listdir(".") if ".tmp." in n]
    if left:
        sys.exit("rerun %d: stale temp files left: %s" % (i, left))
# SIGTERM: the run abandons the file (or finishes replacing it), removes its
# temp file itself and exits 143.
for i in range(10):
    setup()
    p = subprocess.Popen(cmd)
    time.sleep(random.uniform(0, span * 1.2))
    p.send_signal(signal.SIGTERM)
    status = p.wait()
    check("term %d" % i)
    # -15: the signal came before the handlers were installed, before any
    # file was touched.
    if status not in (0, 143, -signal.SIGTERM):
        sys.exit("term %d: exit status %d" % (i, status))
    left = [n for n in os.listdir(".") if ".tmp." in n]
    if left:
        sys.exit("term %d: temp files left: %s" % (i, left))
print("10 SIGTERMs: whole files, no temp file left")
print("60 kills: %(old)d left the old file (%(entry ahead)d with the entry already rewritten), "
      "%(new)d the new one; all whole" % outcomes)
PY
