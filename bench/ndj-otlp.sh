#!/usr/bin/env bash
# ndj-otlp against jq: realistic telemetry to OTLP/HTTP JSON bodies. Traces:
# every record with a duration (gate, tool_call, deployment: about 58%) a
# span; logs: every record a LogRecord, against the jq script that
# examples/otel-export.sh used to be (1000 records a body; jq makes no ids).
. "$(dirname "$0")/lib.sh"
bench_require jq ndj-otlp ndj-batch || exit 0
size=${BENCH_SIZE:-1G}
bench_header "ndj-otlp: records to OTLP/HTTP JSON bodies ($size of mixed telemetry)"
data=$(bench_data "mixed-$size" --bytes "$size")
small=$(bench_data mixed-100M --bytes 100M)
traces="ndj-otlp --signal traces --event-field type --duration-field duration_ms --duration-unit ms"

bench_run "cat | cat (pipe ceiling)" "$data" "cat" "cat"
bench_run "ndj-otlp --signal traces" "$data" "$traces"
bench_run "cat | ndj-otlp --signal traces | cat" "$data" "cat" "$traces" "cat"
bench_run "ndj-otlp --signal logs" "$data" "ndj-otlp --signal logs"
bench_run "ndj-batch | jq (logs), 100M" "$small" "ndj-batch -n 1000" \
  "jq -c '{resourceLogs: [{resource: {attributes: [{key: \"service.name\", value: {stringValue: \"ndj\"}}]},
    scopeLogs: [{scope: {name: \"ndj\"}, logRecords: map({
      timeUnixNano: (.ts | sub(\"\\\\.[0-9]+Z$\"; \"Z\") | fromdateiso8601 * 1000000000 | tostring),
      body: {stringValue: (.message // \"\")},
      attributes: [to_entries[] | select(.value | type == \"string\" or type == \"number\" or type == \"boolean\")
        | {key, value: (if (.value | type) == \"string\" then {stringValue: .value}
                        elif (.value | type) == \"boolean\" then {boolValue: .value}
                        else {doubleValue: .value} end)}]})}]}]}'"
bench_run "ndj-otlp --signal logs, 100M" "$small" "ndj-otlp --signal logs"
bench_ratio "ndj-otlp logs / ndj-batch | jq" "ndj-otlp --signal logs, 100M" "ndj-batch | jq (logs), 100M"
bench_ratio "ndj-otlp traces in a pipe / cat | cat" "cat | ndj-otlp --signal traces | cat" "cat | cat (pipe ceiling)"
