#!/usr/bin/env bash
# /dev/full as standard output, for every tool and output mode: a full
# disk is "writing output failed: No space left on device" and exit 1,
# whether the first write fails mid-stream (3 MB of output, more than one
# buffer) or only at the final flush (one small record), from a file or a
# pipe.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
failed=0
fail() { echo "FAIL $*"; failed=1; }

for i in $(seq 1 12000); do
  printf '{"ts":"2026-01-0%dT00:00:00Z","type":"deployment","id":"d%d","time":"2026-01-0%dT00:00:00Z","service":"s%d","environment":"production","status":"success","changes":[],"pad":"%0150d"}\n' \
    $((i % 9 + 1)) "$i" $((i % 9 + 1)) $((i % 7)) 0
done >big.ndjson
head -1 big.ndjson >small.ndjson

check() {  # check LABEL CMD...: stdout is /dev/full, stdin is $input
  local label=$1 status=0
  shift
  "$@" <"$input" >/dev/full 2>err || status=$?
  if [ $status = 1 ] && grep -q ': writing output failed: No space left on device$' err; then
    echo "ok: $label"
  else
    fail "$label: exit $status: $(head -c 300 err)"
  fi
}

for size in big small; do
  input=$size.ndjson
  check "ndj-batch ($size)" ndj-batch -n 100
  check "ndj-redact ($size)" ndj-redact --mask all
  check "ndj-post --dry-run ($size)" ndj-post --dry-run http://127.0.0.1:9/
  check "ndj-prune ($size)" ndj-prune --older-than 30d --now 2026-01-10T00:00:00Z
  check "ndj-prune --dry-run ($size)" ndj-prune --dry-run --older-than 1d --now 2026-01-10T00:00:00Z
  check "ndj-dora ($size)" ndj-dora --since 2025-12-01T00:00:00Z --until 2026-02-01T00:00:00Z
  check "ndj-dora --format table ($size)" ndj-dora --format table --since 2025-12-01T00:00:00Z --until 2026-02-01T00:00:00Z
  check "ndj-dora --format prom ($size)" ndj-dora --format prom --since 2025-12-01T00:00:00Z --until 2026-02-01T00:00:00Z
  check "ndj-stats ($size)" ndj-stats --group-by service
  check "ndj-stats --format table ($size)" ndj-stats --group-by service --format table
  check "ndj-stats --format csv ($size)" ndj-stats --group-by service --format csv
  check "ndj-emit --stdin ($size)" ndj-emit --stdin
  check "ndj-flow --format table ($size)" ndj-flow --as-of 2026-01-10T00:00:00Z --format table
  check "ndj-tail ($size)" ndj-tail "$size.ndjson"
  check "ndj-tail -f ($size)" ndj-tail -f --exit-idle 300ms "$size.ndjson"
  # The same input through a pipe: output is flushed while waiting on input.
  check "cat | ndj-batch ($size)" bash -c "cat $size.ndjson | ndj-batch -n 100"
  check "cat | ndj-redact ($size)" bash -c "cat $size.ndjson | ndj-redact --mask all"
done
input=/dev/null
check "ndj-emit" ndj-emit x=1

# The write fails while the tool waits on a slow pipe (the output is
# flushed then): that is an output error, reported once, not a read error
# of the pipe after which the next file would be read (and fail again).
for tool in "ndj-redact --threads 2 --hash message" "ndj-batch -n 10 --linger 50ms"; do
  status=0
  # shellcheck disable=SC2086
  $tool <(head -3 big.ndjson; sleep 0.5; head -3 big.ndjson) small.ndjson >/dev/full 2>err || status=$?
  if [ $status = 1 ] && [ "$(wc -l <err)" = 1 ] && grep -q ': writing output failed: No space left on device$' err; then
    echo "ok: ${tool%% *}: slow pipe then a file"
  else
    fail "${tool%% *}: slow pipe then a file: exit $status: $(head -c 300 err)"
  fi
done
exit $failed
