#!/usr/bin/env bash
# A quarterly DORA report page to share: one self-contained HTML file (no
# network), weekly trends with goal lines, one small chart per team, the
# regression alerts of the last week. Without event files, it reports on
# deterministic demo data (examples/dora-demo-events.py).
#   examples/dora-report.sh report.html [events.ndjson...]
set -euo pipefail
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
