#!/usr/bin/env bash
# `make demo` is a promise to every new user: run it as they would and
# check its verdict (it exits non-zero when a record is lost or leaked).
set -eu
out=$("$TESTS_DIR/../examples/demo.sh" "$(dirname "$(command -v ndj-batch)")" 2>&1) || { echo "$out"; exit 1; }
echo "$out" | tail -8
echo "$out" | grep -q 'Nothing lost, nothing leaked.'
# The kill in step 3 hit the demo's own ndj-post mid-way (it never touches
# other ndj-post processes on the machine).
echo "$out" | awk '/ndj-post killed with SIGKILL after/ { if ($6 + 0 < $8 + 0) ok = 1 } END { exit !ok }'
