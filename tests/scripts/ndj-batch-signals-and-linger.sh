#!/usr/bin/env bash
# ndj-batch on a live stream: a partial batch is written after --linger
# while the writer is still connected, and SIGTERM mid-stream writes every
# open batch and the marks after it, then exits 0.
set -eu
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
mkfifo "$dir/in"

# Linger: 3 records, then silence; the batch must appear before EOF.
ndj-batch --linger 200ms <"$dir/in" >"$dir/out" &
batch=$!
exec 3>"$dir/in"
printf '{"a":1}\n{"a":2}\n{"a":3}\n' >&3
for _ in $(seq 50); do [ -s "$dir/out" ] && break; sleep 0.1; done
[ "$(cat "$dir/out")" = '[{"a":1},{"a":2},{"a":3}]' ] || { echo "linger: got '$(cat "$dir/out")'"; exit 1; }
echo "linger: partial batch written while input idle"
exec 3>&-
wait $batch

# SIGTERM mid-stream: 2500 records and a mark, no EOF, then SIGTERM.
ndj-batch -n 1000 --linger 1h <"$dir/in" >"$dir/out" 2>"$dir/err" &
batch=$!
exec 3>"$dir/in"
for i in $(seq 2500); do printf '{"i":%d}\n' "$i"; done >&3
printf '{"ndj_mark":{"path":"/x","dev":1,"ino":1,"fp":"000000000000000f","offset":9}}\n' >&3
sleep 0.5
kill -TERM $batch
set +e
wait $batch
status=$?
set -e
exec 3>&-
[ $status = 0 ] || { echo "SIGTERM exit status $status, expected 0"; cat "$dir/err"; exit 1; }
records=$(grep -v ndj_mark "$dir/out" | tr ',' '\n' | grep -c '"i"')
[ "$records" = 2500 ] || { echo "after SIGTERM: $records of 2500 records written"; exit 1; }
[ "$(wc -l <"$dir/out")" = 4 ] || { echo "expected 3 batches and a mark"; cat "$dir/out" | cut -c1-80; exit 1; }
tail -1 "$dir/out" | grep -q '^{"ndj_mark":' || { echo "mark not last"; exit 1; }
echo "SIGTERM: 2500 records in 3 batches, mark last, exit 0"

# Reading a regular file, SIGTERM is an interruption: 143.
seq 3000000 | sed 's/.*/{"i":&}/' >"$dir/big"
# Named 40 times so the run outlasts the signal by far.
ndj-batch $(for _ in $(seq 40); do echo "$dir/big"; done) >/dev/null &
batch=$!
sleep 0.2
kill -TERM $batch
set +e
wait $batch
status=$?
set -e
[ $status = 143 ] || { echo "file input: exit $status, expected 143"; exit 1; }
echo "file input: exit $status after SIGTERM"
