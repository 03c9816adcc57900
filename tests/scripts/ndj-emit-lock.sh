#!/usr/bin/env bash
# The lock: --timeout bounds the wait, --best-effort turns failure into exit
# 0 (still reported), and a log replaced while we wait (as ndj-prune does)
# gets the event, not the unlinked old file.
set -u
dir=$(mktemp -d)
holder=
trap '[ -n "$holder" ] && kill $holder 2>/dev/null; rm -rf "$dir"' EXIT
log="$dir/events.ndjson"
fail() { echo "FAIL: $*"; exit 1; }

ndj-emit -o "$log" first=1 || fail "first append"
# Hold the log's lock from another process.
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a"); fcntl.flock(f, fcntl.LOCK_EX); time.sleep(30)' "$log" &
holder=$!
for _ in $(seq 100); do flock -n "$log" true || break; sleep 0.1; done
flock -n "$log" true && fail "could not take the lock for the test"

ndj-emit -o "$log" --timeout 200ms x=1 2>"$dir/err"
rc=$?
[ $rc = 1 ] || fail "locked log: exit $rc, expected 1"
grep -q "ndj-emit: $log: cannot lock: still locked by another process after 200ms" "$dir/err" ||
  fail "message: $(cat "$dir/err")"

ndj-emit -o "$log" --timeout 100ms --best-effort x=1 2>"$dir/err"
rc=$?
[ $rc = 0 ] || fail "--best-effort: exit $rc, expected 0"
grep -q "cannot lock" "$dir/err" || fail "--best-effort must still say why"
[ "$(wc -l <"$log")" = 1 ] || fail "nothing may be written without the lock"
echo "ok: --timeout and --best-effort"

# A writer waiting on the lock while the log is replaced writes to the new log.
ndj-emit -o "$log" --timeout 10s after=replace &
emitter=$!
# Wait until it has the old log open (and is waiting for its lock).
for _ in $(seq 100); do ls -l /proc/$emitter/fd 2>/dev/null | grep -q "$log" && break; sleep 0.1; done
ls -l /proc/$emitter/fd 2>/dev/null | grep -q "$log" || fail "emitter never opened the log"
printf '{"compacted":true}\n' >"$dir/new.ndjson"
mv "$dir/new.ndjson" "$log"
kill $holder
wait $holder 2>/dev/null
holder=
wait $emitter || fail "waiting emitter failed"
grep -q '"after":"replace"' "$log" || fail "event went to the replaced file: $(cat "$log")"
[ "$(wc -l <"$log")" = 2 ] || fail "new log: $(cat "$log")"
echo "ok: an emitter waiting while the log is replaced appends to the new log"

# An existing log keeps its mode.
chmod 640 "$log"
ndj-emit -o "$log" y=2 || fail "append"
[ "$(stat -c %a "$log")" = 640 ] || fail "mode of an existing log changed"
echo "ok: existing log mode kept"

# A failed write leaves no partial line (/dev/full fails every write).
ndj-emit -o /dev/full x=1 2>"$dir/err"
rc=$?
[ $rc = 1 ] || fail "/dev/full: exit $rc"
grep -q "write failed: No space left on device" "$dir/err" || fail "message: $(cat "$dir/err")"
ndj-emit x=1 >/dev/full 2>"$dir/err"
rc=$?
[ $rc = 1 ] || fail "stdout /dev/full: exit $rc"
grep -q "writing output failed" "$dir/err" || fail "message: $(cat "$dir/err")"
echo "ok: full disk reported, exit 1"
