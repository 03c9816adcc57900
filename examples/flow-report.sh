#!/usr/bin/env bash
# Reference 000's flow:report as one page to share: WIP per lane against
# its limit, blocked and stale work units, the critical path, cycle time,
# throughput with the cumulative flow, the forecast, gate pass rates and
# ndj-dora's headline, in one self-contained HTML file (no network).
# Without files it reports on a generated board in reference 000's
# flow.log format (bench/gen-flow: wu:create, wu:claim, wu:prep, wu:block,
# wu:unblock, wu:done and gate runs) and on the DORA demo events
# (examples/dora-demo-events.py).
#   examples/flow-report.sh report.html [flow.log gates.ndjson...]
set -euo pipefail
for t in ndj-flow ndj-dora; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" >&2; exit 2; }
done
out=${1:?usage: flow-report.sh OUT.html [FLOW-LOG...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
as_of=${NDJ_AS_OF:-2026-04-06T00:00:00Z}
python3 "$here/dora-demo-events.py" >"$work/dora.ndjson"
if [ $# -eq 0 ]; then
  python3 "$here/../bench/gen-flow" --wus 1200 --events 9000 --days 120 --end "$as_of" --gates-per-day 12 \
    >"$work/flow.log"
  set -- "$work/flow.log"
fi
ndj-flow --as-of "$as_of" --days 28 -r report -f html -o "$out" \
  --wip-limit '*=6' --wip-limit 'Content: Site=5' --dora "$work/dora.ndjson" "$@"
# NDJ_SCREENSHOT=PNG: also a picture of the page (headless Chromium, no
# network), as in docs/flow-report.png.
if [ -n "${NDJ_SCREENSHOT:-}" ]; then
  mkdir -p "$work/profile"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile" \
    --screenshot="$NDJ_SCREENSHOT" --window-size="${NDJ_SCREENSHOT_SIZE:-1200,1720}" \
    "file://$(cd "$(dirname "$out")" && pwd)/$(basename "$out")" 2>/dev/null
fi
