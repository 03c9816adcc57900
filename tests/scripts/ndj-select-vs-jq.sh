#!/usr/bin/env bash
# ndj-select -w selects the same records as jq's select() on 10,000
# generated records and 200 generated expressions: every operator, strings
# with escapes, numbers, booleans, nulls, timestamps, nested and array
# paths, missing fields and values of other types. The jq text of each
# expression spells out ndj's rules (a missing field or another type makes a
# comparison false; times compare as instants).
set -eu
command -v jq >/dev/null || { echo "SKIP: jq not installed (make deps)"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import json, random, sys, datetime
d = sys.argv[1]
rnd = random.Random(25)
types = ["deployment", "incident", "change", "llm", "tool_call"]
words = ["alpha", "Beta", "gamma", "a@b", "db", "http", "TimeOut", "", "x y", "Prod"]
recs = []
with open(f"{d}/data.ndjson", "w") as f:
    for i in range(10000):
        r = {"i": i}
        def maybe(name, value, p=0.85):
            if rnd.random() < p:
                r[name] = value
        maybe("type", rnd.choice(types), 0.95)
        maybe("n", rnd.choice([rnd.randint(-5, 20), rnd.randint(0, 10) / 4, str(rnd.randint(0, 9)), None, True]))
        maybe("s", rnd.choice(words + [7, None]))
        t = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=rnd.randint(0, 30 * 86400))
        maybe("ts", rnd.choice([t.strftime("%Y-%m-%dT%H:%M:%SZ")] * 9 + ["bad", 5]))
        maybe("ok", rnd.choice([True, False, "true", None]))
        maybe("tags", rnd.choice([{"repo": rnd.choice(["ndj", "web", "api"])}, {"team": "x"}, "flat"]))
        maybe("spans", [{"name": rnd.choice(["db", "http", "cache"]), "ms": rnd.randint(0, 300)} for _ in range(rnd.randint(0, 3))], 0.6)
        line = json.dumps(r, separators=(",", ":"))
        line = line.replace("a@b", "a\\u0040b") if rnd.random() < 0.5 else line
        f.write(line + "\n")

def has(path):  # jq: the path exists (null counts)
    parts = path.split(".")
    if len(parts) == 1:
        return f'has("{path}")'
    return f'((.{parts[0]}|type)=="object" and (.{parts[0]}|has("{parts[1]}")))'

def typed(path, t):
    return f'((.{path}|type)=="{t}")'

def clause():
    k = rnd.randrange(12)
    op = rnd.choice(["==", "!=", "<", "<=", ">", ">="])
    if k == 0:  # numbers
        v = rnd.choice([0, 1, 5, 2.5, -3, 10])
        return f"n {op} {v}", f"({typed('n', 'number')} and .n {op} {v})"
    if k == 1:  # strings, some with escapes
        v = rnd.choice(words)
        lit = json.dumps(v).replace("@", "\\u0040") if rnd.random() < 0.5 else json.dumps(v)
        return f"s {op} {lit}", f"({typed('s', 'string')} and .s {op} {json.dumps(v)})"
    if k == 2:  # timestamps
        t = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=rnd.randint(0, 30 * 86400))
        off = rnd.choice([0, 2, -5])
        local = t + datetime.timedelta(hours=off)
        text = local.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if off == 0 else f"{'+' if off > 0 else '-'}{abs(off):02d}:00")
        return (f"ts {op} {text}",
                f'({typed("ts", "string")} and ((.ts | try fromdateiso8601 catch null) as $t | $t != null and $t {op} {int(t.timestamp())}))')
    if k == 3:
        v = rnd.choice(["true", "false"])
        eq = rnd.choice(["==", "!="])
        return f"ok {eq} {v}", f"({typed('ok', 'boolean')} and .ok {eq} {v})"
    if k == 4:
        f_ = rnd.choice(["n", "s", "ok"])
        eq = rnd.choice(["==", "!="])
        return f"{f_} {eq} null", f'(has("{f_}") and .{f_} {eq} null)'
    if k == 5:
        vs = rnd.sample(types, 2)
        return (f"type in [{json.dumps(vs[0])}, {json.dumps(vs[1])}]",
                f'({typed("type", "string")} and (.type == {json.dumps(vs[0])} or .type == {json.dumps(vs[1])}))')
    if k == 6:
        re_, flags = rnd.choice([("^a", ""), ("b$", ""), ("a.b", ""), ("[dh]", ""), ("timeout", "i"), ("PROD", "i")])
        neg = rnd.random() < 0.3
        ndj = f"s {'!~' if neg else '=~'} /{re_}/{flags}"
        jq = f'({typed("s", "string")} and ((.s | test("{re_}"; "{flags}")) | {"not" if neg else "."}))'
        return ndj, jq
    if k == 7:
        fn = rnd.choice(["startswith", "endswith", "contains"])
        v = rnd.choice(["a", "b", "ta", "Pr", "@"])
        jqfn = "(index(" + json.dumps(v) + ") != null)" if fn == "contains" else f"{fn}({json.dumps(v)})"
        return f"{fn}(s, {json.dumps(v)})", f'({typed("s", "string")} and (.s | {jqfn}))'
    if k == 8:
        v = rnd.choice(["prod", "beta", "a@b", "timeout"])
        return f'lower(s) == "{v}"', f'({typed("s", "string")} and (.s | ascii_downcase) == "{v}")'
    if k == 9:
        p = rnd.choice(["tags", "tags.repo", "spans", "n", "nope"])
        return f"exists({p})", has(p)
    if k == 10:
        v = rnd.choice(["ndj", "web"])
        eq = rnd.choice(["==", "!="])
        return (f'tags.repo {eq} "{v}"',
                f'({typed("tags", "object")} and {typed("tags.repo", "string")} and .tags.repo {eq} "{v}")')
    name = rnd.choice(["db", "http"])
    ms = rnd.randint(0, 300)
    return (f'spans[].name == "{name}"' if rnd.random() < 0.5 else f"spans[].ms > {ms}",
            f'any(.spans[]?; .name == "{name}")' if False else None)

def clause_fixed():
    while True:
        ndj, jq = clause()
        if jq is not None:
            return ndj, jq
        if "name" in ndj:
            name = ndj.split('"')[1]
            return ndj, f'({typed("spans", "array")} and any(.spans[]; .name == "{name}"))'
        ms = ndj.split()[-1]
        return ndj, f'({typed("spans", "array")} and any(.spans[]; .ms > {ms}))'

def expr(depth=0):
    r = rnd.random()
    if depth < 2 and r < 0.25:
        (a, ja), (b, jb) = expr(depth + 1), expr(depth + 1)
        return f"({a}) && ({b})", f"(({ja}) and ({jb}))"
    if depth < 2 and r < 0.45:
        (a, ja), (b, jb) = expr(depth + 1), expr(depth + 1)
        return f"({a}) || ({b})", f"(({ja}) or ({jb}))"
    if depth < 2 and r < 0.55:
        a, ja = expr(depth + 1)
        return f"!({a})", f"(({ja}) | not)"
    return clause_fixed()

exprs = [expr() for _ in range(200)]
with open(f"{d}/exprs.txt", "w") as f:
    for e, _ in exprs:
        f.write(e + "\n")
with open(f"{d}/prog.jq", "w") as f:
    f.write("[.i, " + ", ".join(f"({j})" for _, j in exprs) + "]")
PY
jq -c -f "$dir/prog.jq" "$dir/data.ndjson" >"$dir/jq.out"
n=0
while IFS= read -r e; do
  ndj-select -w "$e" "$dir/data.ndjson" | jq -c .i >"$dir/ndj.$n"
  n=$((n + 1))
done <"$dir/exprs.txt"
python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
rows = [json.loads(l) for l in open(f"{d}/jq.out")]
exprs = open(f"{d}/exprs.txt").read().splitlines()
assert len(rows) == 10000 and len(exprs) == 200
bad = 0
nonempty = 0
for k, e in enumerate(exprs):
    want = [r[0] for r in rows if r[k + 1]]
    got = [int(l) for l in open(f"{d}/ndj.{k}")]
    nonempty += 0 < len(want) < 10000
    if got != want:
        bad += 1
        print(f"FAIL: {e}: ndj-select {len(got)} records, jq {len(want)}; "
              f"first difference: {sorted(set(got) ^ set(want))[:5]}")
assert nonempty >= 150, f"only {nonempty} expressions select some but not all records"
print(f"ok: {200 - bad} of 200 expressions select the same records as jq ({nonempty} select some but not all)")
sys.exit(1 if bad else 0)
PY
