#!/usr/bin/env bash
# Export events as OpenTelemetry logs or traces (OTLP/HTTP JSON): ndj-otlp
# makes one request body per line (marks follow the bodies holding the
# records before them), ndj-post ships, counts OTLP's partialSuccess and
# commits the cursor.
#   examples/otel-export.sh LOGDIR CURSOR http://collector:4318/v1/logs [logs]
#   examples/otel-export.sh LOGDIR CURSOR http://collector:4318/v1/traces traces
set -euo pipefail
for t in ndj-tail ndj-otlp ndj-post; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" >&2; exit 2; }
done
logs=$1 cursor=$2 url=$3 signal=${4:-logs}
ndj-tail --cursor "$cursor" "$logs" \
  | ndj-otlp --signal "$signal" -n 500 \
  | ndj-post --otlp --cursor "$cursor" "$url"
