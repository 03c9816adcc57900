#!/usr/bin/env bash
# A user who can write the log directory (here: nobody) plants symbolic
# links at every name the tools will create there: the temp files of the
# next 500 PIDs (state.json.tmp.PID, status.json.tmp.PID, app.ndjson.tmp.PID,
# report.txt.tmp.PID), the cursor's lock, the dead-letter, rejects and
# ndj-emit -o files. Then root runs the tools. Once every link points at a
# root file outside the directory (mode 0600, known content), once at a path
# outside that does not exist. The file must keep its content, mode and
# owner, the missing path must stay missing, the cursor must be a regular
# file, and each refusal must say which file and why.
# Last, a log that is itself a link: ndj-prune -i leaves it alone unless
# --follow-symlinks.
set -u
if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root (the attack is on root writing in another user's directory)"
  exit 77
fi
if ! id nobody >/dev/null 2>&1 || ! command -v setpriv >/dev/null; then
  echo "SKIP: needs the user nobody and setpriv(1)"
  exit 77
fi
as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }
py=
for p in /usr/bin/python3 /usr/local/bin/python3; do  # not a shim in root's home
  as_nobody "$p" -c '' 2>/dev/null && py=$p && break
done
if [ -z "$py" ]; then
  echo "SKIP: no python3 that the user nobody can run"
  exit 77
fi
top=$(mktemp -d)
trap 'stop_receiver 2>/dev/null; rm -rf "$top"' EXIT
trap 'exit 1' INT TERM
chmod 755 "$top"  # nobody must reach its directory
cd "$top"
. "$TESTS_DIR/receiver.bash"
failed=0 case_failed=0
fail() { echo "FAIL $*"; failed=1 case_failed=1; }
verdict() { [ $case_failed = 1 ] || echo "ok: $*"; case_failed=0; }

victim=$top/victim missing=$top/missing
printf 'precious\n' >"$victim"
chmod 600 "$victim"
victim_stat=$(stat -c '%a %U %G %s' "$victim")
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# spray TARGET NAME...: as nobody, links logs/NAME.tmp.PID -> TARGET for the
# next 500 PIDs (in one process, so as not to use them up), and a link at
# each NAME given with a trailing '!' itself, replacing what is there (the
# directory is nobody's).
spray() {
  as_nobody "$py" - "$@" <<'PY'
import os, sys
target, names = sys.argv[1], sys.argv[2:]
last = int(open("/proc/sys/kernel/ns_last_pid").read())
for name in names:
    paths = ["logs/" + name[:-1]] if name.endswith("!") else \
            ["logs/%s.tmp.%d" % (name, pid) for pid in range(last + 1, last + 501)]
    for p in paths:
        if name.endswith("!") and os.path.lexists(p):
            os.unlink(p)
        try:
            os.symlink(target, p)
        except FileExistsError:
            pass
PY
}

check_victim() {  # check_victim WHAT
  [ "$(cat "$victim")" = precious ] || fail "$1: the victim's content changed: $(head -c 200 "$victim")"
  [ "$(stat -c '%a %U %G %s' "$victim")" = "$victim_stat" ] ||
    fail "$1: the victim's mode or owner changed: $(stat -c '%a %U %G %s' "$victim")"
  [ ! -e "$missing" ] || fail "$1: $missing was created"
  rm -f "$missing"
}

regular() {  # regular WHAT FILE
  [ -f "$2" ] && [ ! -L "$2" ] || fail "$1: $2 is not a regular file: $(ls -l "$2" 2>&1)"
}

# refused NAME FILE STATUS: the tool exited STATUS and said why.
refused() {
  [ "$3" = 1 ] || fail "$1: exit $3, expected 1: $(cat err)"
  grep -q "^${1%% *}: $2: is a symbolic link; refusing to follow it\$" err ||
    fail "$1: no refusal naming $2: $(cat err)"
}

one_round() {  # one_round TARGET
  local target=$1 status
  rm -rf logs
  mkdir logs
  chown nobody logs
  as_nobody sh -c "printf '%s\n' '{\"ts\":\"2020-01-01T00:00:00Z\",\"n\":1}' \
    '{\"ts\":\"2020-01-02T00:00:00Z\",\"n\":2}' '{\"ts\":\"$now\",\"n\":3}' >logs/app.ndjson"

  # Temp names: the whole pipeline, a prune of what it shipped, a tail.
  start_receiver "$top" --plan "200,400" || exit 1
  spray "$target" state.json status.json
  status=0
  ndj-tail --cursor logs/state.json logs/app.ndjson | ndj-batch -n 1 |
    ndj-post -j 1 --cursor logs/state.json --status logs/status.json --dead-letter logs/dead.ndjson \
      "$URL" >out 2>err || status=$?
  stop_receiver
  [ $status = 65 ] || fail "ndj-post: exit $status, expected 65 (one dead letter): $(cat err)"
  regular "ndj-post --cursor" logs/state.json
  regular "ndj-post --status" logs/status.json
  grep -q '"offset"' logs/state.json || fail "ndj-post: nothing committed: $(cat logs/state.json)"
  check_victim "ndj-post --cursor --status --dead-letter ($target)"

  spray "$target" app.ndjson state.json
  ndj-prune -i --older-than 1d --cursor logs/state.json logs/ >out 2>err ||
    fail "ndj-prune -i: exit $?: $(cat err)"
  [ "$(grep -c '"n"' logs/app.ndjson)" = 1 ] || fail "ndj-prune -i: shipped old records not pruned"
  [ "$(stat -c %U logs/app.ndjson)" = nobody ] || fail "ndj-prune -i: the log changed owner"
  regular "ndj-prune -i" logs/state.json
  check_victim "ndj-prune -i --cursor ($target)"

  # n:5, old, is shipped by this tail: the prune below will want to drop it.
  printf '{"ts":"%s","n":4}\n{"ts":"2020-01-03T00:00:00Z","n":5}\n' "$now" >>logs/app.ndjson
  spray "$target" state.json
  ndj-tail --autocommit --cursor logs/state.json logs/app.ndjson >out 2>err ||
    fail "ndj-tail --autocommit: exit $?: $(cat err)"
  grep -q '"n":4' out || fail "ndj-tail --autocommit: the new record was not read"
  regular "ndj-tail --autocommit" logs/state.json
  check_victim "ndj-tail --autocommit ($target)"

  spray "$target" report.txt report.txt!
  ndj-dora -o logs/report.txt <logs/app.ndjson >out 2>err || fail "ndj-dora -o: exit $?: $(cat err)"
  regular "ndj-dora -o" logs/report.txt
  check_victim "ndj-dora -o ($target)"
  verdict "temp files and -o beside links to $target"

  # Links at the lock and at the files appended to: refused, by name.
  spray "$target" state.json.lock! dead2.ndjson! emit.ndjson! rejects.ndjson!
  start_receiver "$top" --plan "200,400" || exit 1
  printf '[{"id":1}]\n{"ndj_mark":{"path":"/x.ndjson","dev":1,"ino":2,"fp":"0123456789abcdef","offset":9}}\n' >post.in
  status=0
  ndj-post -j 1 --cursor logs/state.json "$URL" <post.in >out 2>err || status=$?
  refused "ndj-post --cursor" logs/state.json.lock $status
  status=0
  printf '[{"id":2}]\n' | ndj-post --dead-letter logs/dead2.ndjson "$URL" >out 2>err || status=$?
  refused "ndj-post --dead-letter" logs/dead2.ndjson $status
  stop_receiver
  status=0
  ndj-prune -i --older-than 1d --cursor logs/state.json logs/app.ndjson >out 2>err || status=$?
  refused "ndj-prune -i --cursor" logs/state.json.lock $status
  grep -q '"n":5' logs/app.ndjson || fail "ndj-prune -i: pruned without updating the cursor"
  printf '{"ts":"%s","n":6}\n' "$now" >>logs/app.ndjson
  status=0
  ndj-tail --autocommit --cursor logs/state.json logs/app.ndjson >out 2>err || status=$?
  refused "ndj-tail --autocommit" logs/state.json.lock $status
  status=0
  ndj-emit -o logs/emit.ndjson x=1 >out 2>err || status=$?
  refused "ndj-emit -o" logs/emit.ndjson $status
  status=0
  printf 'not json\n' | ndj-redact --mask all --rejects logs/rejects.ndjson >out 2>err || status=$?
  refused "ndj-redact --rejects" logs/rejects.ndjson $status
  printf 'not json\n' >bad.ndjson
  status=0
  ndj-tail --validate --rejects logs/rejects.ndjson bad.ndjson >out 2>err || status=$?
  refused "ndj-tail --rejects" logs/rejects.ndjson $status
  regular "after the refusals" logs/state.json
  check_victim "locks and appended files ($target)"
  verdict "links to $target at the lock, dead-letter, rejects and -o files refused"
}

one_round "$victim"
one_round "$missing"

# A log that is a link (to a root file outside, here with old records).
rm -rf logs && mkdir logs && chown nobody logs
printf '{"ts":"2020-01-01T00:00:00Z"}\n{"ts":"%s"}\n' "$now" >real.ndjson
chmod 600 real.ndjson
cp real.ndjson real.orig
as_nobody ln -s "$top/real.ndjson" logs/linked.ndjson
status=0
ndj-prune -i --older-than 1d logs/linked.ndjson >out 2>err || status=$?
[ $status = 1 ] || fail "ndj-prune -i on a link: exit $status, expected 1: $(cat err)"
grep -qx 'ndj-prune: warning: logs/linked.ndjson: is a symbolic link; not rewritten (--follow-symlinks to rewrite its target)' err ||
  fail "ndj-prune -i on a link: no warning naming it: $(cat err)"
cmp -s real.ndjson real.orig || fail "ndj-prune -i on a link: its target was rewritten"
status=0
ndj-prune -i --older-than 1d logs/ >out 2>err || status=$?
[ $status = 1 ] || fail "ndj-prune -i on a directory holding a link: exit $status, expected 1"
cmp -s real.ndjson real.orig || fail "ndj-prune -i on a directory: the link's target was rewritten"
verdict "ndj-prune -i leaves a log that is a link alone"
ndj-prune -i --follow-symlinks --older-than 1d logs/linked.ndjson >out 2>err ||
  fail "ndj-prune -i --follow-symlinks: exit $?: $(cat err)"
[ -L logs/linked.ndjson ] || fail "ndj-prune -i --follow-symlinks: the link is gone"
[ "$(wc -l <real.ndjson)" = 1 ] || fail "ndj-prune -i --follow-symlinks: the target was not pruned"
[ "$(stat -c '%a %U' real.ndjson)" = "600 root" ] || fail "ndj-prune -i --follow-symlinks: mode or owner changed"
verdict "ndj-prune -i --follow-symlinks rewrites the link's target"
exit $failed
