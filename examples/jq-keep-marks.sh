#!/usr/bin/env bash
# jq in the middle of a shipping pipeline: a jq filter that drops or
# rewrites records must let checkpoint marks through, or the next run
# resends everything since the old cursor (duplicates, never loss).
#   examples/jq-keep-marks.sh LOGDIR CURSOR URL
set -euo pipefail
for t in ndj-tail ndj-batch ndj-post; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" >&2; exit 2; }
done
logs=$1 cursor=$2 url=$3
ndj-tail --cursor "$cursor" "$logs" \
  | jq -c 'if has("ndj_mark") then . else select(.type != "debug") | del(.stack) end' \
  | ndj-batch -n 500 \
  | ndj-post --cursor "$cursor" "$url"
