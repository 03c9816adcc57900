#!/usr/bin/env bash
# A writer appends 100,000 lines while ndj-prune -i runs again and again:
# every appended line that is not old enough to prune survives exactly once,
# in order, with two pruners racing each other. The writer follows the protocol the man page documents: flock(2)
# the file, and reopen it if the path names another file once locked.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
python3 - <<'PY'
import os, subprocess, sys, threading

sys.path.insert(0, os.environ["TESTS_DIR"])
from ndjtest import append_locked

log = "app.ndjson"
N = 100000
open(log, "wb").close()
done = threading.Event()

def appender():
    f = open(log, "ab")
    for i in range(N):
        # One line in ten is old, so every prune run has something to drop.
        ts = "2020-01-01T00:00:00Z" if i % 10 == 9 else "2026-11-21T00:00:00Z"
        line = b'{"ts":"%s","n":%d}\n' % (ts.encode(), i)
        f = append_locked(f, log, line)
    f.close()
    done.set()

runs = [0, 0]
def pruner(k):
    # Two pruners race each other too: the loser notices the file was
    # replaced under it and starts again.
    while not done.is_set() or runs[k] < 3:
        subprocess.run(["ndj-prune", "-i", "--older-than", "90d", "--now", "2026-11-22T00:00:00Z", log],
                       check=True)
        runs[k] += 1

threads = [threading.Thread(target=appender)] + [threading.Thread(target=pruner, args=(k,)) for k in (0, 1)]
for t in threads:
    t.start()
for t in threads:
    t.join()
runs = sum(runs)
subprocess.run(["ndj-prune", "-i", "--older-than", "90d", "--now", "2026-11-22T00:00:00Z", log], check=True)

got = [int(l.split(b'"n":')[1].rstrip(b"}\n")) for l in open(log, "rb")]
want = [i for i in range(N) if i % 10 != 9]
if got != want:
    missing = sorted(set(want) - set(got))[:5]
    dups = len(got) - len(set(got))
    sys.exit("after %d prune runs: %d lines, want %d; first missing %s, %d duplicates"
             % (runs, len(got), len(want), missing, dups))
print("%d prune runs while 100,000 lines were appended: all %d recent lines present once, in order"
      % (runs, len(want)))
PY
