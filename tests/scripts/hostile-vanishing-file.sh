#!/usr/bin/env bash
# Files that disappear while a tool reads them. ndj-prune -i: the log is
# deleted after prune read it but before it replaced it (prune is held at
# that point by a writer's flock, so the timing is exact): the file must stay
# deleted (never brought back by the rename), with a warning and exit 0, no
# temporary file is left, and the other files are pruned. ndj-tail: a file deleted with unread data
# while followed with --cursor is read to its end and every record is passed
# on once.
set -u
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir"
slow=${NDJ_TEST_SLOWDOWN:-1}
failed=0
fail() { echo "FAIL $*"; failed=1; }

mkdir logs
for f in a b c; do
  for i in $(seq 1 2000); do
    printf '{"ts":"2026-01-01T00:00:00Z","f":"%s","i":%d,"old":true}\n' $f "$i"
  done >logs/$f.ndjson
  printf '{"ts":"2026-01-10T00:00:00Z","f":"%s","i":0}\n' $f >>logs/$f.ndjson
done

# holder: takes flock on logs/b.ndjson, signals "locked", waits for "go",
# deletes the file and only then releases the lock.
mkfifo ctl ack
python3 -c '
import fcntl, os, sys
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.readline()
os.unlink(sys.argv[1])
f.close()' logs/b.ndjson <ctl >ack &
holder=$!
exec 3>ctl 4<ack
read -r _ <&4

ndj-prune -i --older-than 1d --now 2026-01-10T12:00:00Z logs 2>err &
prune=$!
# Wait until prune is blocked on b's lock: /proc/locks lists it as a waiter.
for _ in $(seq 1 $((300 * slow))); do
  grep -q -- "-> FLOCK .* $prune " /proc/locks && break
  sleep 0.05
done
grep -q -- "-> FLOCK .* $prune " /proc/locks || fail "ndj-prune never waited for the lock on b: $(cat /proc/locks; ls -l logs; cat err)"
echo go >&3
exec 3>&- 4<&-
wait $holder
status=0
wait $prune || status=$?

[ ! -e logs/b.ndjson ] || fail "the deleted file is back: $(wc -l <logs/b.ndjson) lines"
ls logs | grep -q tmp && fail "temporary file left: $(ls logs)"
for f in a c; do
  [ "$(cat logs/$f.ndjson)" = "{\"ts\":\"2026-01-10T00:00:00Z\",\"f\":\"$f\",\"i\":0}" ] ||
    fail "logs/$f.ndjson not pruned: $(wc -l <logs/$f.ndjson) lines"
done
[ $status = 0 ] || fail "ndj-prune: exit $status: $(cat err)"
grep -qx 'ndj-prune: warning: logs/b.ndjson: removed by another process during the prune; nothing to do' err ||
  fail "ndj-prune: no warning: $(cat err)"
[ $failed = 0 ] && echo "ok: ndj-prune -i leaves a file deleted during its run deleted"

# ndj-tail -f --cursor: a file deleted while it still holds unread data.
rm -rf logs err
mkdir logs
seq 1 150000 | sed 's/.*/{"n":&,"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}/' >logs/d.ndjson
ndj-tail -f --cursor cursor.json logs >out 2>err &
tail_pid=$!
# Delete it as soon as the first line is out: ndj-tail reads 4 MiB per
# round and the file is 9 MB, so most of it is still unread.
for _ in $(seq 1 $((200 * slow))); do [ -s out ] && break; sleep 0.02; done
rm logs/d.ndjson
for _ in $(seq 1 $((300 * slow))); do
  [ "$(grep -vc ndj_mark out)" -ge 150000 ] && break
  sleep 0.05
done
kill -TERM $tail_pid
status=0
wait $tail_pid || status=$?
[ $status = 0 ] || fail "ndj-tail: exit $status: $(cat err)"
grep -v ndj_mark out | sed 's/{"n":\([0-9]*\),.*/\1/' | cmp -s - <(seq 1 150000) ||
  fail "ndj-tail: records lost or repeated ($(grep -vc ndj_mark out) lines)"
[ $failed = 0 ] && echo "ok: ndj-tail -f reads a deleted file to its end"
exit $failed
