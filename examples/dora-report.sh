#!/usr/bin/env bash
# A quarterly DORA report page to share: one self-contained HTML file (no
# network), weekly trends with goal lines, one small chart per team, the
# regression alerts of the last week. Without event files, it reports on
# deterministic demo data (examples/dora-demo-events.py).
#   examples/dora-report.sh report.html [events.ndjson...]
set -euo pipefail
for t in ndj-dora; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" >&2; exit 2; }
done
out=${1:?usage: dora-report.sh OUT.html [EVENTS...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
report() {
  ndj-dora --since "${NDJ_SINCE:-2026-01-05T00:00:00Z}" --until "${NDJ_UNTIL:-2026-04-06T00:00:00Z}" \
    --bucket week --group-by team \
    --goal 'lead_time<=24h' --goal 'change_failure_rate<=10%' --goal 'deployment_frequency>=1' \
    --tag repo=acme/shop --format html -o "$out" "$@"
}
if [ $# -gt 0 ]; then
  report "$@"
else
  python3 "$here/dora-demo-events.py" | report
fi
# NDJ_SCREENSHOT=PNG: also a picture of the page (headless Chromium, no
# network), as in docs/dora-report.png.
if [ -n "${NDJ_SCREENSHOT:-}" ]; then
  profile=$(mktemp -d)
  trap 'rm -rf "$profile"' EXIT
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
    --screenshot="$NDJ_SCREENSHOT" --window-size="${NDJ_SCREENSHOT_SIZE:-1200,1720}" \
    "file://$(cd "$(dirname "$out")" && pwd)/$(basename "$out")" 2>/dev/null
fi
