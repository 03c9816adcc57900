#!/usr/bin/env bash
# An agent session's METRICS.json (reference 002's session collector) from
# the session's own events, in one ndj-stats command: per tool calls,
# successes, failures, total and average duration; per phase LLM prompt,
# completion and total tokens and cost; phase durations. --nest writes one
# document nested by session, event and tool or phase (a field an event
# lacks adds no level); each leaf holds the aggregates with a value.
# Usage: examples/stats-session-metrics.sh [BUILD_DIR [EVENTS]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bindir=${1:-$here/../build}
events=${2:-$here/session-events.ndjson}
[ -d "$bindir" ] && PATH="$(cd "$bindir" && pwd):$PATH"
for t in ndj-stats; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t not found in $bindir or on PATH: run 'make' first, or give the build directory" >&2; exit 2; }
done
ndj-stats -f json --nest -g session_id,event,tool,phase \
  -a 'count AS call_count, count(success == true) AS success_count' \
  -a 'count(success == false) AS fail_count' \
  -a 'sum(duration_ms) AS total_duration_ms, mean(duration_ms) AS avg_duration_ms' \
  -a 'sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens' \
  -a 'sum(prompt_tokens + completion_tokens) AS total_tokens, sum(cost) AS cost' \
  "$events"
