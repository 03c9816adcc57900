#!/usr/bin/env bash
# ndj-prune --cursor: shipped records may go, unshipped ones never; the
# cursor entry is rewritten so that reading the new file from the new offset
# gives exactly the records after the old offset. Then, when ndj-tail is
# built, the same round trip through ndj-tail itself.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
python3 - <<'PY'
import json, os, subprocess, sys

sys.path.insert(0, os.environ["TESTS_DIR"])
from ndjtest import fp

def rec(day, n):
    return b'{"ts":"%sT00:00:00Z","n":%d}\n' % (day.encode(), n)

def entry_for(path, data, offset, ino=None, fprint=None):
    st = os.stat(path)
    return {"path": os.path.abspath(path), "dev": st.st_dev, "ino": ino or st.st_ino,
            "fp": fprint or fp(data), "offset": offset, "updated_at": ""}

def prune(*paths):
    subprocess.run(["ndj-prune", "-i", "--cursor", "cursor.json", "--older-than", "90d",
                    "--now", "2026-11-22T00:00:00Z", *paths], check=True)

def fail(msg):
    sys.exit("FAIL: " + msg)

# a.ndjson: old, new, old, old | shipped up to here | old, new. Only the
# shipped old records go; the old ones past the offset stay.
a = [rec("2020-01-01", 0), rec("2026-11-20", 1), rec("2020-01-02", 2), rec("2020-01-03", 3),
     rec("2020-01-04", 4), rec("2026-11-21", 5)]
a_data = b"".join(a)
a_off = sum(map(len, a[:4]))
open("a.ndjson", "wb").write(a_data)
# b.ndjson: all old and all shipped: removed.
b_data = rec("2020-01-01", 0) + rec("2020-01-02", 1)
open("b.ndjson", "wb").write(b_data)
# c.ndjson: not in the cursor: nothing shipped, nothing pruned.
open("c.ndjson", "wb").write(b_data)
# d.ndjson: an entry whose fingerprint does not match (another file once
# had this name): nothing counts as shipped.
open("d.ndjson", "wb").write(b_data)
# e.ndjson: all old but only half shipped.
open("e.ndjson", "wb").write(b_data)
entries = [entry_for("a.ndjson", a_data, a_off), entry_for("b.ndjson", b_data, len(b_data)),
           entry_for("d.ndjson", b_data, len(b_data), fprint="0123456789abcdef"),
           entry_for("e.ndjson", b_data, len(rec("2020-01-01", 0)))]
other = {"path": "/elsewhere/x.ndjson", "dev": 1, "ino": 2, "fp": "00", "offset": 7,
         "updated_at": "2026-01-01T00:00:00Z"}
json.dump({"version": 1, "files": entries + [other]}, open("cursor.json", "w"))
inodes = {n: os.stat(n).st_ino for n in ("c.ndjson", "d.ndjson")}

prune("a.ndjson", "b.ndjson", "c.ndjson", "d.ndjson", "e.ndjson")

cur = {e["path"]: e for e in json.load(open("cursor.json"))["files"]}
new = open("a.ndjson", "rb").read()
if new != a[1] + b"".join(a[4:]):
    fail("a.ndjson holds %r" % new)
e = cur[os.path.abspath("a.ndjson")]
st = os.stat("a.ndjson")
if (e["dev"], e["ino"]) != (st.st_dev, st.st_ino):
    fail("entry inode %d, file inode %d" % (e["ino"], st.st_ino))
if e["fp"] != fp(new):
    fail("entry fingerprint is not the new file's")
if new[e["offset"]:] != a_data[a_off:]:
    fail("reading from the new offset %d gives %r" % (e["offset"], new[e["offset"]:]))
if os.path.exists("b.ndjson"):
    fail("fully shipped, fully old b.ndjson was not removed")
eb = cur.get(os.path.abspath("b.ndjson"))
if eb and eb["offset"] < eb.get("size", eb["offset"]):
    fail("the entry of a removed file claims unshipped bytes: %r" % eb)
for n in ("c.ndjson", "d.ndjson"):
    if open(n, "rb").read() != b_data or os.stat(n).st_ino != inodes[n]:
        fail(n + " was changed")
if open("e.ndjson", "rb").read() != rec("2020-01-02", 1):
    fail("e.ndjson: the unshipped old record must stay, the shipped one go")
if cur["/elsewhere/x.ndjson"] != other:
    fail("an unrelated entry was changed")
if (os.stat("cursor.json").st_mode & 0o777) != 0o600:
    fail("cursor file mode is not 0600")
print("direct: offsets, inodes and fingerprints consistent; unshipped records kept")
PY

if ! command -v ndj-tail >/dev/null; then
  echo "SKIP: ndj-tail not built"
  exit 77
fi

# Round trip: tail (committing), append, prune, tail again: the second tail
# emits exactly the records appended after the first, no duplicate, no gap.
rm -f cursor.json t.ndjson
for i in 0 1 2 3 4 5; do printf '{"ts":"2020-01-0%dT00:00:00Z","n":%d}\n' $((i + 1)) $i; done >t.ndjson
ndj-tail --cursor cursor.json --autocommit t.ndjson | grep -v '^{"ndj_mark":' >first.out
cmp -s first.out t.ndjson || { echo "FAIL: first tail did not emit the file"; exit 1; }
printf '{"ts":"2020-02-01T00:00:00Z","n":6}\n{"ts":"2026-11-21T00:00:00Z","n":7}\n' >>t.ndjson
tail -n 2 t.ndjson >expected.out
ndj-prune -i --cursor cursor.json --older-than 90d --now 2026-11-22T00:00:00Z t.ndjson
[ "$(wc -l <t.ndjson)" = 2 ] || { echo "FAIL: prune kept $(wc -l <t.ndjson) lines, want 2"; exit 1; }
ndj-tail --cursor cursor.json --autocommit t.ndjson | grep -v '^{"ndj_mark":' >second.out
if ! cmp -s second.out expected.out; then
  echo "FAIL: second tail emitted:"; cat second.out; exit 1
fi
echo "tail -> prune -> tail: the second tail emitted exactly the 2 new records"
