#!/usr/bin/env bash
# Runs the examples/ scripts for real, with the network parts pointed at the
# local receiver: cron ship-and-prune, the CI DORA snapshot, jq keeping
# marks, the OpenTelemetry export, and the systemd units' ExecStart.
set -eu
source "$TESTS_DIR/receiver.bash"
ex=$(cd "$TESTS_DIR/../examples" && pwd)
dir=$(mktemp -d)
trap 'stop_receiver; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ids() { jq -r '.[].id' "$dir/received" | sort -u; }

# Logs: records with ids, e-mails in free text, some debug records.
mkdir -p "$dir/logs"
for i in $(seq 1 300); do
  type=tool_call
  [ $((i % 10)) = 0 ] && type=debug
  printf '{"ts":"2026-11-20T10:%02d:%02dZ","id":"r%d","type":"%s","message":"run %d by bob%d@example.com","stack":"at x"}\n' \
    $((i / 60)) $((i % 60)) "$i" "$type" "$i" "$i"
done >"$dir/logs/app.ndjson"
printf 'tok-%s\n' "$RANDOM" >"$dir/token"

# 1. Cron: ship everything, then prune it (retention 0s: all shipped records go).
start_receiver "$dir" --token-file "$dir/token" --fault-rate 0.2 --seed 5
NDJ_LOGS="$dir/logs" NDJ_STATE="$dir/state" NDJ_URL="$URL" NDJ_TOKEN_FILE="$dir/token" \
  NDJ_RETENTION=0s "$ex/ship-and-prune.sh" 2>"$dir/err" || { cat "$dir/err"; fail "ship-and-prune exited $?"; }
[ "$(ids | wc -l)" = 300 ] || fail "ship-and-prune: $(ids | wc -l) of 300 records received"
grep -q '@example.com' "$dir/received" && fail "an e-mail left the machine"
[ ! -e "$dir/logs/app.ndjson" ] || [ ! -s "$dir/logs/app.ndjson" ] || fail "shipped records were not pruned"
[ "$(stat -c %a "$dir/state/cursor.json")" = 600 ] || fail "cursor mode"
echo "ship-and-prune: 300 records shipped through 20% faults, none in clear, then pruned"
stop_receiver || true
rm -f "$dir/received"

# 2. jq in the middle keeps the marks: the cursor reaches the end, debug
#    records are not shipped.
for i in $(seq 1 50); do
  printf '{"ts":"2026-11-20T11:00:%02dZ","id":"j%d","type":"%s"}\n' "$i" "$i" "$([ $((i % 5)) = 0 ] && echo debug || echo x)"
done \
  >"$dir/logs/jq.ndjson"
start_receiver "$dir"
"$ex/jq-keep-marks.sh" "$dir/logs" "$dir/jq-cursor.json" "$URL" 2>"$dir/err" || { cat "$dir/err"; fail "jq example"; }
[ "$(ids | wc -l)" = 40 ] || fail "jq example shipped $(ids | wc -l) records, expected 40"
offset=$(jq -r --arg p "$dir/logs/jq.ndjson" '.files[] | select(.path == $p) | .offset' "$dir/jq-cursor.json")
[ "$offset" = "$(stat -c %s "$dir/logs/jq.ndjson")" ] || fail "marks lost in jq: cursor at $offset"
echo "jq-keep-marks: 40 of 50 records shipped, cursor at the end of the file"
stop_receiver || true
rm -f "$dir/received"

# 3. OpenTelemetry export: ndj-otlp's ExportLogsServiceRequest bodies.
start_receiver "$dir"
"$ex/otel-export.sh" "$dir/logs" "$dir/otel-cursor.json" "$URL" 2>"$dir/err" || { cat "$dir/err"; fail "otel example"; }
n=$(jq -s '[.[].resourceLogs[].scopeLogs[].logRecords[]] | length' "$dir/received")
[ "$n" = 50 ] || fail "otel export: $n log records, expected 50"
[ "$(cursor_offset "$dir/otel-cursor.json" "$dir/logs/jq.ndjson")" = "$(stat -c %s "$dir/logs/jq.ndjson")" ] ||
  fail "otel export: the cursor did not reach the end"
echo "otel-export: 50 log records in OTLP JSON, cursor at the end"
stop_receiver || true
rm -f "$dir/received"

# 4. CI snapshot on a small repository with fixed dates.
repo="$dir/repo"
git init -q -b main "$repo"
git -C "$repo" remote add origin https://github.com/acme/shop.git
for d in 01 02 03 05 08; do
  GIT_AUTHOR_DATE="2026-11-${d}T10:00:00Z" GIT_COMMITTER_DATE="2026-11-${d}T12:00:00Z" \
    git -C "$repo" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m "change $d"
done
start_receiver "$dir" --token-file "$dir/token"
NDJ_TOKEN=$(cat "$dir/token") NDJ_URL="$URL" NDJ_UNTIL=2026-11-10T00:00:00Z NDJ_DAYS=10 \
  "$ex/ci/dora-snapshot.sh" "$repo" >"$dir/table" 2>"$dir/err" || { cat "$dir/err"; fail "dora snapshot"; }
grep -q "deployment frequency" "$dir/table" || fail "no table in the job log"
jq -e '[.[] | select(.metric == "deployment_frequency" and .tags.repo != null)] | length == 1' \
  "$dir/received" >/dev/null || fail "snapshot records not shipped with tags"
[ "$(jq length "$dir/received")" = 5 ] || fail "a snapshot is five records"
echo "ci/dora-snapshot: table printed, $(jq length "$dir/received") metric records shipped"
stop_receiver || true

# 5. node_exporter textfile: a complete exposition file, written atomically.
"$TESTS_DIR/../bench/gen" --kind dora --records 400 --start 2026-11-01T00:00:00Z --days 9 >"$dir/dora.ndjson"
mkdir -p "$dir/textfile"
TEXTFILE_DIR="$dir/textfile" "$ex/node-exporter.sh" --until 2026-11-10T00:00:00Z "$dir/dora.ndjson" \
  || fail "node-exporter example"
grep -q '^# TYPE ndj_dora_lead_time_seconds gauge' "$dir/textfile/ndj_dora.prom" || fail "no lead_time gauge"
grep -q '^ndj_dora_deployment_frequency_per_second{team="' "$dir/textfile/ndj_dora.prom" || fail "no per-team series"
[ "$(ls "$dir/textfile")" = ndj_dora.prom ] || fail "temp files left in the textfile directory"
echo "node-exporter: $(grep -vc '^#' "$dir/textfile/ndj_dora.prom") samples in ndj_dora.prom"

# 6. Org-wide DORA: three repositories' partials in parallel, one merge;
#    the report is the one run over all their records gives.
(
  cd "$dir"
  . "$TESTS_DIR/scripts/ndj-git-repo.bash"
  for r in shop api web; do
    (
      repo "repos/$r"
      commit "c1-$r" "01-05 09:00" "01-05 10:00" "first"
      commit "bad-$r" "01-06 09:00" "01-06 10:00" "risky"
      revert "r1-$r" "bad-$r" "01-06 12:00"
      commit "c2-$r" "01-0$((${#r} + 4)) 10:00" "01-0$((${#r} + 4)) 14:00" "more"
    )
  done
)
for format in csv html; do
  NDJ_UNTIL=2026-01-10 NDJ_DAYS=9 NDJ_FORMAT=$format NDJ_JOBS=3 "$ex/org-dora.sh" "$dir/org" \
    "$dir/repos/shop" "$dir/repos/api" "$dir/repos/web" 2>/dev/null || fail "org-dora example"
  for r in shop api web; do ndj-git --service "$r" "$dir/repos/$r"; done |
    ndj-dora --days 9 --until 2026-01-10 --group-by service --format "$format" >"$dir/org-single.$format"
  cmp -s "$dir/org/dora.$format" "$dir/org-single.$format" || fail "org-dora: the merged $format report differs"
done
[ "$(ls "$dir/org/partials")" = "$(printf 'api.partial\nshop.partial\nweb.partial')" ] || fail "org-dora partials"
grep -q '^group,shop,' "$dir/org/dora.csv" || fail "org-dora: no group of the shop repository"
echo "org-dora: 3 repositories' partials merged into the report of one run"

# 7. The systemd service runs the cron script, which exists and runs.
exec_start=$(sed -n 's/^ExecStart=//p' "$ex/systemd/ndj-ship.service")
[ "$(basename "$exec_start")" = ship-and-prune.sh ] && [ -x "$ex/ship-and-prune.sh" ] || fail "ExecStart"
if command -v systemd-analyze >/dev/null 2>&1; then
  sed "s|^ExecStart=.*|ExecStart=$ex/ship-and-prune.sh|" "$ex/systemd/ndj-ship.service" >"$dir/ndj-ship.service"
  cp "$ex/systemd/ndj-ship.timer" "$dir/"
  systemd-analyze verify "$dir/ndj-ship.service" "$dir/ndj-ship.timer" 2>&1 | grep -v 'Failed to\|not executable' || true
fi
echo "systemd: units name the tested script"

# 8. Without the tools: one line saying how to get them, exit 2; cut short
#    by head: no traceback, no error.
bindir=$(dirname "$(command -v ndj-stats)")
set +e
err=$(PATH=/usr/bin:/bin "$ex/ship-and-prune.sh" 2>&1)
rc=$?
set -e
[ $rc = 2 ] && [ "$err" = "ship-and-prune.sh: ndj-tail is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" ] ||
  fail "ship-and-prune without the tools: exit $rc, $err"
set +e
err=$(PATH=/usr/bin:/bin "$ex/stats-tools.sh" "$dir/no-build" 2>&1)
rc=$?
set -e
[ $rc = 2 ] && [ "$err" = "stats-tools.sh: ndj-stats not found in $dir/no-build or on PATH: run 'make' first, or give the build directory" ] ||
  fail "stats-tools without the tools: exit $rc, $err"
echo "without the tools on PATH: one line saying how, exit 2"
err=$( { python3 "$ex/dora-demo-events.py" | head -1 >/dev/null; } 2>&1)
[ -z "$err" ] || fail "dora-demo-events.py | head: $err"
err=$( { "$ex/stats-tools.sh" "$bindir" | head -1 >/dev/null; } 2>&1)
[ -z "$err" ] || fail "stats-tools.sh | head: $err"
echo "piped to head: quiet"

# 9. The session's METRICS.json (reference 002) from its events, one command.
"$ex/stats-session-metrics.sh" "$bindir" >"$dir/metrics.json" 2>"$dir/err" || { cat "$dir/err"; fail "session metrics exited $?"; }
[ -s "$dir/err" ] && fail "session metrics warned: $(cat "$dir/err")"
python3 - "$dir/metrics.json" <<'PY' || fail "session metrics: not the METRICS.json shape"
import json, sys
m = json.load(open(sys.argv[1]))["abc123"]
bash = m["tool_call"]["Bash"]
assert (bash["call_count"], bash["success_count"], bash["fail_count"], bash["total_duration_ms"]) == (3, 2, 1, 45200), bash
llm = m["llm_interaction"]["execute"]
assert (llm["prompt_tokens"], llm["completion_tokens"], llm["total_tokens"], llm["cost"]) == (45000, 12000, 57000, 0.038), llm
assert "prompt_tokens" not in bash and "total_duration_ms" not in llm
PY
echo "session metrics: METRICS.json's shape"
