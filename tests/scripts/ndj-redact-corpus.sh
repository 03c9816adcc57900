#!/usr/bin/env bash
# ndj-redact --mask all on a generated corpus: planted secrets of every kind
# in every position (top level, nested, arrays, escaped, inside text) never
# reach stdout or stderr, invalid lines holding secrets go only to the
# rejects file; and a corpus of ordinary log text is left unchanged (the
# false-positive rate is printed and must be 0).
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

python3 - <<'PY'
import json, random
random.seed(5)
secrets = {  # kind -> (text as planted, the part that must disappear)
    "email": [("alice.smith@example.com", "alice.smith@example.com"),
              ("ops+alerts@corp.example.org", "ops+alerts@corp.example.org")],
    "ipv4": [("10.20.30.40", "10.20.30.40"), ("192.168.254.7", "192.168.254.7")],
    "ipv6": [("2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::8a2e:370:7334"),
             ("fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a")],
    "jwt": [("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyNDIiLCJpYXQiOjE3MDAwMDAwMDB9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
             "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")],
    "bearer": [("Authorization: Bearer 9f8e7d6c5b4a39281706fedcba", "9f8e7d6c5b4a39281706fedcba"),
               ("bearer ya29.A0ARrdaM-k3yT0k3n_Xx9", "ya29.A0ARrdaM-k3yT0k3n_Xx9")],
    "aws-key": [("AKIAQWERTYUIOPASDF12", "AKIAQWERTYUIOPASDF12"),
                ("aws_secret_access_key = Zx9Yw8Xv7Wu6Vt5Us4Tr3Sq2Rp1Qo0PnMlKjIhGf", "Zx9Yw8Xv7Wu6Vt5Us4Tr3Sq2Rp1Qo0PnMlKjIhGf")],
    "github-token": [("ghp_R4nd0mT0k3nV4lu3F0rT3st1ngAbCdEf1234", "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngAbCdEf1234"),
                     ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz")],
    "slack-token": [("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx")],
    "private-key": [("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq98S3cr3tK3yB0dyL1n3\nQ2xvc2VkU2VjcmV0\n-----END RSA PRIVATE KEY-----",
                     "MIIEpAIBAAKCAQEA7bq98S3cr3tK3yB0dyL1n3")],
    "url-credentials": [("https://deploy:Hunter2Secret@git.example.com/repo.git", "Hunter2Secret"),
                        ("postgres://app:pa55w0rdXyZ@db.internal:5432/prod", "pa55w0rdXyZ")],
    "mac": [("00:1a:2b:3c:4d:5e", "00:1a:2b:3c:4d:5e")],
    "credit-card": [("4111 1111 1111 1111", "4111 1111 1111 1111"), ("5500-0055-5555-5559", "5500-0055-5555-5559"),
                    ("378282246310005", "378282246310005"), ("6011111111111117", "6011111111111117")],
}
cores = sorted({core for v in secrets.values() for _, core in v})
# Digits of every card, however they were separated.
cores += sorted({core.replace(" ", "").replace("-", "") for _, core in secrets["credit-card"]})

def escaped(s):
    """The same text with every escape JSON allows sprinkled in."""
    out = []
    for i, ch in enumerate(s):
        if ch == "@": out.append("\\u0040")
        elif ch == "/": out.append("\\/")
        elif ch == "\n": out.append("\\n")
        elif i % 3 == 0 and ch.isalnum(): out.append("\\u%04x" % ord(ch))
        else: out.append(json.dumps(ch)[1:-1])
    return '"' + "".join(out) + '"'

lines = []
for kind, items in secrets.items():
    for planted, _ in items:
        text = f"request failed for {planted} (retrying)"
        for value in (json.dumps(planted), json.dumps(text), escaped(planted), escaped(text)):
            lines.append('{"ts":"2026-01-03T17:10:35.923Z","kind":"%s","message":%s}' % (kind, value))
            lines.append('{"a":{"b":{"c":%s,"n":1}},"tags":["x",%s]}' % (value, value))
            lines.append('[%s,{"deep":[[{"x":%s}]]}]' % (value, value))
            lines.append('%s' % value)
# Invalid lines holding secrets: reported, quarantined, never echoed.
lines.append('{"message":"%s"' % secrets["email"][0][0])
lines.append('{"message":"%s", oops}' % secrets["aws-key"][0][0])
lines.append('{"ndj_mark":{"path":"/x","dev":1,"ino":2,"fp":"0000000000000000","offset":3}}')
open("secrets.ndjson", "w").write("\n".join(lines) + "\n")
open("cores.txt", "w").write("\n".join(cores) + "\n")

# Ordinary telemetry text: ids, versions, timestamps, numbers, paths.
ordinary = []
for i in range(3000):
    r = random.Random(i)
    hexid = "%032x" % r.getrandbits(128)
    msg = r.choice([
        f"build {r.randint(1,9)}.{r.randint(0,30)}.{r.randint(0,99)} finished in {r.randint(1,9999)} ms",
        f"deployed release v{r.randint(1,5)}.{r.randint(0,20)}.{r.randint(0,9)}.{r.randint(0,999)} to eu-west-1",
        f"trace {hexid} span {hexid[:16]} parent {hexid[8:24]}",
        f"request id {'%08x-%04x-%04x-%04x-%012x' % (r.getrandbits(32), r.getrandbits(16), r.getrandbits(16), r.getrandbits(16), r.getrandbits(48))}",
        f"commit {hexid[:12]} merged into main by review",
        f"at 2026-{r.randint(1,12):02d}-{r.randint(1,28):02d}T{r.randint(0,23):02d}:{r.randint(0,59):02d}:{r.randint(0,59):02d}.{r.randint(0,999):03d}Z the queue drained",
        f"epoch {r.randint(1600000000000, 1800000000000)} ms, nanos {r.randint(1600000000000000000, 1800000000000000000)}",
        f"Processed {r.randint(1,99999)} records in {r.randint(1,99999)} ms, {r.random():.16f} avg",
        f"std::vector<int>::push_back failed at src/queue.cpp:{r.randint(1,999)}",
        f"token validation failed: token expired {r.randint(1,59)}s ago",
        f"Bearer authentication required for /api/v{r.randint(1,3)}/users",
        f"checksum sha256:{hexid}{hexid}",
        f"order {r.randint(10**12, 10**13-1)} shipped, phone 555-{r.randint(1000,9999)}",
        f"timer 10:{r.randint(10,59)}:{r.randint(10,59)} mac aa:bb:cc:dd:ee:ff (placeholder)",
        f"npm install @types/node@{r.randint(10,22)}.{r.randint(0,9)}.{r.randint(0,9)} lodash@4.17.21",
        f"GET /v1/items?page={r.randint(1,99)}&limit=50 200 {r.randint(1,999)}ms",
    ])
    ordinary.append(json.dumps({"ts": "2026-01-03T17:10:35.923Z", "id": hexid, "seq": i, "message": msg}))
open("ordinary.ndjson", "w").write("\n".join(ordinary) + "\n")
PY

status=0
ndj-redact --mask all --rejects rejects.ndjson <secrets.ndjson >out.ndjson 2>err.txt || status=$?
[ "$status" = 65 ] || { echo "expected exit 65, got $status"; exit 1; }
[ "$(wc -l <rejects.ndjson)" = 2 ] || { echo "expected 2 rejected lines"; exit 1; }
[ "$(grep -c 'invalid JSON' err.txt)" = 2 ] || { echo "expected 2 diagnostics"; cat err.txt; exit 1; }
grep -qx '{"ndj_mark":.*' out.ndjson || { echo "mark not passed through"; exit 1; }
planted=$(($(wc -l <secrets.ndjson) - 3))
[ "$(grep -c REDACTED out.ndjson)" = "$planted" ] || { echo "not every record was masked"; exit 1; }

# No secret in any file but the rejects file, raw or JSON-decoded.
python3 - <<'PY'
import json, os, sys
cores = [c for c in open("cores.txt").read().split("\n") if c]
decoded = []
for line in open("out.ndjson"):
    decoded.append(json.dumps(json.loads(line), ensure_ascii=False))
texts = {"decoded stdout": "\n".join(decoded)}
for name in os.listdir("."):
    if name not in ("secrets.ndjson", "cores.txt", "rejects.ndjson", "ordinary.ndjson"):
        texts[name] = open(name, encoding="utf-8", errors="replace").read()
leaks = [(c, where) for c in cores for where, t in texts.items() if c in t]
for c, where in leaks:
    print(f"LEAK in {where}: {c[:12]}...")
print(f"checked {len(cores)} secrets in {len(texts)} outputs: {len(leaks)} leaks")
sys.exit(1 if leaks else 0)
PY

# Every kind was recognised as itself somewhere.
for kind in email ipv4 ipv6 mac jwt bearer aws-key github-token slack-token private-key url-credentials credit-card; do
  grep -q "REDACTED:$kind" out.ndjson || { echo "kind $kind never reported"; exit 1; }
done

ndj-redact --mask all <ordinary.ndjson >ordinary.out
changed=$(diff ordinary.ndjson ordinary.out | grep -c '^>' || true)
total=$(wc -l <ordinary.ndjson)
echo "false positives: $changed of $total ordinary records changed"
if [ "$changed" != 0 ]; then diff ordinary.ndjson ordinary.out | grep '^>' | head -5; exit 1; fi
echo ok
