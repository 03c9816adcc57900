#!/usr/bin/env bash
# ndj-tail on awkward files: one that starts empty, one deleted while open
# (and still written by its writer), new files matching the glob, 1,000 files
# in a directory, a 20 MiB line, a partial last line across SIGKILL, polling.
set -eu
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
cd "$dir"
fail() { echo "FAIL: $*"; exit 1; }
source "$TESTS_DIR/wait.bash"

# Follow: an empty file that gets data, a file deleted while its writer still
# writes, a new file matching the glob. SIGTERM ends it with status 0.
mkdir f
: > f/empty.ndjson
echo '{"d":1}' > f/doomed.ndjson
ndj-tail -f 'f/*.ndjson' >out.f 2>err.f &
pid=$!
exec 3>>f/doomed.ndjson
wait_lines 1 out.f
echo '{"e":1}' >> f/empty.ndjson
rm f/doomed.ndjson
echo '{"d":2}' >&3            # still open: written after the unlink
wait_lines 3 out.f
echo '{"d":3}' >&3
exec 3>&-
echo '{"n":1}' > f/new.ndjson
wait_lines 5 out.f
kill -TERM $pid
wait $pid || fail "SIGTERM in follow mode: exit $?"
[ "$(sort out.f | tr '\n' ' ')" = '{"d":1} {"d":2} {"d":3} {"e":1} {"n":1} ' ] ||
  fail "follow: got $(tr '\n' ' ' <out.f)"
[ ! -s err.f ] || fail "follow: unexpected diagnostics: $(cat err.f)"
echo "follow: empty file, deleted file, new file, SIGTERM exit 0"

# The same with --poll instead of inotify, ending by --exit-idle.
mkdir p
echo '{"p":1}' > p/a.ndjson
ndj-tail -f --poll 100ms --exit-idle 2s p >out.p &
pid=$!
wait_lines 1 out.p
echo '{"p":2}' >> p/a.ndjson
echo '{"p":3}' > p/b.ndjson
wait $pid || fail "--exit-idle: exit $?"
[ "$(tr '\n' ' ' <out.p)" = '{"p":1} {"p":2} {"p":3} ' ] || fail "poll: got $(tr '\n' ' ' <out.p)"
echo "poll: appended data and a new file seen; --exit-idle ended it"

# 1,000 files in a directory: every line once, one mark each.
mkdir many
python3 -c '
for i in range(1000):
    open(f"many/f{i:04}.ndjson", "w").write("{\"file\":%d}\n" % i)'
ndj-tail --cursor many.json many >out.many
[ "$(grep -vc ndj_mark out.many)" = 1000 ] || fail "1000 files: $(grep -vc ndj_mark out.many) lines"
[ "$(grep -c ndj_mark out.many)" = 1000 ] || fail "1000 files: $(grep -c ndj_mark out.many) marks"
[ "$(grep -v ndj_mark out.many | sort -u | wc -l)" = 1000 ] || fail "1000 files: repeated lines"
echo "1000 files: 1000 lines, 1000 marks"

# A 20 MiB line: over the default --max-line it is reported, quarantined
# whole in --rejects, and the lines around it pass; with a larger --max-line
# it passes byte for byte.
python3 -c '
import sys
with open("big.ndjson", "w") as f:
    f.write("{\"before\":1}\n{\"big\":\"" + "x" * (20 * 1024 * 1024) + "\"}\n{\"after\":1}\n")'
status=0
ndj-tail --rejects rej.ndjson --cursor big.json --autocommit big.ndjson >out.big 2>err.big || status=$?
[ $status = 65 ] || fail "20 MiB line: exit $status, expected 65"
[ "$(grep -v ndj_mark out.big | tr '\n' ' ')" = '{"before":1} {"after":1} ' ] || fail "20 MiB line: wrong output"
grep -q 'big.ndjson:2: line too long (20971531 bytes, --max-line is 16777216)' err.big || fail "20 MiB line: $(cat err.big)"
sed -n 2p big.ndjson | cmp - rej.ndjson || fail "20 MiB line: rejects file differs"
grep -q "\"offset\":$(stat -c %s big.ndjson)" big.json || fail "20 MiB line: cursor not past it"
ndj-tail --max-line 32M big.ndjson | cmp - big.ndjson || fail "20 MiB line with --max-line 32M: output differs"
echo "20 MiB line: reported and quarantined by default, passed whole with --max-line 32M"

# A partial last line across SIGKILL: held back, never in a mark, emitted
# whole by the next run once its newline arrives.
printf '{"k":1}\n{"k":' > part.ndjson
ndj-tail -f --cursor part.json --autocommit part.ndjson >out.k1 &
pid=$!
wait_lines 1 part.json '"offset":8,'
kill -KILL $pid
wait $pid 2>/dev/null || true
[ "$(grep -v ndj_mark out.k1)" = '{"k":1}' ] || fail "partial line: first run emitted $(cat out.k1)"
grep -q '"offset":8,' part.json || fail "partial line: cursor $(cat part.json)"
printf '2}\n' >> part.ndjson
ndj-tail --cursor part.json --autocommit part.ndjson >out.k2
[ "$(grep -v ndj_mark out.k2)" = '{"k":2}' ] || fail "partial line: second run emitted $(cat out.k2)"
echo "partial line across SIGKILL: emitted whole, once"

# Fairness: a big file is read a chunk at a time, in turn with the others,
# so the line of a small file comes out long before the big one is done.
python3 -c '
with open("busy.ndjson", "w") as f:
    for i in range(400000):
        f.write("{\"busy\":%d,\"pad\":\"%s\"}\n" % (i, "x" * 40))'
echo '{"quiet":1}' > quiet.ndjson
ndj-tail busy.ndjson quiet.ndjson >out.fair
at=$(grep -n quiet out.fair | cut -d: -f1)
total=$(wc -l <out.fair)
[ -n "$at" ] && [ "$at" -lt $((total / 2)) ] || fail "fairness: quiet line at $at of $total"
echo "fairness: the quiet file's line came out at line $at of $total"

# SIGTERM without --follow: the chunk in hand is finished and written whole,
# then exit 143 (a stopped catch-up is not a success).
mkfifo pipe
{ exec 3<pipe; sleep 1; cat <&3 >out.term; } &
reader=$!
status=0
ndj-tail busy.ndjson >pipe &
pid=$!
sleep 0.3
kill -TERM $pid
wait $pid || status=$?
wait $reader
[ $status = 143 ] || fail "SIGTERM while catching up: exit $status, expected 143"
[ -z "$(tail -c 1 out.term | tr -d '\n')" ] || fail "SIGTERM while catching up: output ends mid-line"
head -n "$(wc -l <out.term)" busy.ndjson | cmp - out.term || fail "SIGTERM while catching up: output differs"
echo "SIGTERM while catching up: exit 143, $(wc -l <out.term) whole lines"
