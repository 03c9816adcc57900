#!/usr/bin/env bash
# ndj-redact --mask all on the labelled set (tests/data/redact/labelled.py,
# issue 21): at least 400 real-format secrets and PII values of at least 45
# rule ids, written into realistic log records, are all masked, and not one
# character of any of them is left in clear: the string that held a value
# reads P' + "[REDACTED:KIND]" + S', P' a prefix of the text before the
# value and S' a suffix of the text after it (a mask may swallow neighbours
# such as "Bearer ", never leave a piece of the value), with KIND the
# value's kind. Look-alikes (versions, OIDs, placeholders, prose) come out
# byte-identical. Nothing goes to stderr. A leak is printed with the value
# cut to its first 3 characters.
set -eu
here=${TESTS_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
data="$here/data/redact"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

# The committed set is the generator's output.
python3 "$data/labelled.py" >labelled.ndjson
if ! cmp -s labelled.ndjson "$data/labelled.ndjson"; then
  echo "tests/data/redact/labelled.ndjson differs from the output of labelled.py; regenerate it:"
  echo "  python3 tests/data/redact/labelled.py >tests/data/redact/labelled.ndjson"
  diff "$data/labelled.ndjson" labelled.ndjson | head -5 | cut -c1-200
  exit 1
fi

python3 -c '
import json, sys
with open("records.ndjson", "w", encoding="utf-8") as out:
    for line in open("labelled.ndjson", encoding="utf-8"):
        out.write(json.loads(line)["record"] + "\n")
'
status=0
ndj-redact --mask all <records.ndjson >out.ndjson 2>err.txt || status=$?

STATUS=$status python3 - <<'PY'
import json, os, re, sys
from collections import Counter, OrderedDict

rows = [json.loads(line) for line in open("labelled.ndjson", encoding="utf-8")]
raw_in = open("records.ndjson", encoding="utf-8").read().split("\n")[:-1]
raw_out = open("out.ndjson", encoding="utf-8").read().split("\n")
if raw_out and raw_out[-1] == "":
    raw_out.pop()
err = open("err.txt", encoding="utf-8", errors="replace").read()
failures = []  # reasons the run fails besides leaks

status = int(os.environ["STATUS"])
if status != 0:
    failures.append(f"ndj-redact exited {status}")
if err:
    failures.append("stderr is not empty: " + err.strip().split("\n")[0][:200])
if len(raw_out) != len(raw_in):
    failures.append(f"{len(raw_in)} records in, {len(raw_out)} out")

MASK = re.compile(r"\[REDACTED:([A-Za-z0-9_.+-]+)\]")


def strings(v, path=()):
    """(path, text) of every string of a JSON value."""
    if isinstance(v, str):
        yield path, v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from strings(x, path + (k,))
    elif isinstance(v, list):
        for k, x in enumerate(v):
            yield from strings(x, path + (k,))


def shape(v):
    """The value with every string blanked: masking must not change it."""
    if isinstance(v, str):
        return ""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(x) for x in v]
    return v


def masked_in_place(text, out, begin, end, kind):
    """Whether `out` is `text` with [begin, end) inside one [REDACTED:kind]:
    out = L0 M1 L1 ... Mn Ln (Mi masks, Li kept text) and text = L0 X1 L1
    ... Xn Ln with X1..Xn not empty, the value inside the Xk of a mask of
    its own kind. Other masks (other values, neighbours) may be anywhere."""
    lits, kinds, at = [], [], 0
    for m in MASK.finditer(out):
        lits.append(out[at:m.start()])
        kinds.append(m.group(1))
        at = m.end()
    lits.append(out[at:])
    before, after = text[:begin], text[end:]
    for k, got in enumerate(kinds):
        if got != kind:
            continue
        # before = L0 X1 L1 ... X(k) L(k) + the start of X(k+1), 0-based k.
        pre = "".join(re.escape(lit) + "(?:.+?)" for lit in lits[:k]) + re.escape(lits[k]) + ".*"
        post = ".*" + re.escape(lits[k + 1]) + "".join("(?:.+?)" + re.escape(lit) for lit in lits[k + 2:])
        if re.fullmatch(pre, before, re.S) and re.fullmatch(post, after, re.S):
            return True
    return False


def hide(text, secret):
    """`text` with every piece of `secret` of 4 characters or more cut to
    its first 3 characters and an ellipsis (masks are left as they are)."""
    parts = MASK.split(text)
    if len(parts) > 1:
        # split() interleaves the texts with the kinds of the masks.
        return "".join(hide(p, secret) if k % 2 == 0 else f"[REDACTED:{p}]"
                       for k, p in enumerate(parts))
    out, i = [], 0
    while i < len(text):
        n = 0
        while i + n < len(text) and text[i:i + n + 1] in secret:
            n += 1
        if n >= 4:
            out.append(text[i:i + 3] + "…")
            i += n
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def show(s, at, width=150):
    start = max(0, at - width // 3)
    s = s[start:start + width]
    return json.dumps(s, ensure_ascii=False)[1:-1]


values = [r for r in rows if r["rule"]]
negatives = [r for r in rows if not r["rule"]]
masked, leaks, offsets = 0, [], set()
by_rule = OrderedDict()
for n, row in enumerate(rows):
    if not row["rule"]:
        continue
    rule, kind, secret = row["rule"], row["kind"], row["secret"]
    by_rule.setdefault(rule, [kind, 0, 0])[1] += 1
    src = json.loads(row["record"])
    holders = [(p, s) for p, s in strings(src) if secret in s]
    if not holders:
        failures.append(f"bad label: rule={rule}: the record does not hold its value")
        continue
    for _, s in holders:
        offsets.add(s.find(secret) % 64)
    why = None
    try:
        dst = json.loads(raw_out[n]) if n < len(raw_out) else None
    except ValueError:
        dst = None
    if dst is None:
        why, context = "no valid output record", ""
    elif shape(dst) != shape(src):
        why, context = "output record has another shape", hide(raw_out[n], secret)[:150]
    else:
        outs = dict(strings(dst))
        for path, s in holders:
            o = outs[path]
            if secret in o:
                why, context = "value in clear", show(hide(o, secret), o.find(secret))
                break
            begin = 0
            while (begin := s.find(secret, begin)) >= 0:
                if not masked_in_place(s, o, begin, begin + len(secret), kind):
                    got = sorted(set(MASK.findall(o)))
                    why = ("part of the value in clear" if not got else
                           "not masked as " + kind + " in place (masks: " + ",".join(got) + ")")
                    context = show(hide(o, secret), begin)
                    break
                begin += 1
            if why:
                break
        if not why and any(secret in t for _, t in strings(dst)):
            why, context = "value in clear elsewhere", ""
    if why:
        leaks.append(f"LEAK rule={rule} kind={kind}: {why}: {context}")
        by_rule[rule][2] += 1
    else:
        masked += 1

changed = []
for n, row in enumerate(rows):
    if row["rule"]:
        continue
    got = raw_out[n] if n < len(raw_out) else "(no output)"
    if got != row["record"]:
        changed.append(f"CHANGED lookalike {json.dumps(row['lookalike'], ensure_ascii=False)}: {got[:200]}")

# The details first, the summary last (run-scripts shows the end of a
# failing script's output).
for line in leaks:
    print(line)
for line in changed:
    print(line)
leaking = [f"{rule}({leaked}/{total})" for rule, (kind, total, leaked) in by_rule.items() if leaked]
if leaking:
    print(f"rules that leak ({len(leaking)} of {len(by_rule)}): " + " ".join(leaking))
rules = {r["rule"] for r in values}
kinds = {r["kind"] for r in values}
print(f"offsets of the values in their strings, modulo 64: {len(offsets)} of 64")
print(f"look-alikes: {len(negatives)}: {len(negatives) - len(changed)} unchanged, {len(changed)} changed")
print(f"labelled: {len(values)} values, {len(rules)} rule ids, {len(kinds)} kinds: "
      f"{masked} masked, {len(leaks)} leaked")
if len(values) < 400:
    failures.append(f"only {len(values)} values (at least 400)")
if len(rules) < 45:
    failures.append(f"only {len(rules)} rule ids (at least 45)")
if len(negatives) < 40:
    failures.append(f"only {len(negatives)} look-alikes (at least 40)")
if len(offsets) < 64:
    failures.append(f"values start at only {len(offsets)} offsets modulo 64")
for f in failures:
    print("FAIL " + f)
sys.exit(1 if leaks or changed or failures else 0)
PY
echo ok
