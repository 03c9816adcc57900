#!/usr/bin/env bash
# Every tool's --help fits in 80 columns, and its options and its man page
# SYNOPSIS list the same options (an option counts once, by its short or
# long name): the two never drift apart.
set -u
man=$(cd "$TESTS_DIR/../man" && pwd)
status=0
for page in "$man"/ndj-*.1; do
  tool=$(basename "$page" .1)
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not built"; status=1; continue; }
  "$tool" --help >"/tmp/help.$$"
  python3 - "$tool" "/tmp/help.$$" "$page" <<'PY' || status=1
import re, sys
tool, help_file, page = sys.argv[1:]
text = open(help_file).read()
ok = True
for line in text.splitlines():
    if len(line) > 80:
        print(f"FAIL: {tool} --help wider than 80 columns: {line}")
        ok = False
options = []
for line in text.splitlines():
    m = re.match(r"^\s+(-[\w-]+(?:,-{1,2}[\w-]+)*)", line)
    if m:
        flags = set(m.group(1).split(","))
        if not flags & {"-h", "--help", "-V", "--version"}:
            options.append(flags)
man = open(page).read()
synopsis = man.split(".Sh SYNOPSIS", 1)[1].split(".Sh ", 1)[0]
in_synopsis = {"-" + f for f in re.findall(r"Fl (-?[\w-]+)", synopsis)}
for flags in options:
    if not flags & in_synopsis:
        print(f"FAIL: {tool}: {'/'.join(sorted(flags))} is in --help, not in the SYNOPSIS")
        ok = False
known = set().union(*options) if options else set()
for f in sorted(in_synopsis - known - {"-h", "--help", "-V", "--version"}):
    print(f"FAIL: {tool}: {f} is in the SYNOPSIS, not in --help")
    ok = False
if ok:
    print(f"ok: {tool}: {len(options)} options agree")
sys.exit(0 if ok else 1)
PY
done
rm -f "/tmp/help.$$"
exit $status
