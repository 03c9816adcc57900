#!/usr/bin/env bash
# Cron job: drain the logs (no -f: read to the end and stop), redact, batch
# and ship them, then prune what was shipped and is older than the
# retention. Safe to run every few minutes; a run that is killed or fails
# resends from the last acknowledged record next time.
#
#   NDJ_LOGS=/var/log/app NDJ_STATE=/var/lib/ndj NDJ_URL=https://cp.example/api/v1/telemetry \
#   NDJ_TOKEN_FILE=/etc/ndj/token examples/ship-and-prune.sh
set -euo pipefail
for t in ndj-tail ndj-redact ndj-batch ndj-post ndj-prune; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" >&2; exit 2; }
done
: "${NDJ_LOGS:?directory of *.ndjson logs}" "${NDJ_STATE:?state directory}" "${NDJ_URL:?endpoint}"
: "${NDJ_TOKEN_FILE:?file holding the bearer token}"
retention=${NDJ_RETENTION:-90d}
mkdir -p "$NDJ_STATE"
cursor="$NDJ_STATE/cursor.json"

# One run at a time: cron may start the next before this one ends.
exec 9>"$NDJ_STATE/ship.lock"
flock -n 9 || { echo "ship-and-prune: another run is in progress" >&2; exit 0; }

set +e
ndj-tail --cursor "$cursor" "$NDJ_LOGS" \
  | ndj-redact --hash message --hash stack --mask all \
  | ndj-batch -n 1000 --max-bytes 1M \
  | ndj-post --cursor "$cursor" --token-file "$NDJ_TOKEN_FILE" \
      --status "$NDJ_STATE/sync.json" --dead-letter "$NDJ_STATE/dead.ndjson" \
      --retry-for "${NDJ_RETRY_FOR:-5m}" "$NDJ_URL"
status=("${PIPESTATUS[@]}")
set -e
post=${status[3]}
if [ "$post" -ne 0 ] && [ "$post" -ne 65 ]; then
  echo "ship-and-prune: shipping failed (ndj-post exit $post); nothing pruned" >&2
  exit "$post"
fi
# Only records before the committed cursor can go: unshipped data stays.
ndj-prune -i --cursor "$cursor" --older-than "$retention" "$NDJ_LOGS"
