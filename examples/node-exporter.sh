#!/usr/bin/env bash
# node_exporter textfile collector: run from cron (e.g. every 15 minutes);
# -o replaces the .prom file atomically, so the collector never reads half
# of it. Start node_exporter with --collector.textfile.directory=DIR.
#   TEXTFILE_DIR=/var/lib/node_exporter/textfile_collector examples/node-exporter.sh events.ndjson...
set -euo pipefail
for t in ndj-dora; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" >&2; exit 2; }
done
dir=${TEXTFILE_DIR:-/var/lib/node_exporter/textfile_collector}
ndj-dora --days "${NDJ_DAYS:-30}" --group-by "${NDJ_GROUP_BY:-team}" --format prom \
  -o "$dir/ndj_dora.prom" "$@"
