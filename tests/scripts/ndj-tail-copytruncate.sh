#!/usr/bin/env bash
# A file truncated or rewritten in place (same inode) is read again from 0
# with a warning, for ndj-tail may have missed lines (DESIGN.md §3): while
# following, whether the new content is shorter than what was read, longer
# (written past the old offset before ndj-tail looked) or exactly as long;
# and on a restart from a cursor whose offset is past the end, or whose
# first line is no longer the file's.
set -eu
source "$TESTS_DIR/wait.bash"
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
cd "$dir"
lines() { seq "$1" "$2" | sed "s/.*/{\"$3\":&}/"; }
fail() { echo "FAIL: $*"; cat err 2>/dev/null; exit 1; }

# While following: the follower is stopped while the file is rewritten in
# place, so that it sees the change only once it is complete.
follow_case() {  # NAME LINES_AFTER KEY
  local name=$1 count=$2 key=$3
  rm -f app.ndjson out err
  lines 1 100 a >app.ndjson
  ndj-tail -f --poll 50ms app.ndjson >out 2>err &
  local pid=$!
  wait_lines 100 out
  kill -STOP $pid
  local ino=$(stat -c %i app.ndjson)
  : >app.ndjson
  lines 1 "$count" "$key" >>app.ndjson
  [ "$(stat -c %i app.ndjson)" = "$ino" ] || fail "$name: not the same inode"
  kill -CONT $pid
  wait_lines $((100 + count)) out
  kill -TERM $pid
  wait $pid
  [ "$(tail -n "$count" out)" = "$(lines 1 "$count" "$key")" ] || fail "$name: the new content was not read from 0"
}

follow_case shorter 10 b
grep -qx 'ndj-tail: warning: app.ndjson: truncated (892 bytes read, now 81; copytruncate?): reading again from the start; lines written since the last read may be lost' err ||
  fail "shorter: no truncation warning"
echo "following, rewritten shorter: warned, new lines from 0"

follow_case longer 150 b
grep -qx 'ndj-tail: warning: app.ndjson: first line changed (892 bytes read; rewritten in place?): reading again from the start; lines written since the last read may be lost' err ||
  fail "longer: no warning"
echo "following, rewritten past the old offset: warned, new lines from 0"

follow_case same-size 100 c
[ "$(stat -c %s app.ndjson)" = 892 ] || fail "same-size: the test file is not 892 bytes"
grep -q 'app.ndjson: first line changed (892 bytes read; rewritten in place?)' err || fail "same size: no warning"
echo "following, rewritten to the same size: warned, new lines from 0"

# Restart from a cursor.
rm -f app.ndjson
lines 1 100 a >app.ndjson
ndj-tail --cursor c.json --autocommit app.ndjson >/dev/null 2>err
: >app.ndjson
lines 1 10 b >>app.ndjson
ndj-tail --cursor c.json --autocommit app.ndjson >out 2>err
grep -v ndj_mark out | cmp -s - <(lines 1 10 b) || fail "restart, shorter: not read from 0"
grep -qx 'ndj-tail: warning: app.ndjson: truncated since the cursor was written (892 bytes read, now 81): reading from the start; lines written since the last read may be lost' err ||
  fail "restart, shorter: no warning"
echo "restart, cursor offset past the end: warned, read from 0"

: >app.ndjson
lines 1 200 d >>app.ndjson
ndj-tail --cursor c.json --autocommit app.ndjson >out 2>err
grep -v ndj_mark out | cmp -s - <(lines 1 200 d) || fail "restart, rewritten: not read from 0"
grep -qx 'ndj-tail: warning: app.ndjson: first line changed since the cursor was written (81 bytes read; rewritten in place?): reading from the start; lines written since the last read may be lost' err ||
  fail "restart, rewritten: no warning"
ndj-tail --cursor c.json --autocommit app.ndjson >out 2>err
[ ! -s err ] && [ -z "$(grep -v ndj_mark out)" ] || fail "third run: $(cat err out)"
echo "restart, first line changed on the same inode: warned, read from 0; then nothing more"
