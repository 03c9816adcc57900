#!/usr/bin/env bash
# "Which phase is the bottleneck, and is it getting worse?": a sprint tool
# emits issue_phase events (ndj-emit, as a hook would), then ndj-stats shows
# the weekly trend of phase durations and pass rates as sparklines.
# Usage: examples/stats-weekly-trend.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bindir=${1:-$here/../build}
[ -d "$bindir" ] && PATH="$(cd "$bindir" && pwd):$PATH"
for t in ndj-emit ndj-stats; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t not found in $bindir or on PATH: run 'make' first, or give the build directory" >&2; exit 2; }
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
log="$dir/.ll/telemetry.ndjson"
# Eight weeks of issues; "implement" slows down week after week.
for i in $(seq 0 159); do
  day=$((i * 56 / 160)) issue=$(printf 'BUG-%03d' "$i")
  ts=$(date -u -d "2026-01-05 +$day days +$((i % 9)) hours" +%Y-%m-%dT%H:%M:%SZ)
  for phase in ready implement verify; do
    case $phase in
      ready) d=$((40 + i % 30)) ;;
      implement) d=$((90 + day * 3 + i % 40)) ;;
      verify) d=$((25 + i % 15)) ;;
    esac
    result=pass; [ $((i % 7)) = 0 ] && [ $phase = verify ] && result=fail
    ndj-emit -o "$log" ts="$ts" event=issue_phase tool=ll-sprint issue_id="$issue" \
      phase=$phase duration_s:=$d result=$result
  done
done
ndj-stats --bucket week -g phase -f table -a count,mean:duration_s,rate:result "$log"
