#!/usr/bin/env bash
# Per-tool summary, as the agent runtime's METRICS.json ToolMetric: calls,
# success rate, total and average duration, plus p90; slowest tools first.
# Usage: examples/stats-tools.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PATH="$(cd "${1:-$here/../build}" && pwd):$PATH"
"$here/../bench/gen" --records 20000 --seed 7 | grep '"type":"tool_call"' |
  ndj-stats -g tool -f table --sort p90:duration_ms \
    -a count,rate:success,sum:duration_ms,mean:duration_ms,p90:duration_ms
