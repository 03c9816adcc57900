#!/usr/bin/env bash
# Export events as OpenTelemetry logs (OTLP/HTTP JSON) through ndj-post:
# ndj-batch groups records, jq shapes each batch as an ExportLogsServiceRequest
# (marks pass through untouched), ndj-post ships and commits.
#   examples/otel-export.sh LOGDIR CURSOR http://collector:4318/v1/logs
set -euo pipefail
for t in ndj-tail ndj-batch ndj-post; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" >&2; exit 2; }
done
logs=$1 cursor=$2 url=$3
ndj-tail --cursor "$cursor" "$logs" \
  | ndj-batch -n 500 \
  | jq -c 'if type == "array" then
      {resourceLogs: [{
        resource: {attributes: [{key: "service.name", value: {stringValue: "ndj"}}]},
        scopeLogs: [{scope: {name: "ndj"}, logRecords: map({
          timeUnixNano: ((.ts // .time) as $t
                         | if $t then ($t | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) * 1000000000 | tostring
                           else "0" end),
          severityText: (if .success == false or .status == "failure" then "ERROR" else "INFO" end),
          body: {stringValue: (.message // .type // "")},
          attributes: [to_entries[] | select(.value | type == "string" or type == "number" or type == "boolean")
                       | {key, value: (if (.value | type) == "string" then {stringValue: .value}
                                       elif (.value | type) == "boolean" then {boolValue: .value}
                                       else {doubleValue: .value} end)}]})}]}]}
    else . end' \
  | ndj-post --cursor "$cursor" "$url"
