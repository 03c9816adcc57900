#!/usr/bin/env bash
# ndj-prune in a pipeline fed slowly (as by `ndj-tail -f`): each kept record
# comes out while the input is still open, and SIGTERM ends the stream with
# status 0 after flushing.
set -eu
python3 - <<'PY'
import select, signal, subprocess, sys, time

p = subprocess.Popen(["ndj-prune", "--older-than", "90d", "--now", "2026-11-22T00:00:00Z"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def expect(line):
    # Generous: this checks that the record is flushed before more input
    # arrives, not how fast.
    ready, _, _ = select.select([p.stdout], [], [], 20)
    if not ready:
        p.kill()
        sys.exit("FAIL: %r not written while the input stays open" % line)
    got = p.stdout.readline()
    if got != line:
        sys.exit("FAIL: got %r, want %r" % (got, line))

for n in range(3):
    p.stdin.write(b'{"ts":"2020-01-01T00:00:00Z","old":%d}\n' % n)
    rec = b'{"ts":"2026-11-21T00:00:00Z","n":%d}\n' % n
    p.stdin.write(rec)
    p.stdin.flush()
    expect(rec)
p.send_signal(signal.SIGTERM)
status = p.wait(timeout=20)
if status != 0:
    sys.exit("FAIL: SIGTERM on a stream: exit %d, want 0" % status)
print("3 records streamed through while the input stayed open; SIGTERM exit 0")
PY
