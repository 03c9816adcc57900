#!/usr/bin/env bash
# ndj-dora --color auto: colours only on a terminal (a pseudo-terminal
# here), and none when NO_COLOR is set and not empty; never into -o FILE.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/in" <<'JSON'
{"type":"deployment","id":"a","time":"2026-03-02T10:00:00Z","service":"api"}
{"type":"deployment","id":"b","time":"2026-03-03T10:00:00Z","service":"api","status":"failure"}
JSON
# Two deployments: --min-samples 0 gives them tiers, and so colours.
args=(--min-samples 0 --since 2026-03-01T00:00:00Z --until 2026-03-05T00:00:00Z --bucket day --format table "$dir/in")
# Runs ndj-dora on a pseudo-terminal; prints how many lines hold an escape.
on_tty() {
  python3 - "$@" <<'PY'
import os, pty, sys
# pty.spawn copies the terminal's output to stdout: keep ours for the count.
result = os.fdopen(os.dup(1), "w")
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
out = bytearray()
def read(fd):
    data = os.read(fd, 65536)
    out.extend(data)
    return data
status = pty.spawn(["ndj-dora"] + sys.argv[1:], read)
print(sum(b"\x1b[" in line for line in out.splitlines()), file=result)
sys.exit(os.waitstatus_to_exitcode(status))
PY
}
fail=0
check() { if [ "$2" != "$3" ]; then echo "FAIL: $1: got $2, want $3"; fail=1; else echo "ok: $1: $2"; fi; }
check "terminal" "$(env -u NO_COLOR bash -c "$(declare -f on_tty); on_tty ${args[*]}")" 6
check "terminal, NO_COLOR=1" "$(NO_COLOR=1 bash -c "$(declare -f on_tty); on_tty ${args[*]}")" 0
check "terminal, NO_COLOR empty" "$(NO_COLOR= bash -c "$(declare -f on_tty); on_tty ${args[*]}")" 6
check "terminal, --color never" "$(env -u NO_COLOR bash -c "$(declare -f on_tty); on_tty --color never ${args[*]}")" 0
check "pipe" "$(env -u NO_COLOR ndj-dora "${args[@]}" | grep -c $'\x1b')" 0
check "pipe, --color always" "$(NO_COLOR=1 ndj-dora --color always "${args[@]}" | grep -c $'\x1b')" 6
env -u NO_COLOR bash -c "$(declare -f on_tty); on_tty -o $dir/report ${args[*]}" >/dev/null
check "terminal, -o FILE" "$(grep -c $'\x1b' "$dir/report")" 0
exit $fail
