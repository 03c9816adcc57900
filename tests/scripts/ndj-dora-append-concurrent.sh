#!/usr/bin/env bash
# ndj-dora --append and ndj-emit -o write one log at the same time: every
# line is whole and valid, and each ndj-dora report's lines stand together
# (one write under the lock ndj-emit takes), whether a five-line snapshot
# or a grouped ndjson report of about a megabyte (far beyond PIPE_BUF).
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
log="$dir/telemetry/dora.ndjson"
# A deployment and a change per group, 400 groups: 6 x 401 records a report.
python3 -c "
import json
for g in range(400):
    print(json.dumps({'type': 'deployment', 'id': f'd{g}', 'time': '2026-03-02T00:00:00Z', 'team': f't{g}', 'changes': [f'c{g}']}))
    print(json.dumps({'type': 'change', 'id': f'c{g}', 'time': '2026-03-01T00:00:00Z', 'team': f't{g}'}))
" >"$dir/events.ndjson"
# The CI's variables of the machine running the tests stay out of the tags.
unset GITHUB_REPOSITORY GITHUB_HEAD_REF GITHUB_REF_NAME GITHUB_SHA GITHUB_WORKFLOW GITHUB_RUN_ID \
  CI_PROJECT_PATH CI_COMMIT_REF_NAME CI_COMMIT_SHA CI_PIPELINE_NAME CI_PIPELINE_ID
window=(--since 2026-03-01T00:00:00Z --until 2026-03-08T00:00:00Z)

writers=4 per_writer=100 runs=3
for w in $(seq 1 $writers); do
  (for i in $(seq 1 $per_writer); do
     ndj-emit -o "$log" --timeout 30s writer:=$w seq:=$i
   done) &
done
for r in $(seq 1 $runs); do
  (cd "$dir" && ndj-dora "${window[@]}" --format snapshot --tag run=s$r --append "$log" events.ndjson) &
  ndj-dora "${window[@]}" --group-by team --tag run=g$r --append "$log" "$dir/events.ndjson" &
done
wait

python3 - "$log" "$writers" "$per_writer" "$runs" <<'PY'
import json, sys
path, writers, per, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
events = {w: [] for w in range(1, writers + 1)}
blocks = []  # (run, number of lines) of each stretch of one report's lines
with open(path, "rb") as f:
    for raw in f:
        rec = json.loads(raw)
        if "writer" in rec:
            events[rec["writer"]].append(rec["seq"])
            continue
        run = rec["tags"]["run"]
        if blocks and blocks[-1][0] == run:
            blocks[-1][1] += 1
        else:
            blocks.append([run, 1])
for w, seqs in events.items():
    assert seqs == list(range(1, per + 1)), f"writer {w}: events missing or out of order"
want = {f"s{r}": 5 for r in range(1, runs + 1)} | {f"g{r}": 6 * 401 for r in range(1, runs + 1)}
got = {run: n for run, n in blocks}
assert len(blocks) == len(want) and got == want, f"reports split or missing: {blocks}"
PY
mode=$(stat -c %a "$log"); [ "$mode" = 600 ] || { echo "log mode $mode, expected 600"; exit 1; }
echo "ok: $runs snapshots and $runs grouped reports appended among $((writers * per_writer)) ndj-emit events, each report's lines together, every line whole"
