#!/usr/bin/env bash
# A 100 MiB line between two valid records, through every tool that reads
# NDJSON. Over --max-line (default 16 MiB) it is reported with its size
# (never echoed), streamed byte for byte into --rejects, the tool exits 65
# and both records around it are kept. With a --max-line above its size it
# is a record like any other. The line is generated here, never committed.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

rec() {
  printf '{"ts":"2026-01-0%sT00:00:00Z","type":"deployment","id":"%s","time":"2026-01-0%sT00:00:00Z","service":"s","environment":"production","status":"success","changes":[]}\n' "$1" "$2" "$1"
}
{
  rec 1 first
  python3 -c 'import sys; sys.stdout.write("{\"id\":\"huge\",\"pad\":\"" + "y" * (100 << 20) + "\"}\n")'
  rec 2 second
} >in.ndjson
huge=$(sed -n 2p in.ndjson | wc -c)
sed -n 2p in.ndjson >huge.expected
too_long=":2: line too long ($huge bytes, --max-line is 16777216)"
. "$TESTS_DIR/receiver.bash"
start_receiver "$dir"
trap 'stop_receiver || true; rm -rf "$dir"' EXIT
failed=0 case_failed=0
fail() { echo "FAIL $*"; failed=1 case_failed=1; }
verdict() { [ $case_failed = 1 ] || echo "ok: $*"; case_failed=0; }

# expect_rejected NAME CHECK CMD...: CMD reads in.ndjson on stdin (unless it
# names the file itself); CHECK is a command run on its stdout that must
# find both records.
expect_rejected() {
  local name=$1 check=$2 status=0
  shift 2
  "$@" --rejects rej <in.ndjson >out 2>err || status=$?
  [ $status = 65 ] || fail "$name: exit $status, expected 65"
  grep -qF "$too_long" err || fail "$name: no line-too-long report: $(head -c 300 err)"
  ! grep -q yyyy err || fail "$name: the line was echoed"
  cmp -s rej huge.expected || fail "$name: rejects file is not the line ($(wc -c <rej) bytes)"
  $check out || fail "$name: a record around the huge line is missing"
  rm -f rej out err
  : >received
  verdict "$name rejects it"
}

# expect_passed NAME CMD...: with --max-line 128M the line goes through.
expect_passed() {
  local name=$1 status=0
  shift
  "$@" --max-line 128M <in.ndjson >out 2>err || status=$?
  [ $status = 0 ] || fail "$name --max-line 128M: exit $status: $(head -c 300 err)"
  [ -s received ] && cp received out && : >received
  [ "$(grep -c yyyy out)" -ge 1 ] || fail "$name --max-line 128M: the huge record is missing"
  both out || fail "$name --max-line 128M: a record is missing"
  [ "$(wc -c <out)" -gt $((100 << 20)) ] || fail "$name --max-line 128M: output too short"
  rm -f out err
  verdict "$name passes it with --max-line 128M"
}

both() { grep -q '"first"' "$1" && grep -q '"second"' "$1"; }
posted_both() { both received; }
dora_two() { grep -q '"metric":"deployment_frequency".*"n":2,' "$1"; }
stats_two() { grep -qx '{"count":2}' "$1"; }
window=(--since 2025-12-01T00:00:00Z --until 2026-02-01T00:00:00Z)
prune=(ndj-prune --older-than 30d --now 2026-01-05T00:00:00Z)

expect_rejected ndj-batch both ndj-batch -n 10
expect_rejected ndj-redact both ndj-redact --mask all
expect_rejected ndj-post posted_both ndj-post "$URL"
expect_rejected ndj-prune both "${prune[@]}"
expect_rejected ndj-dora dora_two ndj-dora "${window[@]}"
expect_rejected ndj-stats stats_two ndj-stats
expect_rejected ndj-tail both ndj-tail in.ndjson
expect_rejected "ndj-tail --validate" both ndj-tail --validate in.ndjson
expect_rejected "ndj-emit --stdin" both ndj-emit --stdin

expect_passed ndj-batch ndj-batch -n 10 --max-bytes 128M
expect_passed ndj-redact ndj-redact --mask all
expect_passed ndj-post ndj-post "$URL"
expect_passed ndj-prune "${prune[@]}"
expect_passed ndj-tail ndj-tail --validate in.ndjson
expect_passed "ndj-emit --stdin" ndj-emit --stdin

# In place, ndj-prune drops what is old and keeps the line it cannot judge,
# byte for byte.
cp in.ndjson place.ndjson
status=0
ndj-prune -i --older-than 1d --now 2026-01-02T12:00:00Z place.ndjson 2>err || status=$?
[ $status = 65 ] || fail "ndj-prune -i: exit $status, expected 65"
grep -qF "$too_long; kept" err || fail "ndj-prune -i: no report: $(head -c 300 err)"
{ cat huge.expected; rec 2 second; } | cmp -s - place.ndjson || fail "ndj-prune -i: wrong result"
verdict "ndj-prune -i keeps it in place"

exit $failed
