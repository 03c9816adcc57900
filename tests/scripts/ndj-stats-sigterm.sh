#!/usr/bin/env bash
# Reading a stream (ndj-tail -f upstream), SIGTERM is how ndj-stats is
# stopped: it writes the statistics of everything read so far and exits 0.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkfifo "$dir/stream"
ndj-stats -g a <"$dir/stream" >"$dir/out" 2>"$dir/err" &
pid=$!
exec 3>"$dir/stream"
printf '{"a":1}\n{"a":2}\n{"a":1}\n' >&3
# Wait until it has read everything and is polling for more.
for _ in $(seq 200); do
  grep -q poll "/proc/$pid/wchan" 2>/dev/null && break
  sleep 0.05
done
grep -q poll "/proc/$pid/wchan" 2>/dev/null || fail "ndj-stats never waited for input"
kill -TERM $pid
wait $pid
rc=$?
exec 3>&-
[ $rc = 0 ] || fail "exit $rc after SIGTERM on a stream, expected 0 ($(cat "$dir/err"))"
expected='{"a":1,"count":2}
{"a":2,"count":1}'
[ "$(cat "$dir/out")" = "$expected" ] || fail "output: $(cat "$dir/out")"
echo "ok: SIGTERM on a stream writes the statistics and exits 0"
