#!/usr/bin/env bash
# Output files in a read-only directory: --rejects, cursor files, dead
# letters, -o, and ndj-prune -i's temporary file. Each tool names the file
# and exits 1; an input file is left as it was; a rejects file that is never
# needed is no error.
#
# How the directory is made read-only: root ignores permission bits, so a
# read-only bind mount of it onto itself (EROFS, as after a remount on disk
# errors) when mount(8) is allowed, else chattr +i (EPERM; needs a file
# system with attributes), else, for a non-root user, chmod a-w (EACCES).
set -u
dir=$(mktemp -d)
ro=$dir/ro
how=
cleanup() {
  case $how in
    mount) umount "$ro" ;;
    chattr) chattr -i "$ro" ;;
    chmod) chmod u+w "$ro" ;;
  esac
  stop_receiver 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$dir"
. "$TESTS_DIR/receiver.bash"
failed=0 case_failed=0
fail() { echo "FAIL $*"; failed=1 case_failed=1; }
verdict() { [ $case_failed = 1 ] || echo "ok: $*"; case_failed=0; }

mkdir ro
printf '{"ts":"2026-01-01T00:00:00Z","a":1}\n{"ts":"2026-01-09T00:00:00Z","a":2}\n' >ro/f.ndjson
cp ro/f.ndjson f.orig
if mount --bind -o ro "$ro" "$ro" 2>/dev/null; then
  how=mount
elif chattr +i "$ro" 2>/dev/null; then
  how=chattr
elif [ "$(id -u)" != 0 ] && chmod a-w "$ro"; then
  how=chmod
fi
if [ -z "$how" ] || touch ro/probe 2>/dev/null; then
  echo "SKIP: cannot make a read-only directory here"
  exit 77
fi
echo "read-only directory by: $how"

printf '{"ts":"2026-01-01T00:00:00Z","id":"first"}\nnot json\n{"ts":"2026-01-02T00:00:00Z","id":"second"}\n' >bad.ndjson
grep -v 'not json' bad.ndjson >good.ndjson
filters=(
  "ndj-batch"
  "ndj-redact --mask all"
  "ndj-post --dry-run http://127.0.0.1:9/"
  "ndj-prune --older-than 1d --now 2026-01-02T12:00:00Z"
  "ndj-dora"
  "ndj-stats"
  "ndj-emit --stdin"
)

# expect_failure NAME FILE CMD...: exit 1 and a message naming FILE.
expect_failure() {
  local name=$1 file=$2 status=0
  shift 2
  "$@" >out 2>err || status=$?
  [ $status = 1 ] || fail "$name: exit $status, expected 1: $(cat err)"
  grep -q "^${name%% *}: .*$file" err || fail "$name: no message naming $file: $(cat err)"
}

for f in "${filters[@]}"; do
  # shellcheck disable=SC2086
  expect_failure "$f" ro/rej $f --rejects ro/rej <bad.ndjson
  status=0
  # shellcheck disable=SC2086
  $f --rejects ro/rej <good.ndjson >out 2>err || status=$?
  [ $status = 0 ] || fail "$f: clean input with an unusable --rejects: exit $status: $(cat err)"
  verdict "$f --rejects in a read-only directory"
done
expect_failure "ndj-tail --validate" ro/rej ndj-tail --validate --rejects ro/rej bad.ndjson
verdict "ndj-tail --validate --rejects in a read-only directory"

# Without --autocommit ndj-tail only records new files in its cursor: one it
# may not write still tells where to start, with a warning of what it
# cannot promise.
status=0
ndj-tail --cursor ro/cursor.json good.ndjson >out 2>err || status=$?
[ $status = 0 ] || fail "ndj-tail --cursor (read only): exit $status: $(cat err)"
[ "$(grep -c '"id"' out)" = 2 ] || fail "ndj-tail --cursor (read only): records missing"
grep -q "new files are not recorded in the cursor" err || fail "ndj-tail --cursor (read only): no warning: $(cat err)"
[ "$(wc -l <err)" = 1 ] || fail "ndj-tail --cursor (read only): the warning is not said once: $(cat err)"
expect_failure "ndj-tail --autocommit" ro/cursor.json ndj-tail --cursor ro/cursor.json --autocommit good.ndjson
verdict "ndj-tail --cursor in a read-only directory"

expect_failure "ndj-prune -i" ro/f.ndjson ndj-prune -i --older-than 1d --now 2026-01-09T12:00:00Z ro/f.ndjson
cmp -s f.orig ro/f.ndjson || fail "ndj-prune -i: the file changed"
verdict "ndj-prune -i on a file in a read-only directory"

expect_failure "ndj-dora -o" ro/out ndj-dora -o ro/out <good.ndjson
expect_failure "ndj-emit -o" ro/f.ndjson ndj-emit -o ro/f.ndjson x=1
cmp -s f.orig ro/f.ndjson || fail "ndj-emit -o: the file changed"
expect_failure "ndj-emit -o" ro/new.ndjson ndj-emit -o ro/new.ndjson x=1
verdict "ndj-dora -o and ndj-emit -o in a read-only directory"

# ndj-post: records are delivered, but the cursor cannot be committed: exit
# 1, and the next run resends them (duplicates, never loss).
start_receiver "$dir" || exit 1
mark='{"ndj_mark":{"path":"/x.ndjson","dev":1,"ino":2,"fp":"0123456789abcdef","offset":99}}'
printf '[{"id":"p1"}]\n%s\n' "$mark" >post.in
expect_failure "ndj-post --cursor" ro/cursor.json ndj-post --cursor ro/cursor.json "$URL" <post.in
grep -q '"p1"' received || fail "ndj-post --cursor: the batch was not delivered"
stop_receiver
start_receiver "$dir" --default 400 || exit 1
expect_failure "ndj-post --dead-letter" ro/dead ndj-post --dead-letter ro/dead "$URL" <post.in
stop_receiver
verdict "ndj-post --cursor and --dead-letter in a read-only directory"
exit $failed
