#!/usr/bin/env bash
# ndj-dora --format prom: the output passes promtool's linter and a strict checker of the
# Prometheus text exposition format (families contiguous, HELP/TYPE once
# and first, names and label names valid, label values escaped, no
# duplicate series, float values), label values round-trip to the group
# values, and -o FILE replaces the file atomically with the same bytes.
set -eu
command -v promtool >/dev/null || { echo "SKIP: promtool not installed (Debian package prometheus: make deps)"; exit 77; }
dir=$(mktemp -d)
trap 'chmod -R u+w "$dir"; rm -rf "$dir"' EXIT

python3 - "$dir/in" <<'PY'
import json, sys
recs = []
teams = ['pay\\ "x"\nline', 'web', 'ünïcode', None, '']
for i, team in enumerate(teams):
    for d in range(3):
        r = {"type": "deployment", "id": f"d{i}-{d}", "time": f"2026-03-0{d+2}T0{i}:00:00Z",
             "service": f"s{i}", "status": "failure" if d == 2 else "success", "1st-key": f"k{i%2}",
             "a.b": "dot"}
        if team is not None:
            r["team"] = team
        recs.append(r)
        recs.append({"type": "change", "id": f"c{i}-{d}", "time": f"2026-03-01T0{d}:00:00Z", "deployment_id": f"d{i}-{d}"})
open(sys.argv[1], "w").write("".join(json.dumps(r) + "\n" for r in recs))
PY

args=(--since 2026-03-01T00:00:00Z --until 2026-03-08T00:00:00Z --group-by 'team,1st-key,a.b,a_b'
      --format prom --goal 'lead_time<=30h')
ndj-dora "${args[@]}" <"$dir/in" >"$dir/stdout"

cat >"$dir/check.py" <<'PY'
import math, re, sys
NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')

def fail(n, why):
    sys.exit(f"line {n}: {why}")

def parse_labels(s, i, n):
    """Labels from s[i] == '{'; returns (dict, index after '}')."""
    labels = {}
    i += 1
    while True:
        if s[i] == '}':
            return labels, i + 1
        m = LABEL.match(s, i)
        if not m: fail(n, f"bad label name at {s[i:]!r}")
        name = m.group()
        if name.startswith('__'): fail(n, f"reserved label name {name}")
        if name in labels: fail(n, f"label {name} twice")
        i = m.end()
        if s[i:i+2] != '="': fail(n, "expected =\"")
        i += 2
        val = []
        while True:
            if i >= len(s): fail(n, "unterminated label value")
            c = s[i]
            if c == '\\':
                e = s[i+1:i+2]
                if e not in ('\\', '"', 'n'): fail(n, f"bad escape \\{e}")
                val.append({'\\': '\\', '"': '"', 'n': '\n'}[e])
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                val.append(c)
                i += 1
        labels[name] = ''.join(val)
        if s[i] == ',':
            i += 1
        elif s[i] != '}':
            fail(n, f"expected , or }} at {s[i:]!r}")

def parse_value(v, n):
    if v in ('NaN', '+Inf', '-Inf'): return float(v.replace('Inf', 'inf'))
    if not re.fullmatch(r'[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?', v): fail(n, f"bad value {v!r}")
    return float(v)

text = open(sys.argv[1], encoding='utf-8').read()
if not text.endswith('\n'): sys.exit("no final newline")
families, current, series, samples = {}, None, set(), []
for n, line in enumerate(text[:-1].split('\n'), 1):
    if line.startswith('#'):
        m = re.fullmatch(r'# (HELP|TYPE) ([^ ]+) (.*)', line)
        if not m: fail(n, f"bad comment {line!r}")
        kind, name, rest = m.groups()
        if not NAME.fullmatch(name): fail(n, f"bad metric name {name}")
        fam = families.setdefault(name, {'HELP': 0, 'TYPE': 0, 'samples': 0})
        if fam['samples']: fail(n, f"{kind} after samples of {name}")
        if fam[kind]: fail(n, f"second {kind} for {name}")
        if current != name and (fam['HELP'] or fam['TYPE']): fail(n, f"{name} not contiguous")
        fam[kind] = 1
        if kind == 'TYPE' and rest not in ('counter', 'gauge', 'histogram', 'summary', 'untyped'):
            fail(n, f"bad type {rest}")
        if kind == 'HELP' and re.search(r'\\[^\\n]', rest): fail(n, "bad escape in HELP")
        current = name
        continue
    m = NAME.match(line)
    if not m: fail(n, f"bad sample {line!r}")
    name, i = m.group(), m.end()
    labels = {}
    if i < len(line) and line[i] == '{':
        labels, i = parse_labels(line, i, n)
    if line[i:i+1] != ' ': fail(n, "expected one space before the value")
    parts = line[i+1:].split(' ')
    if len(parts) not in (1, 2) or '' in parts: fail(n, f"bad value/timestamp {line[i:]!r}")
    value = parse_value(parts[0], n)
    if name != current: fail(n, f"sample of {name} outside its family (current {current})")
    fam = families[name]
    if not fam['TYPE']: fail(n, f"no TYPE for {name}")
    fam['samples'] += 1
    key = (name, tuple(sorted((k, v) for k, v in labels.items() if v != '')))
    if key in series: fail(n, f"duplicate series {key}")
    series.add(key)
    samples.append((name, labels, value))
if sys.argv[2:] == ['--grammar-only']:
    print(f"{len(samples)} samples in {len(families)} families ok")
    sys.exit(0)
# The round trip of the label values, and a few known numbers.
teams = {s[1].get('team') for s in samples if s[0] == 'ndj_dora_deployment_frequency_samples'}
want = {None, 'pay\\ "x"\nline', 'web', 'ünïcode', '(none)', ''}
if teams != want: sys.exit(f"team labels {teams!r}, want {want!r}")
names = {k for s in samples for k in s[1]}
if names != {'team', '_1st_key', 'a_b', 'a_b_2'}: sys.exit(f"label names {names}")
overall = {s[0]: s[2] for s in samples if not s[1]}
# 10 successes over 7 days (per second); 5 of 15 deployments failed (a
# ratio); 10 lead times (seconds).
if abs(overall['ndj_dora_deployment_frequency_per_second'] - 10 / 7 / 86400) > 1e-15: sys.exit(f"frequency {overall}")
if abs(overall['ndj_dora_change_failure_ratio'] - 1 / 3) > 1e-11:
    sys.exit("failure ratio")
if overall['ndj_dora_lead_time_samples'] != 10: sys.exit(f"lead n {overall['ndj_dora_lead_time_samples']}")
if overall.get('ndj_dora_lead_time_goal_met') not in (0, 1): sys.exit("goal_met missing")
if 'ndj_dora_time_to_restore_seconds' in overall: sys.exit("a null value has a sample")
print(f"{len(samples)} samples in {len(families)} families ok")
PY
python3 "$dir/check.py" "$dir/stdout"
# Prometheus' own linter: base units, no _total on gauges, HELP on every family.
promlint() {
  local out
  out=$(promtool check metrics <"$1" 2>&1) || { echo "promtool: $out"; exit 1; }
  [ -z "$out" ] || { echo "promtool: $out"; exit 1; }
}
promlint "$dir/stdout"

# The checker must catch breakage: a raw quote, a sample out of its family, a duplicate.
sed 's/pay\\\\ \\"x\\"/pay"x/' "$dir/stdout" >"$dir/bad1"
! python3 "$dir/check.py" "$dir/bad1" 2>/dev/null || { echo "checker missed a bad escape"; exit 1; }
{ cat "$dir/stdout"; grep -m1 '^ndj_dora_lead_time_samples ' "$dir/stdout"; } >"$dir/bad2"
! python3 "$dir/check.py" "$dir/bad2" 2>/dev/null || { echo "checker missed a split family"; exit 1; }
awk '{print} /^ndj_dora_lead_time_samples /{print}' "$dir/stdout" >"$dir/bad3"
! python3 "$dir/check.py" "$dir/bad3" 2>/dev/null || { echo "checker missed a duplicate"; exit 1; }

# --regressions: a count of alerts, and per alert its change in percent,
# labelled dora_metric and by group; the same alerts as the ndjson records
# (the fixture of the regressions golden case).
reg_in="$TESTS_DIR/cases/ndj-dora/0017-regressions/in"
reg_args=(--until 2026-03-29T00:00:00Z --group-by team --regressions)
ndj-dora "${reg_args[@]}" --format prom "$reg_in" >"$dir/reg.prom"
python3 "$dir/check.py" "$dir/reg.prom" --grammar-only
promlint "$dir/reg.prom"
ndj-dora "${reg_args[@]}" "$reg_in" | jq -r 'select(.alert) | "\(.metric) \(.group.team // "") \(.change_pct / 100)"' |
  sort >"$dir/reg.want"
[ -s "$dir/reg.want" ] || { echo "no alerts in the fixture"; exit 1; }
sed -n 's/^ndj_dora_regression_change_ratio{dora_metric="\([a-z_]*\)"\(,team="\([^"]*\)"\)\{0,1\}} \(.*\)$/\1 \3 \4/p' \
  "$dir/reg.prom" | sort >"$dir/reg.got"
diff "$dir/reg.want" "$dir/reg.got" || { echo "prom alerts differ from the ndjson ones"; exit 1; }
[ "$(grep '^ndj_dora_regressions ' "$dir/reg.prom")" = "ndj_dora_regressions $(wc -l <"$dir/reg.want")" ] ||
  { echo "alert count: $(grep '^ndj_dora_regressions ' "$dir/reg.prom")"; exit 1; }

# -o: the same bytes, mode 0644, no temp files; an old file is replaced.
echo old >"$dir/dora.prom"
ndj-dora "${args[@]}" -o "$dir/dora.prom" <"$dir/in" >"$dir/o-stdout"
[ ! -s "$dir/o-stdout" ] || { echo "-o also wrote to stdout"; exit 1; }
cmp "$dir/stdout" "$dir/dora.prom"
[ "$(stat -c %a "$dir/dora.prom")" = 644 ] || { echo "mode $(stat -c %a "$dir/dora.prom")"; exit 1; }
[ "$(ls "$dir" | grep -c 'dora.prom.tmp')" = 0 ] || { echo "temp file left"; exit 1; }
# An unwritable directory: exit 1, the old file untouched.
mkdir "$dir/ro" && echo keep >"$dir/ro/dora.prom" && chmod a-w "$dir/ro"
if [ "$(id -u)" != 0 ]; then
  set +e; ndj-dora "${args[@]}" -o "$dir/ro/dora.prom" <"$dir/in" 2>"$dir/err"; rc=$?; set -e
  [ $rc = 1 ] || { echo "unwritable -o: exit $rc"; exit 1; }
  [ "$(cat "$dir/ro/dora.prom")" = keep ] || { echo "old file changed"; exit 1; }
fi
echo "prom: strict exposition check, escaping round trip, regression alerts and atomic -o ok"
