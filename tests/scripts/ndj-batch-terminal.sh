#!/usr/bin/env bash
# ndj-batch reading standard input from a terminal (no FILE, or a --wrap
# that took it) says so on stderr, then reads what is typed up to Ctrl-D.
set -eu
command -v ndj-batch >/dev/null
python3 - <<'PY'
import os, pty, select, sys, time

pid, fd = pty.fork()
if pid == 0:
    os.execvp("ndj-batch", ["ndj-batch", "-n", "5"])
seen = b""
def read_until(text, seconds=20):
    global seen
    end = time.time() + seconds
    while text not in seen and time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return text in seen
warning = b"ndj-batch: warning: reading records from the terminal (give a FILE, or end the input with Ctrl-D)"
if not read_until(warning):
    sys.exit(f"FAIL: no warning before reading the terminal: {seen!r}")
os.write(fd, b'{"a":1}\n')
time.sleep(0.2)
os.write(fd, b"\x04")
if not read_until(b'[{"a":1}]'):
    sys.exit(f"FAIL: the typed record was not batched: {seen!r}")
_, status = os.waitpid(pid, 0)
if os.waitstatus_to_exitcode(status) != 0:
    sys.exit(f"FAIL: exit status {os.waitstatus_to_exitcode(status)}")
print("terminal: warned, then batched what was typed up to Ctrl-D, exit 0")
PY
# Not on a pipe or a file.
err=$(echo '{"a":1}' | ndj-batch 2>&1 >/dev/null)
[ -z "$err" ] || { echo "FAIL: a warning on a pipe: $err"; exit 1; }
echo "pipe: no warning"
