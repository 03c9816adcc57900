#!/usr/bin/env bash
# Rotation while following and while the writer keeps appending: renamed out
# of the glob (finished, then the new file from 0), renamed to a name the glob
# still matches (carried on, not read twice), written to after the rename by
# a writer still holding the old file; rotation while ndj-tail was down; and
# copytruncate (a warning, then the file again from 0).
set -eu
source "$TESTS_DIR/wait.bash"
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
cd "$dir"
mkdir logs
export n=6000

ndj-tail -f --cursor c.json --autocommit 'logs/*.ndjson' >out.follow 2>err.follow &
tail_pid=$!
python3 - <<'PY'
import os, time
n = int(os.environ["n"])
path = "logs/app.ndjson"
f = open(path, "ab", buffering=0)
for s in range(n):
    f.write(b'{"seq":%d}\n' % s)
    if s % 50 == 0:
        time.sleep(0.005)
    if s % 1000 == 999:
        k = s // 1000
        # Odd rotations leave the glob; even ones keep matching it. A file
        # renamed out of the glob before ndj-tail ever saw it is not read
        # (documented): wait until it has read this file's first line.
        if k % 2:
            first = b'{"seq":%d}\n' % (k * 1000)
            for _ in range(400):
                if first in open("out.follow", "rb").read():
                    break
                time.sleep(0.05)
        os.rename(path, f"logs/app.ndjson.{k}" if k % 2 else f"logs/app-{k}.ndjson")
        if k % 3 == 0:  # a writer that notices the rotation late
            time.sleep(0.3)
            for t in range(3):
                s_late = n + k * 10 + t
                f.write(b'{"seq":%d}\n' % s_late)
        f.close()
        f = open(path, "ab", buffering=0)
PY
# Wait for every line (a loss shows below), and for the rotated-away files'
# grace to end, so that a line read twice would show too.
for ((i = 0; i < 200; i++)); do
  [ "$(grep -vc ndj_mark out.follow)" -ge $((n + 6)) ] && break
  sleep 0.1
done
sleep 1.2
kill -TERM $tail_pid
wait $tail_pid || { echo "ndj-tail -f exit $?"; cat err.follow; exit 1; }

python3 - out.follow <<'PY'
import json, os, sys
n = int(os.environ["n"])
late = {n + k * 10 + t for k in range(n // 1000) if k % 3 == 0 for t in range(3)}
want = set(range(n)) | late
got = [json.loads(l) for l in open(sys.argv[1])]
seqs = [d["seq"] for d in got if "seq" in d]
assert len(seqs) == len(set(seqs)), f"{len(seqs) - len(set(seqs))} lines read twice"
missing = sorted(want - set(seqs))
assert not missing, f"lost {len(missing)} lines: {missing[:10]}"
print(f"follow: {len(seqs)} lines across {n // 1000} rotations, none lost or repeated")
PY
[ ! -s err.follow ] || { echo "unexpected diagnostics:"; cat err.follow; exit 1; }

# Rotation while ndj-tail is down: the old inode (renamed away) is finished
# from the cursor offset, and the new file is read from 0.
mkdir down
echo '{"r":1}' > down/app.ndjson
ndj-tail --cursor c2.json --autocommit down/app.ndjson >/dev/null
echo '{"r":2}' >> down/app.ndjson
mv down/app.ndjson down/app.ndjson.1
echo '{"r":3}' > down/app.ndjson
got=$(ndj-tail --cursor c2.json --autocommit down/app.ndjson | grep -v ndj_mark | sort | tr '\n' ' ')
[ "$got" = '{"r":2} {"r":3} ' ] || { echo "rotation while down: got $got"; exit 1; }
got=$(ndj-tail --cursor c2.json --autocommit down/app.ndjson | grep -v ndj_mark | tr '\n' ' ')
[ -z "$got" ] || { echo "rotation while down, second run repeated: $got"; exit 1; }
echo "rotation while down: old inode finished, new file from 0"

# copytruncate: the data copied away was already read; after the truncation
# reading starts again at 0, with a warning.
mkdir ct
seq 1 100 | sed 's/.*/{"ct":&}/' > ct/app.ndjson
ndj-tail -f --poll 50ms ct/app.ndjson >out.ct 2>err.ct &
tail_pid=$!
wait_lines 100 out.ct
cp ct/app.ndjson ct/app.ndjson.1 && : > ct/app.ndjson
wait_lines 1 err.ct
seq 101 150 | sed 's/.*/{"ct":&}/' >> ct/app.ndjson
wait_lines 150 out.ct
kill -TERM $tail_pid
wait $tail_pid
[ "$(grep -c . out.ct)" = 150 ] || { echo "copytruncate: $(grep -c . out.ct) lines, expected 150"; exit 1; }
seq 1 150 | sed 's/.*/{"ct":&}/' | cmp - out.ct
grep -q 'ct/app.ndjson: truncated (.* bytes read, now 0; copytruncate?): reading again from the start; lines written since the last read may be lost' err.ct ||
  { echo "no truncation warning:"; cat err.ct; exit 1; }
echo "copytruncate: warned, nothing lost"
