#!/usr/bin/env bash
# Per-tool summary, as the agent runtime's METRICS.json ToolMetric: calls,
# success rate, total and average duration, plus p90; slowest tools first.
# Usage: examples/stats-tools.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bindir=${1:-$here/../build}
[ -d "$bindir" ] && PATH="$(cd "$bindir" && pwd):$PATH"
for t in ndj-stats; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t not found in $bindir or on PATH: run 'make' first, or give the build directory" >&2; exit 2; }
done
"$here/../bench/gen" --records 20000 --seed 7 | grep '"type":"tool_call"' |
  ndj-stats -g tool -f table --sort p90:duration_ms \
    -a count,rate:success,sum:duration_ms,mean:duration_ms,p90:duration_ms
