#!/usr/bin/env bash
# ndj-dora --partial and --merge: a data set with every link that crosses
# a split (changes and their deployments, incidents naming a deployment or
# only its service, recoveries by the next deployment, work unit starts and
# ends, repeated ids, deployments without an id listing their changes,
# group values of every JSON type and arrays) is split 16 ways at random;
# the merge of the 16 partials is byte for byte the single run over all of
# it, in every format, with groups, buckets, comparisons, regressions and
# goals, for each built-in definitions set; partials of partials, a stream
# of concatenated partials, and a merge that adds --regressions or
# --format html to the partials' options give the same. Partials made with
# other settings are refused (exit 2, saying what differs); damaged ones
# are data errors (exit 65); a missing one exit 1.
set -eu
. "$TESTS_DIR/check.bash"
fail=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 - "$dir/all" <<'PY'
import json, random, sys
random.seed(28)
teams = ["payments", "web", 'q"uote\\d', "ünï", 7, ["web", "ops"], [], None]
services = ["api", "db", "edge", "ui", None]

def ts(s):
    return "2026-%02d-%02dT%02d:%02d:%02dZ" % (1 + s // (28 * 86400), 1 + s // 86400 % 28, s // 3600 % 24,
                                              s // 60 % 60, s % 60)

out = []
def emit(r):
    out.append(json.dumps(r))

for i in range(3000):
    t = random.randrange(0, 3 * 28 * 86400)
    svc = random.choice(services)
    team = random.choice(teams)
    r = random.random()
    base = {"service": svc} if svc else {}
    if team is not None:
        base["team"] = team
    if r < 0.3:
        dep = dict(base, type="deployment", time=ts(t),
                   status=random.choice(["success"] * 6 + ["failure", "rolled_back"]),
                   unplanned=random.random() < 0.1,
                   change_type=random.choice(["standard"] * 4 + ["emergency"]))
        # Repeated ids, and deployments without one that list their changes.
        if random.random() < 0.9:
            dep["id"] = "d%d" % (i if random.random() < 0.95 else random.randrange(i + 1))
        if random.random() < 0.5:
            dep["changes"] = ["c%d" % random.randrange(4000) for _ in range(random.randrange(4))]
        if random.random() < 0.2:
            dep["started_at"] = ts(max(0, t - random.randrange(7200)))
        emit(dep)
    elif r < 0.6:
        ch = {"type": "change", "time": ts(max(0, t - random.randrange(3 * 86400)))}
        k = random.random()
        if k < 0.5:
            ch["deployment_id"] = "d%d" % random.randrange(3000)
        elif k < 0.85:
            ch["id"] = "c%d" % random.randrange(4000)  # named in some deployment's list, maybe
        else:
            ch["deployed_at"] = ts(t)
            ch.update(base)
        if random.random() < 0.1:
            ch["committed_at"] = ch["time"]
        if random.random() < 0.1:
            ch["unplanned"] = True
        emit(ch)
    elif r < 0.75:
        inc = dict(base, type="incident", id="i%d" % i, time=ts(t))
        if random.random() < 0.5:
            inc["deployment_id"] = "d%d" % random.randrange(3000)
        if random.random() < 0.8:
            inc["resolved_at"] = ts(t + random.randrange(2 * 86400))
        emit(inc)
    elif r < 0.85:
        emit(dict(base, type="work_start", id="w%d" % random.randrange(600), time=ts(t)))
    elif r < 0.95:
        emit(dict(base, type="work_end", id="w%d" % random.randrange(600), time=ts(t)))
    else:
        emit({"type": "note", "time": ts(t), "text": "not an event"})
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY

# Each line to one of 16 splits at random, keeping their order.
split16() {
  rm -rf "$dir/split" && mkdir "$dir/split"
  awk -v seed="$1" -v d="$dir/split" 'BEGIN { srand(seed) } { print > (d "/" int(rand() * 16)) }' "$dir/all"
}

window=(--since 2026-02-01T00:00:00Z --until 2026-03-22T00:00:00Z)
same() {  # same NAME OPTIONS...: the merge of the splits' partials equals the single run
  local name=$1
  shift
  rm -f "$dir"/part.*
  for f in "$dir"/split/*; do ndj-dora "$@" --partial "$f" >"$dir/part.${f##*/}"; done
  ndj-dora "$@" "$dir/all" >"$dir/single" 2>"$dir/single.err" || true
  ndj-dora "$@" --merge "$dir"/part.* >"$dir/merged" 2>"$dir/merged.err" || true
  # The same report, and the same warnings about it.
  if cmp -s "$dir/single" "$dir/merged" && [ -s "$dir/single" ] && cmp -s "$dir/single.err" "$dir/merged.err"; then
    echo "ok: $name"
  else
    echo "FAIL: $name"; diff "$dir/single" "$dir/merged" | head -20; diff "$dir/single.err" "$dir/merged.err"; fail=1
  fi
}

split16 1
for defs in dora commits ledger; do
  for format in ndjson json csv table prom; do
    same "$defs $format by team,service" "${window[@]}" --definitions "$defs" --group-by team,service --format "$format" \
      --compare previous --goal 'lead_time<=30h' --tiers dora
  done
  same "$defs csv by week" "${window[@]}" --definitions "$defs" --group-by team --format csv --bucket week
  same "$defs table by day with regressions" "${window[@]}" --definitions "$defs" --format table --bucket day --regressions
  same "$defs snapshot" "${window[@]}" --definitions "$defs" --format snapshot --tag repo=r
  same "$defs html" "${window[@]}" --definitions "$defs" --group-by team --format html
done
split16 2
same "another split, --days" --until 2026-03-01 --days 20 --group-by service --format json --failure-window 6h
same "another split, ndjson by month" "${window[@]}" --group-by team --bucket month

# Partials made without --regressions serve a merge that adds it, or the page.
split16 3
for f in "$dir"/split/*; do ndj-dora "${window[@]}" --group-by team --partial "$f" >"$dir/part.${f##*/}"; done
for extra in "--regressions --format table" "--format html"; do
  # shellcheck disable=SC2086
  ndj-dora "${window[@]}" --group-by team $extra "$dir/all" >"$dir/single" 2>/dev/null
  # shellcheck disable=SC2086
  ndj-dora "${window[@]}" --group-by team $extra --merge "$dir"/part.* >"$dir/merged" 2>/dev/null
  check "merge adds $extra" "$(md5sum <"$dir/single")" "$(md5sum <"$dir/merged")"
done

# Partials of partials (a tree of merges), and partials concatenated on stdin.
opts=("${window[@]}" --group-by team --format csv)
ndj-dora "${opts[@]}" "$dir/all" >"$dir/single"
ndj-dora "${window[@]}" --group-by team --merge --partial "$dir"/part.[0-7] >"$dir/left"
ndj-dora "${window[@]}" --group-by team --merge --partial "$dir"/part.[89] "$dir"/part.1? >"$dir/right"
check "merge of merged partials" "$(md5sum <"$dir/single")" "$(ndj-dora "${opts[@]}" --merge "$dir/left" "$dir/right" | md5sum)"
check "concatenated partials on stdin" "$(md5sum <"$dir/single")" "$(cat "$dir"/part.* | ndj-dora "${opts[@]}" --merge | md5sum)"
check "one partial of everything" "$(md5sum <"$dir/single")" \
  "$(ndj-dora "${window[@]}" --group-by team --partial "$dir/all" | ndj-dora "${opts[@]}" --merge - | md5sum)"
head -n 1 "$dir/part.0" | jq -e '.ndj_dora_partial == 1 and (.fingerprint | length) == 16 and .group_by == ["team"]' >/dev/null &&
  echo "ok: the header line is JSON" || { echo "FAIL: header"; fail=1; }

# Refusals: exit 2 and what differs.
refused() {  # refused WHAT EXPECTED-TEXT OPTIONS...
  local what=$1 text=$2
  shift 2
  set +e
  ndj-dora "$@" --merge "$dir/part.0" "$dir/part.1" >"$dir/out" 2>"$dir/err"
  local rc=$?
  set -e
  check "$what: exit 2" 2 "$rc"
  check "$what: nothing written" 0 "$(wc -c <"$dir/out")"
  grep -qF -- "$text" "$dir/err" && echo "ok: $what: says $text" || { echo "FAIL: $what: $(cat "$dir/err")"; fail=1; }
}
refused "other group-by" "--group-by team here, service in this merge" "${window[@]}" --group-by service
refused "other window" "window start 2026-02-01T00:00:00Z here, 2026-02-02T00:00:00Z in this merge" \
  --since 2026-02-02T00:00:00Z --until 2026-03-22T00:00:00Z --group-by team
refused "other definitions" "definitions dora here, commits in this merge" "${window[@]}" --group-by team --definitions commits
refused "other mapping" "--map, --type-value" "${window[@]}" --group-by team --map time=ts
refused "other failure window" "--failure-window" "${window[@]}" --group-by team --failure-window 2h
refused "a merge needing earlier events" "this merge needs them from 2025-12-14T00:00:00Z" "${window[@]}" --group-by team --compare previous

# Damaged partials: exit 65, named; a missing file: exit 1.
damaged() {  # damaged WHAT EXPECTED-TEXT FILE
  set +e
  ndj-dora "${opts[@]}" --merge "$dir/part.0" "$3" >/dev/null 2>"$dir/err"
  local rc=$?
  set -e
  check "$1: exit" "$4" "$rc"
  grep -qF -- "$2" "$dir/err" && echo "ok: $1: says $2" || { echo "FAIL: $1: $(cat "$dir/err")"; fail=1; }
}
size=$(wc -c <"$dir/part.1")
head -c $((size - 5)) "$dir/part.1" >"$dir/truncated"
damaged "truncated" "$dir/truncated: truncated partial" "$dir/truncated" 65
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-20] ^= 1; open(sys.argv[2], "wb").write(b)' \
  "$dir/part.1" "$dir/flipped"
damaged "a flipped bit" "$dir/flipped: damaged partial: checksum mismatch" "$dir/flipped" 65
damaged "records, not a partial" "$dir/all: not an ndj-dora partial" "$dir/all" 65
printf '{"ndj_dora_partial":9}\n' >"$dir/future"
damaged "a later version" "a partial of version 9; this ndj-dora reads version 1" "$dir/future" 65
damaged "a missing file" "$dir/nothing: No such file or directory" "$dir/nothing" 1

exit $fail
