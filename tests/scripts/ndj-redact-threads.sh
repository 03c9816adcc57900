#!/usr/bin/env bash
# ndj-redact --threads N: records are redacted on worker threads, yet the
# output, the bad-line reports, the --rejects file and --strict are exactly
# those of a single-threaded run; a follower's records are not held back
# waiting for a batch to fill, and SIGTERM still stops it at once.
set -eu
dir=$(mktemp -d)
trap 'exec 3>&-; for j in $(jobs -p); do kill "$j" 2>/dev/null; done; rm -rf "$dir"' EXIT
cd "$dir"
slow=${NDJ_TEST_SLOWDOWN:-1}

# Two files of ~2.5 MB each (about ten batches each), with invalid lines,
# non-objects, marks, a line over --max-line and secrets to mask.
python3 - <<'PY'
import json, random
rnd = random.Random(7)
bad = open("expected-bad", "w")  # FILE:LINE of the lines every rule set refuses
for name, n, last_newline in (("a.ndjson", 12000, True), ("b.ndjson", 9000, False)):
    out = []
    for i in range(n):
        r = rnd.random()
        if name == "b.ndjson" and i == 1:
            r = 0  # a bad line in b's first batch, which may also hold a's last lines
        if r < 0.002 or r >= 0.004 and r < 0.0045:
            print("%s:%d" % (name, i + 1), file=bad)
        if r < 0.002:
            out.append('{"id":%d,"message":"broken' % i)
        elif r < 0.003:
            out.append('[1,2,3]')
        elif r < 0.004:
            out.append('{"ndj_mark":{"path":"/x","dev":1,"ino":2,"fp":"0000000000000000","offset":%d}}' % i)
        elif r < 0.0045:
            out.append('{"id":%d,"message":"%s"}' % (i, "x" * 3000))
        else:
            out.append(json.dumps({
                "id": i, "ts": "2026-01-01T00:00:%02dZ" % (i % 60),
                "message": "user u%d@example.com from 10.0.%d.%d" % (i, i % 256, i % 7),
                "stack": "at f (%d)" % i, "tags": {"lane": "x" * (i % 50)},
                "text": "caf\u00e9 %d" % i}, ensure_ascii=(i % 2 == 0)))
    with open(name, "w") as f:
        f.write("\n".join(out) + ("\n" if last_newline else ""))
PY

run() {  # run THREADS NAME ARGS...: stdout, stderr, rejects and status
  local t=$1 name=$2
  shift 2
  rm -f "$name.rej"
  set +e
  ndj-redact --threads "$t" --max-line 2k --rejects "$name.rej" "$@" a.ndjson b.ndjson \
    >"$name.out" 2>"$name.err"
  echo $? >"$name.status"
  set -e
}

for rules in "--hash message --drop stack" "--mask all --summary" "--keep id --keep text --others hash"; do
  # shellcheck disable=SC2086
  run 1 one $rules
  [ "$(cat one.status)" = 65 ] || { echo "$rules: exit $(cat one.status), want 65"; exit 1; }
  [ "$(wc -l <one.err)" -gt 40 ] || { echo "$rules: too few bad lines reported"; cat one.err; exit 1; }
  for t in 2 4 8; do
    # shellcheck disable=SC2086
    run "$t" many $rules
    for f in out err rej status; do
      cmp -s one.$f many.$f || { echo "$rules: --threads $t: $f differs from --threads 1"; diff one.$f many.$f | head; exit 1; }
    done
  done
done
# Each bad line is reported once, named by its own file and line, in order.
run 4 many --hash message
sed -E 's/^ndj-redact: ([ab]\.ndjson:[0-9]+):.*/\1/' many.err >reported
cmp -s expected-bad reported || { echo "bad-line reports"; diff expected-bad reported | head; exit 1; }

# --strict: the records before the first bad line, then exit 65.
run 1 one --strict --hash message
run 4 many --strict --hash message
for f in out err rej status; do
  cmp -s one.$f many.$f || { echo "--strict: $f differs"; exit 1; }
done
[ "$(cat many.status)" = 65 ] && [ "$(wc -l <many.err)" = 1 ] || { echo "--strict: $(cat many.status)"; cat many.err; exit 1; }
first_bad=$(sed -E 's/^ndj-redact: a\.ndjson:([0-9]+):.*/\1/' many.err)
[ "$(wc -l <many.out)" -gt 0 ] && [ "$(wc -l <many.out)" -lt "$first_bad" ] || { echo "--strict: wrong output size"; exit 1; }

# A follower: each record comes out while the input stays open.
mkfifo in
ndj-redact --threads 4 --hash message <in >follow.out 2>follow.err &
pid=$!
exec 3>in
for i in 1 2 3; do
  echo "{\"id\":$i,\"message\":\"m$i\"}" >&3
  for _ in $(seq 1 $((50 * slow))); do
    [ "$(wc -l <follow.out)" -ge "$i" ] && break
    sleep 0.1
  done
  [ "$(wc -l <follow.out)" -ge "$i" ] || { echo "record $i held back"; exit 1; }
done
# SIGTERM while waiting for input: a clean stop at once.
kill -TERM $pid
for _ in $(seq 1 $((50 * slow))); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then echo "SIGTERM did not stop a waiting ndj-redact --threads 4"; exit 1; fi
status=0
wait $pid || status=$?
exec 3>&-
[ $status = 0 ] || { echo "SIGTERM on a stream: exit $status, want 0"; cat follow.err; exit 1; }
[ "$(wc -l <follow.out)" = 3 ] || { echo "follower output"; cat follow.out; exit 1; }
echo ok
