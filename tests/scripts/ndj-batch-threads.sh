#!/usr/bin/env bash
# ndj-batch --threads N: lines are checked (and their --by keys read) on
# worker threads, yet the batches, the marks' places, the bad-line reports,
# the --rejects file and --strict are exactly those of a single-threaded
# run, across two files, with and without --by.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

# Two files of ~2 MB each (several worker batches each), with invalid
# lines, non-objects, marks, records too long for --max-bytes, numbers
# beyond a double and --by values of every JSON type.
python3 - <<'PY'
import json, random
rnd = random.Random(11)
bad = open("expected-bad", "w")  # FILE:LINE of the invalid lines
for name, n, last_newline in (("a.ndjson", 10000, True), ("b.ndjson", 8000, False)):
    out = []
    for i in range(n):
        r = rnd.random()
        if name == "b.ndjson" and i == 1:
            r = 0  # a bad line in b's first batch, which may also hold a's last lines
        if r < 0.002:
            print("%s:%d" % (name, i + 1), file=bad)
            out.append('{"id":%d,"service":"broken' % i)
        elif r < 0.003:
            out.append('{"ndj_mark":{"path":"/x","dev":1,"ino":2,"fp":"0000000000000000","offset":%d}}' % i)
        elif r < 0.0035:
            out.append('{"id":%d,"service":"big","message":"%s"}' % (i, "x" * 3000))
        elif r < 0.004:
            out.append('{"id":%d,"service":"huge","n":123456789012345678901234567890}' % i)
        else:
            service = rnd.choice(["api", "web", 7, None, {"a": [1, 2]}, "caf\u00e9"])
            rec = {"id": i, "ts": "2026-01-01T00:00:%02dZ" % (i % 60), "message": "m" * (i % 200)}
            if service is not None or i % 3:
                rec["service"] = service
            out.append(json.dumps(rec, ensure_ascii=(i % 2 == 0)))
    with open(name, "w") as f:
        f.write("\n".join(out) + ("\n" if last_newline else ""))
PY

run() {  # run THREADS NAME ARGS...: stdout, stderr, rejects and status
  local t=$1 name=$2
  shift 2
  rm -f "$name.rej"
  set +e
  ndj-batch --threads "$t" --max-bytes 2k --rejects "$name.rej" "$@" a.ndjson b.ndjson \
    >"$name.out" 2>"$name.err"
  echo $? >"$name.status"
  set -e
}

for args in "-n 100" "-n 37 --by service" "-n 1000 --wrap events --by service --max-open 2"; do
  # shellcheck disable=SC2086
  run 1 one $args
  [ "$(cat one.status)" = 65 ] || { echo "$args: exit $(cat one.status), want 65"; exit 1; }
  [ "$(wc -l <one.err)" -gt 30 ] || { echo "$args: too few bad lines reported"; cat one.err; exit 1; }
  [ "$(grep -c ndj_mark one.out)" -gt 10 ] || { echo "$args: marks missing"; exit 1; }
  for t in 2 3 8; do
    # shellcheck disable=SC2086
    run "$t" many $args
    for f in out err rej status; do
      cmp -s one.$f many.$f || { echo "$args: --threads $t: $f differs from --threads 1"; diff one.$f many.$f | head; exit 1; }
    done
  done
done
# Each invalid line is reported once, named by its own file and line, in order.
run 3 many -n 100
grep -E 'invalid JSON|cut short' many.err | sed -E 's/^ndj-batch: ([ab]\.ndjson:[0-9]+):.*/\1/' >reported
cmp -s expected-bad reported || { echo "bad-line reports"; diff expected-bad reported | head; exit 1; }

# --strict: the batches before the first bad line, then exit 65.
run 1 one --strict -n 10
run 3 many --strict -n 10
for f in out err rej status; do
  cmp -s one.$f many.$f || { echo "--strict: $f differs"; exit 1; }
done
[ "$(cat many.status)" = 65 ] && [ "$(wc -l <many.err)" = 1 ] || { echo "--strict: $(cat many.status)"; cat many.err; exit 1; }
[ "$(wc -l <many.out)" -gt 0 ] || { echo "--strict: no batch before the first bad line"; exit 1; }
echo ok
