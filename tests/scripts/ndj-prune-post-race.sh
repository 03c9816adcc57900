#!/usr/bin/env bash
# ndj-prune -i --cursor compacting a log in a tight loop while a live
# `ndj-tail -f --cursor | ndj-post --cursor` pipeline ships it and a writer
# appends to it (flock protocol): the two cursor writers must never leave
# the log's entry naming an inode the log no longer has, or an offset past
# its end (a stale mark merged over prune's fresh entry). Checked after
# every prune run, just before the next one, and at the end; then every
# record written must have arrived at least once. About 25 s of pruning.
set -eu
exec timeout $((150 * ${NDJ_TEST_SLOWDOWN:-1})) python3 - "$TESTS_DIR" <<'PY'
import atexit, json, os, signal, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.environ["TESTS_DIR"])
from ndjtest import append_locked

tests = sys.argv[1]
work = tempfile.mkdtemp(prefix="ndj-prune-race-")
logs = os.path.join(work, "logs")
os.mkdir(logs)
log = os.path.join(logs, "app.ndjson")
cursor = os.path.join(work, "cursor.json")
SLOW = int(os.environ.get("NDJ_TEST_SLOWDOWN", "1"))  # sanitized builds run slower
PRUNE_SECONDS = 25
procs = []

def cleanup():
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
    subprocess.run(["rm", "-rf", work])
atexit.register(cleanup)

receiver = subprocess.Popen([sys.executable, f"{tests}/receiver.py", "--port-file", f"{work}/port",
                             "--out", f"{work}/received"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
procs.append(receiver)
for _ in range(200):
    if os.path.exists(f"{work}/port"):
        break
    time.sleep(0.05)
url = "http://127.0.0.1:%s/api/v1/telemetry" % open(f"{work}/port").read().strip()

open(log, "wb").close()
pipeline = subprocess.Popen(
    ["bash", "-c", f'timeout --foreground {120 * SLOW} ndj-tail -f --cursor "$1" "$2" 2>>"$3/tail.err" '
     f'| timeout --foreground {120 * SLOW} ndj-batch -n 500 --linger 50ms '
     f'| timeout --foreground {120 * SLOW} ndj-post -j 4 --cursor "$1" --backoff 10ms --max-backoff 100ms '
     '--retry-for 60s "$4" 2>>"$3/post.err"', "_", cursor, log, work, url], start_new_session=True)
procs.append(pipeline)

stop = threading.Event()
written = [0]

def appender():
    # The protocol ndj-prune documents: flock the log, and reopen it if the
    # path names another file once locked (a prune renamed a new one over it).
    f = open(log, "ab")
    n = 0
    while not stop.is_set():
        lines = b""
        for _ in range(5):
            # Every other record is old enough to prune once shipped.
            ts = "2020-01-01T00:00:00Z" if n % 2 else "2026-11-21T00:00:00Z"
            lines += b'{"ts":"%s","id":%d}\n' % (ts.encode(), n)
            n += 1
        f = append_locked(f, log, lines)
        written[0] = n
        time.sleep(0.02)
    f.close()

bad = []

def check(when):
    """The log's entries name its inode and an offset within it."""
    try:
        doc = json.load(open(cursor))
    except FileNotFoundError:
        return
    st = os.stat(log)
    for e in doc.get("files", []):
        if e.get("path") != log:
            continue
        if e.get("ino") != st.st_ino or e.get("offset", 0) > st.st_size:
            bad.append(f"{when}: entry ino {e.get('ino')} offset {e.get('offset')}, "
                       f"file ino {st.st_ino} size {st.st_size}")

t = threading.Thread(target=appender)
t.start()
time.sleep(0.5)
runs = 0
prune_failed = 0
deadline = time.monotonic() + PRUNE_SECONDS
try:
    while time.monotonic() < deadline:
        check(f"before prune {runs + 1}")
        r = subprocess.run(["timeout", "20", "ndj-prune", "-i", "--cursor", cursor, "--older-than", "90d",
                            "--now", "2026-11-22T00:00:00Z", log], stderr=subprocess.PIPE, text=True)
        runs += 1
        if r.returncode != 0:
            prune_failed += 1
            if prune_failed <= 3:
                print(f"ndj-prune run {runs} exited {r.returncode}: {r.stderr.strip()}")
        check(f"after prune {runs}")
finally:
    stop.set()
    t.join()
n = written[0]

def received_ids():
    ids = set()
    try:
        for body in open(f"{work}/received"):
            ids.update(r["id"] for r in json.loads(body))
    except FileNotFoundError:
        pass
    return ids

for _ in range(300 * SLOW):  # the pipeline drains what was appended (at most 30 s)
    if len(received_ids()) >= n:
        break
    time.sleep(0.1)
time.sleep(0.5)  # the last mark committed
check("at the end")
subprocess.run(["pkill", "-TERM", "-g", str(pipeline.pid), "-x", "ndj-tail"])
try:
    pipeline.wait(timeout=20)
except subprocess.TimeoutExpired:
    pass
check("after the pipeline stopped")
missing = sorted(set(range(n)) - received_ids())
print(f"prune runs: {runs} ({prune_failed} failed); records written: {n}, missing: {len(missing)}; "
      f"inconsistent cursor entries seen: {len(bad)}")
for b in bad[:8]:
    print("  " + b)
fail = False
if bad:
    print("FAIL: the cursor named an old inode or an offset past the end of the log")
    fail = True
if missing:
    print(f"FAIL: {len(missing)} records never arrived, e.g. {missing[:5]}")
    fail = True
if prune_failed:
    print("FAIL: ndj-prune failed")
    fail = True
for name in ("tail.err", "post.err"):
    text = open(os.path.join(work, name)).read() if os.path.exists(os.path.join(work, name)) else ""
    if text:
        print(f"{name}: " + text[-600:])
sys.exit(1 if fail else 0)
PY
