# ndj-git's output contract: a full disk is an error (exit 1, one message),
# a reader that goes away is not (exit 0, silent), and SIGTERM stops it
# without leaving git behind.
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
. "$TESTS_DIR/scripts/ndj-git-repo.bash"
bulk_repo big.git 3000
fail=0

ndj-git big.git >/dev/full 2>"$work/err"
status=$?
if [ $status = 1 ] && grep -q '^ndj-git: writing output failed: No space left on device$' "$work/err"; then
  echo "ok /dev/full: exit 1 with a message"
else
  echo "FAIL /dev/full: exit $status, stderr: $(cat "$work/err")"; fail=1
fi

ndj-git big.git 2>"$work/err" | head -1 >/dev/null
status=${PIPESTATUS[0]}
if [ "$status" = 0 ] && [ ! -s "$work/err" ]; then
  echo "ok closed pipe: exit 0, silent"
else
  echo "FAIL closed pipe: exit $status, stderr: $(cat "$work/err")"; fail=1
fi

n=$(ndj-git big.git | grep -c '"type":"change"')
if [ "$n" = 3000 ]; then echo "ok 3000 changes"; else echo "FAIL $n changes, expected 3000"; fail=1; fi

# SIGTERM while git is still writing (the reader is slow, so both block on
# pipes): ndj-git stops at a record boundary with 143 and takes git with it.
# Subjects of 4 kB: 3 MB of output, more than the pipe and ndj-git's
# buffer hold, so ndj-git is still running when the signal comes.
bulk_repo padded.git 1000 4000
{
  ndj-git padded.git 2>"$work/err" &
  echo $! >"$work/pid"
  wait $!
  echo $? >"$work/status"
} | { sleep 2; head -c 100 >/dev/null; sleep 1; cat >/dev/null; } &
sleep 1
pid=$(cat "$work/pid")
git_pids=$(pgrep -P "$pid" | tr '\n' ' ')
kill -TERM "$pid"
wait
status=$(cat "$work/status")
left=0
for g in $git_pids; do kill -0 "$g" 2>/dev/null && left=1; done
if [ "$status" = 143 ] && [ -n "$git_pids" ] && [ $left = 0 ] && [ ! -s "$work/err" ]; then
  echo "ok SIGTERM: exit 143, git ($git_pids) gone with it"
else
  echo "FAIL SIGTERM: exit $status, git children '$git_pids', left running: $left, stderr: $(cat "$work/err")"; fail=1
fi
exit $fail
