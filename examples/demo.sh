#!/usr/bin/env bash
# make demo: a real end-to-end run on generated example data. It emits
# events, computes DORA metrics, then redacts, batches and ships the logs to
# a local receiver on 127.0.0.1 that injects faults, kills the shipper
# half-way with SIGKILL, restarts it, and shows that nothing was lost. At
# the end it prints the commands it ran and what to type next.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
export PATH="$build:$PATH" LC_ALL=C TZ=UTC
work=$(mktemp -d /tmp/ndj-demo.XXXXXX)
rpid=
# The files stay for a look afterwards (the summary says where).
cleanup() { [ -n "$rpid" ] && kill "$rpid" 2>/dev/null; true; }
trap cleanup EXIT
cd "$work"

say() { printf '\n\033[1m== %s\033[0m\n' "$*" | { if [ -t 1 ]; then cat; else sed 's/\x1b\[[0-9;]*m//g'; fi; }; }
# A spinner on stderr while a background job runs, when stderr is a terminal.
wait_with_progress() {
  local pid=$1 label=$2 i=0 marks='|/-\'
  while kill -0 "$pid" 2>/dev/null; do
    [ -t 2 ] && printf '\r  %s %s' "${marks:i++%4:1}" "$label" >&2
    sleep 0.2
  done
  [ -t 2 ] && printf '\r%*s\r' $((${#label} + 4)) '' >&2
  wait "$pid"
}
received_records() {  # unique and total records the receiver accepted
  jq -c '.[]' "$work/received" 2>/dev/null | sort | uniq -c | awk '{u++; t+=$1} END {print u+0, t+0}'
}
stored_bodies() { curl -s "$url_base/_stats" | jq -r '.stored // 0' 2>/dev/null || echo 0; }

mkdir -p "$work/logs"
say "1. Emit events"
# A month of delivery history (deployments, changes, incidents) and a busy
# stream of tool-call, LLM and gate telemetry with secrets in free text.
"$here/bench/gen" --kind dora --records 3000 --start 2026-10-01T00:00:00Z --days 30 --seed 7 \
  >"$work/logs/delivery.ndjson"
"$here/bench/gen" --records 60000 --start 2026-10-01T00:00:00Z --days 30 --seed 8 >"$work/logs/app.ndjson"
emit_cmd='for i in 1 2 3; do ndj-emit -o logs/hooks.ndjson type=gate gate=lint passed:=true duration_ms:=$((i * 150)) message="run $i by alice@example.com"; done'
eval "$emit_cmd"
printf '  %s lines in %s files, %s MB\n' "$(cat "$work"/logs/*.ndjson | wc -l)" \
  "$(ls "$work/logs" | wc -l)" "$(du -m "$work/logs" | cut -f1)"

say "2. DORA metrics per team (October 2026)"
# Each command shown in the summary is the very text that ran.
dora_cmd='ndj-dora --since 2026-10-01T00:00:00Z --until 2026-10-31T00:00:00Z --group-by team --format table <logs/delivery.ndjson'
eval "$dora_cmd"

say "3. Ship: ndj-tail | ndj-redact | ndj-batch | ndj-post, through injected faults"
printf 'demo-token-%s\n' "$RANDOM$RANDOM" >"$work/token"
chmod 600 "$work/token"
python3 "$here/tests/receiver.py" --port-file "$work/port" --out "$work/received" \
  --token-file "$work/token" --fault-rate 0.15 --seed 3 --delay 0.1 >/dev/null 2>"$work/receiver.log" &
rpid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
url_base="http://127.0.0.1:$(cat "$work/port")"
url="$url_base/api/v1/telemetry"
total=$(cat "$work"/logs/*.ndjson | wc -l)
ship_cmd='ndj-tail --cursor cursor.json logs
  | ndj-redact --hash message --hash stack --mask all
  | ndj-batch -n 1000
  | ndj-post --cursor cursor.json --token-file token -j 4 --backoff 50ms --max-backoff 1s "$url"'
ship() { eval "${ship_cmd//$'\n'/ }"; }
ship 2>"$work/ship1.log" &
ship_pid=$!
# Kill the shipper once about a third of the ~65 batches was acknowledged.
while kill -0 $ship_pid 2>/dev/null; do
  [ "$(stored_bodies)" -ge 20 ] && break
  sleep 0.05
done
# Only this demo's ndj-post (a child of the shipping subshell): never a
# real shipper that may be running on the machine.
pkill -KILL -x -P "$ship_pid" ndj-post || true
wait $ship_pid 2>/dev/null || true
read -r unique copies < <(received_records)
printf '  ndj-post killed with SIGKILL after %s of %s records were received\n' "$unique" "$total"
printf '  cursor committed: %s\n' "$(jq -c '[.files[] | {file: (.path | split("/") | last), offset}]' "$work/cursor.json" 2>/dev/null || echo none)"

say "4. Restart: resume from the cursor"
ship 2>"$work/ship2.log" &
wait_with_progress $! "shipping the rest"
read -r unique copies < <(received_records)
requests=$(curl -s "$url_base/_stats" | jq -r '.requests // empty' 2>/dev/null || true)
printf '  records written: %s\n  records received: %s unique (%s with duplicates: %s resent after the kill)\n' \
  "$total" "$unique" "$copies" $((copies - unique))
[ -n "$requests" ] && printf '  requests answered by the receiver, faults included: %s\n' "$requests"
leaks=$(grep -Eoc '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}' "$work/received" || true)
printf '  e-mail addresses in what left the machine: %s\n' "$leaks"
if [ "$unique" -ne "$total" ] || [ "$leaks" -ne 0 ]; then
  say "Something went wrong: see $work"
  exit 1
fi
say "Nothing lost, nothing leaked."

say "What ran (in $work)"
printf '  %s\n' "$emit_cmd" "$dora_cmd"
printf '%s\n' "${ship_cmd//\"\$url\"/$url}" | sed 's/^/  /'
echo "  (ndj-post killed with SIGKILL half-way, then the same pipeline again)"
say "Next"
cat <<EOF
  The tools are built in $build:
    export PATH=$build:\$PATH
  Install them with their man pages and shell completions:
    sudo make install            # or: make install PREFIX=~/.local
  Read about them:
    man ndj                      # the family; then man ndj-tail, man ndj-dora, ...
  More to run: examples/ (examples/git-dora.sh: the DORA metrics of a git repository)
  The demo's logs, cursor and what the receiver got: $work
EOF
