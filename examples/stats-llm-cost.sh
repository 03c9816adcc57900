#!/usr/bin/env bash
# LLM tokens and cost per workflow phase (the runtime's LLMMetric), then
# the same per model as CSV for a spreadsheet.
# Usage: examples/stats-llm-cost.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bindir=${1:-$here/../build}
[ -d "$bindir" ] && PATH="$(cd "$bindir" && pwd):$PATH"
for t in ndj-stats; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t not found in $bindir or on PATH: run 'make' first, or give the build directory" >&2; exit 2; }
done
llm=$(mktemp)
trap 'rm -f "$llm"' EXIT
"$here/../bench/gen" --records 20000 --seed 7 | grep '"type":"llm"' >"$llm"
ndj-stats -g phase -f table --sort cost_usd_sum \
  -a count,sum:tokens_in,sum:tokens_out,sum:cost_usd,mean:cost_usd "$llm"
echo
ndj-stats -g model -f csv -a count,sum:cost_usd,p50:tokens_in "$llm"
