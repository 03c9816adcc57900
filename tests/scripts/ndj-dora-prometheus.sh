#!/usr/bin/env bash
# ndj-dora --format prom -o DIR/ndj_dora.prom, really scraped: Debian's
# prometheus-node-exporter reads DIR with its textfile collector, a
# prometheus server scrapes the exporter every second, and PromQL queries
# over the HTTP API return ndj-dora's figures (the values of its JSON
# report in base units, per group); a second report written over the file
# is what the next scrape sees, and the collector never saw a broken file.
# Everything on 127.0.0.1, on free ports, killed on exit.
set -eu
. "$TESTS_DIR/check.bash"
fail=0
for tool in prometheus prometheus-node-exporter curl jq python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (make deps)"; exit 77; }
done
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

in="$TESTS_DIR/cases/ndj-dora/0017-regressions/in"
args=(--until 2026-03-29T00:00:00Z --days 28 --group-by team)
mkdir "$dir/textfiles"
ndj-dora "${args[@]}" --format prom -o "$dir/textfiles/ndj_dora.prom" "$in"
ndj-dora "${args[@]}" --format json "$in" >"$dir/report.json"

exporter_port=$(free_port)
prometheus-node-exporter --collector.disable-defaults --collector.textfile \
  --collector.textfile.directory="$dir/textfiles" --web.listen-address="127.0.0.1:$exporter_port" \
  >"$dir/exporter.log" 2>&1 &
pids+=($!)

prom_port=$(free_port)
cat >"$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: ndj
    static_configs:
      - targets: ['127.0.0.1:$exporter_port']
EOF
prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
  --web.listen-address="127.0.0.1:$prom_port" >"$dir/prometheus.log" 2>&1 &
pids+=($!)

# Queries ask for the latest sample of the last hour, evaluated half an
# hour ahead: the answer does not depend on the clock of the test's
# machine agreeing to the second with the scrapes' timestamps.
query() {  # query SELECTOR: the API's JSON answer for its latest samples
  curl -sS --max-time 5 -G "http://127.0.0.1:$prom_port/api/v1/query" \
    --data-urlencode "query=last_over_time($1[1h])" --data-urlencode "time=$(($(date +%s) + 1800))"
}
wait_for() {  # wait_for SELECTOR JQ-TEST: until the answer passes the test (60 s)
  for _ in $(seq 1 120); do
    # jq 1.6 -e passes empty input (no server yet): an answer must come.
    local answer
    answer=$(query "$1" 2>/dev/null) || answer=
    if [ -n "$answer" ] && jq -e "$2" <<<"$answer" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "FAIL: no answer to $1 passing $2: $(query "$1" 2>&1)"
  tail -5 "$dir/exporter.log" "$dir/prometheus.log"
  return 1
}
wait_for 'up{job="ndj"}' '.data.result[0].value[1] == "1"' || exit 1
wait_for 'ndj_dora_lead_time_seconds' '.data.result | length > 0' || exit 1
check "the collector read the file without error" 0 \
  "$(query 'node_textfile_scrape_error{job="ndj"}' | jq -r '.data.result[0].value[1]')"

# Every metric's value for every group, from PromQL and from the JSON report.
for name in $(ndj-dora --format prom "${args[@]}" "$in" | sed -n 's/^# TYPE \(ndj_dora_[a-z_]*\) gauge$/\1/p'); do
  query "$name" | jq -c --arg name "$name" '.data.result[] | [$name, (.metric.team // ""), (.value[1] | tonumber)]'
done | sort >"$dir/from-prometheus"
python3 - "$dir/report.json" "$dir/from-prometheus" <<'PY' || fail=1
import json, sys
# Units of the JSON report to the base units of the prom families.
scale = {"per_day": 1 / 86400, "hours": 3600, "percent": 0.01}
prom = {"deployment_frequency": "deployment_frequency_per_second", "lead_time": "lead_time_seconds",
        "change_failure_rate": "change_failure_ratio", "rework_rate": "rework_ratio",
        "failed_deployment_recovery_time": "failed_deployment_recovery_time_seconds",
        "time_to_restore": "time_to_restore_seconds"}
report = json.load(open(sys.argv[1]))
want = {}
for row in report["rows"]:
    team = row["group"].get("team", "")
    for metric, m in row["metrics"].items():
        if m["value"] is not None:
            want[("ndj_dora_" + prom[metric], team)] = (m["value"] * scale[m["unit"]], 0.5e-6 * scale[m["unit"]])
        want[("ndj_dora_%s_samples" % metric, team)] = (m["n"], 0)
        if m["value"] is not None:
            want[("ndj_dora_%s_low_n" % metric, team)] = (1 if m.get("low_n") else 0, 0)
got = {}
for line in open(sys.argv[2]):
    name, team, value = json.loads(line)
    got[(name, team)] = value
missing = set(want) - set(got)
extra = set(got) - set(want)
bad = [(k, want[k][0], got[k]) for k in want if k in got and abs(got[k] - want[k][0]) > want[k][1] + 1e-9 * abs(want[k][0])]
if missing or extra or bad:
    sys.exit(f"missing {sorted(missing)}\nextra {sorted(extra)}\ndiffer {bad}")
print(f"ok: PromQL returns the {len(want)} figures of the JSON report")
PY

# A new report replaces the file whole; the next scrapes see its numbers.
before=$(query 'ndj_dora_deployment_frequency_samples{team=""}' | jq -r '.data.result[0].value[1]')
ndj-dora --until 2026-03-29T00:00:00Z --days 7 --group-by team --format prom -o "$dir/textfiles/ndj_dora.prom" "$in"
after=$(ndj-dora --until 2026-03-29T00:00:00Z --days 7 --format json "$in" | jq -r '.rows[0].metrics.deployment_frequency.n')
[ "$before" != "$after" ] || { echo "FAIL: the two windows have the same count"; fail=1; }
wait_for 'ndj_dora_deployment_frequency_samples{team=""}' ".data.result[0].value[1] == \"$after\"" || fail=1
check "no scrape error after the replacement" 0 \
  "$(curl -sS --max-time 5 -G "http://127.0.0.1:$prom_port/api/v1/query" \
       --data-urlencode 'query=max_over_time(node_textfile_scrape_error{job="ndj"}[1h])' \
       --data-urlencode "time=$(($(date +%s) + 1800))" | jq -r '.data.result[0].value[1]')"
exit $fail
