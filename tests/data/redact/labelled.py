#!/usr/bin/env python3
"""The labelled set of ndj-redact (issue 21): real-format secrets and PII
values, each written into a realistic log record, and look-alikes that must
stay as they are.

Writes NDJSON to stdout, one object a line:

  {"rule": RULE_ID, "kind": KIND, "secret": VALUE, "record": RECORD}

RECORD is one NDJSON record (a JSON text, as a string) holding VALUE
somewhere in one of its strings: a JSON member at the top level or nested,
an array element, a query string, a CLI flag, a stack trace, a URL, an
env-style or YAML/INI line, JSON inside the string (escaped quotes), JSON
escapes inside the value itself (\\/, \\u0040 ...), and a prefix that puts
the value at every offset modulo 64 of its string (so that it straddles the
64-byte blocks of the scanner). VALUE, decoded, is exactly the part that
must not survive `ndj-redact --mask all`: the value of an assignment (the
key stays), the user:password of a URL, the token after "Bearer ". Every
value is generated from a seeded RNG in the value's real format (Luhn and
issuer prefixes, IBAN mod 97, base64 of the right byte counts ...): none is
a real credential.

Look-alikes have "rule": null, "kind": null, "secret": null and
"lookalike": the text that must not be masked: their record must come out
byte-identical.

tests/data/redact/labelled.ndjson is this script's output, committed so
that reviewers can read the values; tests/scripts/ndj-redact-labelled.sh
regenerates it and fails when the two differ. Regenerate with
  python3 tests/data/redact/labelled.py >tests/data/redact/labelled.ndjson
Python 3 standard library only; the output depends on nothing but the seed.
"""
import base64
import json
import string
import sys
import urllib.parse
import uuid
import random

SEED = 21
R = random.Random(SEED)

ALNUM = string.ascii_letters + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"
B32 = string.ascii_uppercase + "234567"


def rs(n, alphabet=ALNUM):
    return "".join(R.choice(alphabet) for _ in range(n))


def rbytes(n):
    return bytes(R.getrandbits(8) for _ in range(n))


def b64(b):
    return base64.b64encode(b).decode()


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def ruuid():
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


# ---------------------------------------------------------------------------
# Values with structure and checksums.

def luhn_digit(body):
    """The check digit that makes body + digit pass Luhn."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        v = int(ch)
        if i % 2 == 0:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return str((10 - total % 10) % 10)


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        v = int(ch)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def card(prefix, length):
    body = prefix + "".join(R.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + luhn_digit(body)


def group(digits, sizes, sep):
    out, at = [], 0
    for n in sizes:
        out.append(digits[at:at + n])
        at += n
    return sep.join(out)


IBAN_LENGTHS = {"DE": 22, "GB": 22, "FR": 27, "NL": 18, "ES": 24, "IT": 27, "CH": 21,
                "BE": 16, "AT": 20, "PL": 28, "IE": 22, "PT": 25, "FI": 18, "LU": 20,
                "SE": 24, "DK": 18, "NO": 15}


def iban_numeric(s):
    return "".join(str(int(c, 36)) for c in s)


def iban_ok(iban):
    iban = iban.replace(" ", "")
    return (len(iban) == IBAN_LENGTHS[iban[:2]] and
            int(iban_numeric(iban[4:] + iban[:4])) % 97 == 1)


def iban(country, bban):
    check = 98 - int(iban_numeric(bban + country + "00")) % 97
    value = f"{country}{check:02d}{bban}"
    assert iban_ok(value), value
    return value


def digits(n):
    return "".join(R.choice(string.digits) for _ in range(n))


def bban(country):
    if country == "DE":
        return digits(8) + digits(10)
    if country == "GB":
        return R.choice(["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]) + digits(6) + digits(8)
    if country == "FR":  # bank, branch, account, RIB key
        bank, branch, account = digits(5), digits(5), digits(11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        return f"{bank}{branch}{account}{key:02d}"
    if country == "NL":
        return R.choice(["ABNA", "INGB", "RABO", "TRIO"]) + digits(10)
    if country == "ES":  # bank, branch, two control digits, account
        bank, branch, account = digits(4), digits(4), digits(10)

        def dc(s):
            weights = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
            v = 11 - sum(int(c) * w for c, w in zip(s.rjust(10, "0"), weights)) % 11
            return {10: 1, 11: 0}.get(v, v)
        return f"{bank}{branch}{dc('00' + bank + branch)}{dc(account)}{account}"
    if country == "IT":  # CIN, ABI, CAB, account
        abi, cab, account = digits(5), digits(5), digits(12)
        odd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10,
               22, 25, 24, 23]
        s = 0
        for i, c in enumerate(abi + cab + account):
            v = int(c)
            s += odd[v] if i % 2 == 0 else v
        return chr(ord("A") + s % 26) + abi + cab + account
    if country == "CH":
        return digits(5) + digits(12)
    if country == "BE":
        bank_account = digits(10)
        check = int(bank_account) % 97 or 97
        return f"{bank_account}{check:02d}"
    if country == "AT":
        return digits(5) + digits(11)
    if country == "PL":
        return digits(24)
    if country == "IE":
        return R.choice(["AIBK", "BOFI"]) + digits(6) + digits(8)
    if country == "PT":
        return digits(21)
    if country == "FI":
        return digits(14)
    raise ValueError(country)


def jwt(alg):
    header = {"alg": alg, "typ": "JWT"}
    if alg != "HS256":
        header["kid"] = rs(16, LOWER_ALNUM)
    iat = 1767400000 + R.randrange(100000)
    payload = {"sub": f"user-{R.randrange(10000, 99999)}", "iat": iat, "exp": iat + 3600,
               "iss": R.choice(["https://auth.example.com/", "accounts.example.org"]),
               "scope": R.choice(["read", "read write", "admin"])}
    sig = rbytes({"HS256": 32, "RS256": 256, "ES256": 64}[alg])
    enc = lambda o: b64url(json.dumps(o, separators=(",", ":")).encode())
    return f"{enc(header)}.{enc(payload)}.{b64url(sig)}"


def pem(label, der_prefix, nbytes, width=64, headers="", trailer=""):
    body = b64(der_prefix + rbytes(nbytes - len(der_prefix)))
    lines = [body[i:i + width] for i in range(0, len(body), width)]
    return (f"-----BEGIN {label}-----\n" + headers + "\n".join(lines) + trailer +
            f"\n-----END {label}-----")


def password(query=False):
    """A strong password: letters, digits and punctuation that needs no
    quoting in a shell word or a JSON string (nor escaping in a query
    string when `query`); it starts and ends with a letter or digit."""
    while True:
        pw = rs(R.randrange(10, 22), ALNUM + ("-_.~" if query else "!#%^*-_+.~"))
        if (pw[0].isalnum() and pw[-1].isalnum() and any(c.isdigit() for c in pw) and
                any(c.isalpha() for c in pw)):
            return pw


def url_password():
    pw = rs(R.randrange(12, 24), ALNUM + "-_.~")
    if R.random() < 0.4:
        at = R.randrange(1, len(pw))
        pw = pw[:at] + R.choice(["%40", "%21", "%23", "%2F", "%3A"]) + pw[at:]
    return pw if pw[0].isalnum() else "x" + pw


# ---------------------------------------------------------------------------
# Records.

SLOT = "\x00SLOT\x00"
SLOT_JSON = json.dumps(SLOT)
SERVICES = ["checkout-api", "billing-worker", "auth-gateway", "ingest", "scheduler",
            "mailer", "search-indexer", "reporting"]
HOSTS = ["web-1", "web-2", "worker-3", "api-7", "batch-2", "edge-4"]
PAD_WORDS = ["worker", "sync", "shard", "region", "queue", "retry", "attempt", "span", "pod",
             "node", "job", "batch", "request", "handled", "upstream", "timeout", "cache",
             "miss", "flush", "drain", "level=warn", "component=sync", "tenant=acme",
             "phase=commit", "status=failed", "route=orders"]


def padding(n):
    """n characters of log-ish text ending with a blank (so that it never
    touches the text after it)."""
    if n == 0:
        return ""
    words = []
    while len(" ".join(words)) < n:
        words.append(R.choice(PAD_WORDS))
    return " ".join(words)[:n - 1] + " "


class Member:
    """A form whose value is a whole JSON string of a given structure:
    build(slot) returns the record, `text` is the string (no padding)."""

    def __init__(self, build, text):
        self.build, self.text = build, text


def ts(i):
    s = 1767460235 + 7 * i
    return "2026-01-%02dT%02d:%02d:%02d.%03dZ" % (3 + s // 86400 % 20, s // 3600 % 24,
                                                  s // 60 % 60, s % 60, (i * 137) % 1000)


def plain_json_ok(text):
    return '"' not in text and "\\" not in text and not any(ord(c) < 32 for c in text)


# A wrapper puts a sentence in a record: returns (record structure with SLOT,
# the slot text before the sentence, the slot text after it).
def w_message(i, s):
    return ({"ts": ts(i), "level": "error", "service": R.choice(SERVICES), "msg": SLOT},
            "", "")


def w_nested(i, s):
    return ({"ts": ts(i), "host": R.choice(HOSTS),
             "event": {"kind": "audit", "detail": {"text": SLOT, "seq": i}}}, "", "")


def w_array(i, s):
    return ({"ts": ts(i), "cmd": "runner", "argv": ["runner", "--verbose", SLOT, "--dry-run"]},
            "", "")


def w_java_trace(i, s):
    return ({"@timestamp": ts(i), "logger": "com.example.billing.Client", "level": "ERROR",
             "stack_trace": SLOT},
            "java.lang.IllegalStateException: request failed\n\tat com.example.billing.Client.send(Client.java:142)\n\tcaused by: ",
            "\n\tat com.example.billing.Worker.run(Worker.java:57)\n\tat java.base/java.lang.Thread.run(Thread.java:1583)")


def w_python_trace(i, s):
    return ({"time": ts(i), "levelname": "ERROR", "exc_info": SLOT},
            'Traceback (most recent call last):\n  File "/srv/app/handlers.py", line 88, in dispatch\n    resp = client.send(req)\nRuntimeError: ',
            "\n")


def w_json_in_string(i, s):
    return ({"ts": ts(i), "level": "warn", "msg": SLOT},
            'upstream body: {"status":502,"detail":"', '","retry":true}')


def w_logfmt(i, s):
    return ({"ts": ts(i), "line": SLOT},
            f'time={ts(i)} level=warn component=sync msg="', '" attempt=3')


def w_syslog(i, s):
    return ({"ts": ts(i), "facility": "daemon", "message": SLOT},
            f"Jan  3 17:10:35 {R.choice(HOSTS)} app[{R.randrange(1000, 9999)}]: ", "")


WRAPPERS = [w_message, w_nested, w_array, w_java_trace, w_json_in_string, w_python_trace,
            w_logfmt, w_syslog]


def wrapper_ok(w, sentence):
    if w in (w_json_in_string, w_logfmt):
        return plain_json_ok(sentence)
    return True


def encode(text, slash):
    out = json.dumps(text, ensure_ascii=False)[1:-1]
    return out.replace("/", "\\/") if slash else out


def encode_escaped(text):
    """Every escape JSON allows, inside the value itself."""
    out = []
    for k, ch in enumerate(text):
        if ch == "@":
            out.append("\\u0040")
        elif ch == "/":
            out.append("\\/")
        elif ord(ch) > 127:
            out.append("\\u%04x" % ord(ch))
        elif ch.isalnum() and k % 4 == 1:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(json.dumps(ch)[1:-1])
    return "".join(out)


def make_record(structure, slot_text, secret, escape, compact):
    at = slot_text.find(secret)
    assert at >= 0 and slot_text.find(secret, at + 1) < 0, (secret, slot_text)
    seps = (",", ":") if compact else (", ", ": ")
    text = json.dumps(structure, ensure_ascii=False, separators=seps)
    assert text.count(SLOT_JSON) == 1
    if escape == "value":
        enc = (encode(slot_text[:at], False) + encode_escaped(secret) +
               encode(slot_text[at + len(secret):], False))
    else:
        enc = encode(slot_text, escape == "slash")
    record = text.replace(SLOT_JSON, '"' + enc + '"')
    # The record is valid JSON and holds the value where it was put.
    found = []

    def walk(v):
        if isinstance(v, str):
            found.append(v.count(secret))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(json.loads(record))
    assert sum(found) == 1, (secret, record)
    return record


class Labelled:
    def __init__(self):
        self.rows = []
        self.n = 0

    def add(self, rule, kind, secret, form):
        """One value: `form` is a sentence holding `secret`, or a Member."""
        i = self.n
        self.n += 1
        escape = ["none", "none", "slash", "none", "value", "none", "none"][i % 7]
        if kind == "email" and i % 2 == 0:
            escape = "value"
        if isinstance(form, Member):
            structure = form.build(SLOT)
            slot_text = form.text
        else:
            assert secret in form, (rule, secret, form)
            # Rotate through the wrappers that can hold this sentence.
            k = i
            while not wrapper_ok(WRAPPERS[k % len(WRAPPERS)], form):
                k += 1
            structure, before, after = WRAPPERS[k % len(WRAPPERS)](i, form)
            # The value starts at offset i mod 64 of its string.
            offset = len(before) + form.find(secret)
            pad = padding((i - offset) % 64)
            slot_text = pad + before + form + after
        record = make_record(structure, slot_text, secret, escape, i % 3 != 2)
        self.rows.append({"rule": rule, "kind": kind, "secret": secret, "record": record})


L = Labelled()


def each(rule, kind, values, forms):
    """Adds values[k] in forms[k % len(forms)]: a form is a function of the
    value returning a sentence or a Member."""
    for k, v in enumerate(values):
        L.add(rule, kind, v, forms[k % len(forms)](v))


def member(path, extra=None):
    """A form putting the value alone (or `fmt` of it) at a nested member."""
    def form(v, fmt="{v}"):
        text = fmt.format(v=v)

        def build(slot):
            node = slot
            for key in reversed(path):
                node = {key: node}
            rec = {"ts": ts(L.n), "level": "info"}
            rec.update(extra or {})
            rec.update(node)
            return rec
        return Member(build, text)
    return form


def member_fmt(path, fmt, extra=None):
    f = member(path, extra)
    return lambda v: f(v, fmt)


def token_forms(env, product, key, cli):
    """Realistic places for a self-identifying token (no generic keyword
    such as api_key= or password= next to it)."""
    return [
        lambda v: f"export {env}={v}",
        lambda v: f"{product}: request rejected, credential {v} was revoked",
        member(["env", env]),
        lambda v: f"docker run --rm -e {env}={v} ghcr.io/acme/{cli}:1.4",
        lambda v: f"{env}: \"{v}\"",
        lambda v: f'loaded config {{"{key}":"{v}","scope":"read"}} from /etc/{cli}.json',
        lambda v: f"{cli} --token {v} --verbose sync",
        lambda v: f"[{product}]\n{key} = {v}\nregion = eu-west-1\n",
    ]


# ---------------------------------------------------------------------------
# The values, rule by rule (the order of /work/rules-spec.md).

FIRST = ["carol", "alice", "bob", "dmitri", "sofia", "kenji", "amara", "lucas"]
LAST = ["smith", "nguyen", "okafor", "schmidt", "rossi", "tanaka", "garcia", "dubois"]
DOMAINS = ["example.com", "corp.example.org", "mail.example.net", "example.co.uk"]

emails = ["carol@example.com", "c@example.com", "jürgen@müller.de", "CAFoo+bar=xyz@mail.gmail.com",
          "anonymous@cvs.example.org"]
for k in range(5):
    emails.append(f"{R.choice(FIRST)}.{R.choice(LAST)}{R.randrange(1, 99)}@{R.choice(DOMAINS)}")
emails.append("ops-alerts+pager@corp.example.org")
each("email", "email", emails, [
    lambda v: f'<a href="mailto:{v}">contact us</a>',
    lambda v: f"user {v} logged in from the web console",
    lambda v: f"Signed-off-by: Jürgen Müller <{v}>",
    lambda v: f"In-Reply-To: <{v}>",
    lambda v: f"cvs -z3 -d:pserver:{v}:/sources/project co -P project",
    member(["user", "email"]),
    lambda v: f"GET /api/v2/users?email={v}&limit=1 HTTP/1.1",
    lambda v: f"mailto:{v}?subject=Invoice%2042",
    lambda v: f"From: Carol Danvers <{v}>",
    lambda v: f"cvs login: :pserver:{v}:2401/cvsroot",
    lambda v: f"bounce for {v}: 550 5.1.1 mailbox unavailable",
])

ipv4s = ["10.20.30.40", "192.168.1.254", "172.16.5.4", "203.0.113.9", "198.51.100.23",
         "100.64.12.7", "8.8.4.4", "81.2.69.160"]
each("ipv4", "ipv4", ipv4s, [
    lambda v: f"Accepted publickey for deploy from {v} port 51234 ssh2",
    lambda v: f"[client {v}:43210] AH01630: client denied by server configuration",
    lambda v: f"X-Forwarded-For: {v}",
    lambda v: f"GET http://{v}:8080/healthz returned 503",
    member(["client", "ip"]),
    lambda v: f"host={v} user=deploy action=login",
    lambda v: f"upstream timed out while connecting to upstream, upstream: \"http://{v}:9000/api\"",
    lambda v: f"Invalid user admin from {v} port 22",
])

ipv6s = ["2001:db8::1", "fe80::1ff:fe23:4567:890a", "::ffff:127.0.0.1",
         "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3::8a2e:370:7334",
         "2a02:6b8::2:242", "fd12:3456:789a:1::1", "2606:4700:4700::1111"]
each("ipv6", "ipv6", ipv6s, [
    lambda v: f"listening on [{v}]:443",
    lambda v: f"connect to {v} port 22: Connection refused",
    lambda v: f"client_addr={v} status=200",
    lambda v: f"GET http://[{v}]:8080/status 200",
    member(["net", "peer", "address"]),
    lambda v: f"Received disconnect from {v} port 41926:11: Bye",
    lambda v: f"DHCPv6 reply: address {v} valid for 86400s",
    lambda v: f"from {v} via eth0 metric 1024",
])

macs = ["00:1a:2b:3c:4d:5e", "00-1A-2B-3C-4D-5E"]
for k in range(5):
    octets = [R.randrange(256) for _ in range(6)]
    octets[0] &= 0xFE
    sep, up = [(":", False), ("-", True), (":", True), ("-", False), (":", False)][k]
    m = sep.join("%02x" % o for o in octets)
    macs.append(m.upper() if up else m)
each("mac-address", "mac", macs, [
    lambda v: f"wlan0: associated with {v}",
    lambda v: f"DHCPACK(eth0) 10.0.0.23 {v} laptop-7",
    member(["device", "hwaddr"]),
    lambda v: f"ether {v}  txqueuelen 1000  (Ethernet)",
    lambda v: f"arp: {v} is using my IP address on em0",
    lambda v: f"hwaddr={v} vendor=unknown",
    lambda v: f"Wake-on-LAN packet sent to {v}",
])

phones = ["+14155552671", "+442071838750", "+4915123456789", "+33612345678", "+819012345678",
          "+61412345678", "+5511987654321", "+919876543210"]
each("phone-e164", "phone", phones, [
    lambda v: f"SMS sent to {v} (segments=1)",
    lambda v: f'<a href="tel:{v}">call support</a>',
    lambda v: f"phone={v}&country=auto",
    lambda v: f'webhook body {{"To":"{v}","Status":"delivered"}}',
    member(["customer", "phone"]),
    lambda v: f"incoming call from {v} routed to voicemail",
    lambda v: f"verify: code sent to {v}, expires in 300s",
    lambda v: f"contact.mobile: {v}",
])

ibans = ["DE89370400440532013000", "GB82 WEST 1234 5698 7654 32"]
for country in ["FR", "NL", "ES", "IT", "CH", "BE", "AT", "PL", "IE", "DE", "GB", "PT", "FI"]:
    v = iban(country, bban(country))
    if R.random() < 0.4:
        v = " ".join(v[i:i + 4] for i in range(0, len(v), 4))
    ibans.append(v)
for v in ibans:
    assert iban_ok(v), v
each("iban", "iban", ibans, [
    lambda v: f"IBAN: {v}",
    lambda v: f"payout to {v} failed: account closed",
    lambda v: f"iban={v}&bic=DEUTDEFF&amount=1250",
    lambda v: f'{{"iban":"{v}","amount":1250,"currency":"EUR"}}',
    member(["payout", "beneficiary", "iban"]),
    lambda v: f"SEPA credit transfer to {v} rejected (AC04)",
    lambda v: f"updated bank account: {v}",
])

cards = ["4111 1111 1111 1111", "5500-0055-5555-5559", "378282246310005"]
brands = [("4", 16), ("4", 16), ("51", 16), ("54", 16), ("2221", 16), ("2720", 16),
          (str(R.randrange(2300, 2700)), 16), ("34", 15), ("37", 15), ("6011", 16), ("65", 16),
          (str(R.randrange(3528, 3590)), 16), ("3530", 16), ("36", 14), ("36", 14), ("62", 16),
          ("62", 16)]
for k, (prefix, length) in enumerate(brands):
    d = card(prefix, length)
    sep = [" ", "-", "", " ", ""][k % 5]
    if length == 16 and sep:
        d = group(d, [4, 4, 4, 4], sep)
    elif length == 15 and sep:
        d = group(d, [4, 6, 5], sep)
    elif length == 14 and sep:
        d = group(d, [4, 6, 4], sep)
    cards.append(d)
for v in cards:
    assert luhn_ok(v.replace(" ", "").replace("-", "")), v
each("credit-card", "credit-card", cards, [
    lambda v: f"card={v}",
    lambda v: f"charging card {v} for order 88231",
    lambda v: f"PAN {v} declined: insufficient funds",
    lambda v: f'{{"card_number":"{v}","exp":"12/28"}}',
    member(["payment", "card", "number"]),
    lambda v: f"cc_number={v}&exp_month=12&exp_year=2028",
    lambda v: f"payment.card.number: {v}",
])

jwts = [jwt(a) for a in ["HS256", "RS256", "ES256", "HS256", "RS256", "HS256", "ES256", "HS256"]]
each("jwt", "jwt", jwts, [
    lambda v: f"Set-Cookie: session={v}; Path=/; HttpOnly; Secure",
    lambda v: f"jwt verification failed for {v}: token is expired",
    member(["session", "jwt"]),
    lambda v: f"magic link: https://app.example.com/login/verify?t={v}&next=%2Fhome",
    lambda v: f"GET /sso/callback?jwt={v} HTTP/1.1",
    lambda v: f"cookie: theme=dark; sid={v}",
    lambda v: f"decoded claims of {v} did not match the audience",
    member_fmt(["ws", "subprotocol"], "graphql-ws, {v}"),
])

authz = [rs(40, ALNUM + "-._~"), "abc123", "ya29.a0" + rs(60, B64URL), rs(32, HEX),
         b64(b"deploy:" + rs(16).encode()), b64(b"admin:" + rs(12).encode()),
         rs(48, ALNUM), b64(b"svc-backup:" + rs(20).encode()), rs(36, ALNUM + "-._~+/"),
         rs(43, B64URL)]
forms_authz = [
    lambda v: f"Authorization: Bearer {v}",
    lambda v: f"curl -sS -H 'Authorization: Bearer {v}' https://api.example.com/v1/me",
    member_fmt(["headers", "authorization"], "Bearer {v}"),
    lambda v: f"authorization: bearer {v}",
    lambda v: f"Authorization: Basic {v}",
    lambda v: f"Proxy-Authorization: Basic {v}",
    lambda v: f"> GET /v1/orders HTTP/1.1\r\n> Host: api.example.com\r\n> Authorization: Bearer {v}\r\n> Accept: */*\r\n",
    member_fmt(["req", "headers", "Authorization"], "Basic {v}"),
    lambda v: f"http request: Authorization=Bearer {v} method=GET",
    lambda v: f"request headers map[Authorization:[Bearer {v}] User-Agent:[Go-http-client/1.1]]",
]
for k, v in enumerate(authz):
    L.add("authorization-header", "bearer", v, forms_authz[k](v))

oauth = [rs(43, B64URL), "ya29.a0" + rs(70, B64URL), "1//0g" + rs(80, B64URL), rs(32, HEX),
         "EAAC" + rs(100, ALNUM), rs(64, ALNUM), rs(40, LOWER_ALNUM), rs(43, B64URL),
         rs(40, ALNUM + "-._~"), rs(48, ALNUM)]
forms_oauth = [
    lambda v: f"GET /cb?code=4%2F0Ae{rs(20, B64URL)}&access_token={v}&state={rs(12, LOWER_ALNUM)} HTTP/1.1",
    lambda v: f"POST /oauth/token grant_type=refresh_token&refresh_token={v}&client_id=web",
    lambda v: f'token response {{"access_token":"{v}","token_type":"Bearer","expires_in":3599}}',
    lambda v: f"redirect https://app.example.com/#access_token={v}&token_type=bearer&expires_in=3600",
    lambda v: f"GET /auth/callback?state={rs(12, LOWER_ALNUM)}&id_token={v} 302",
    lambda v: f"access_token: {v}",
    lambda v: f'refresh_token = "{v}"',
    lambda v: f'{{"refresh_token":"{v}","scope":"offline_access"}}',
    lambda v: f"GET /api/feed?access_token={v} 200 12ms",
    lambda v: f"oidc: id_token={v} nonce=n-0S6_WzA2Mj",
]
for k, v in enumerate(oauth):
    L.add("oauth-token", "bearer", v, forms_oauth[k](v))

aws_ids = [p + rs(16, B32) for p in ["AKIA", "AKIA", "ASIA", "ABIA", "ACCA", "AKIA", "ASIA"]]
each("aws-access-token", "aws-key", aws_ids, [
    lambda v: f"AWS_ACCESS_KEY_ID={v}",
    lambda v: f"[default]\naws_access_key_id = {v}\nregion = eu-west-1\n",
    lambda v: f"Credential={v}/20260103/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date",
    member(["Credentials", "AccessKeyId"]),
    lambda v: f"InvalidAccessKeyId: The AWS Access Key Id {v} does not exist in our records",
    lambda v: f"aws configure set aws_access_key_id {v}",
    lambda v: f"GET /?Action=GetCallerIdentity&X-Amz-Credential={v}%2F20260103%2Fus-east-1%2Fsts%2Faws4_request",
])

aws_secrets = [rs(40, ALNUM + "+/") for _ in range(8)]
each("aws-secret-access-key", "aws-key", aws_secrets, [
    lambda v: f"aws_secret_access_key={v}",
    lambda v: f"[default]\naws_access_key_id = AKIA{rs(16, B32)}\naws_secret_access_key = {v}\n",
    lambda v: f"AWS_SECRET_ACCESS_KEY={v}",
    lambda v: f'export AWS_SECRET_ACCESS_KEY="{v}"',
    lambda v: f'sts response {{"AccessKeyId":"ASIA{rs(16, B32)}","SecretAccessKey":"{v}","Expiration":"2026-01-03T18:10:35Z"}}',
    lambda v: f'"SecretAccessKey": "{v}",',
    lambda v: f"aws_secret_access_key: {v}",
    lambda v: f"docker run -e AWS_SECRET_ACCESS_KEY={v} amazon/aws-cli s3 ls",
])

for rule, prefix, env in [("github-pat", "ghp_", "GITHUB_TOKEN"), ("github-oauth", "gho_", "GH_OAUTH"),
                          ("github-app-token", None, "GH_APP_INSTALLATION"),
                          ("github-refresh-token", "ghr_", "GH_REFRESH")]:
    vals = [(prefix or ["ghu_", "ghs_"][k % 2]) + rs(36) for k in range(7)]
    forms = token_forms(env, "github", "gh_pat", "gh")
    forms[1] = lambda v: f"remote: Invalid username or token {v}. fatal: Authentication failed"
    each(rule, "github-token", vals, forms)
fg = ["github_pat_11" + rs(20, UPPER_ALNUM) + "_" + rs(59) for _ in range(6)]
each("github-fine-grained-pat", "github-token", fg,
     token_forms("GITHUB_PAT", "github", "gh_pat", "gh")[::-1])

gitlab = [
    ("gitlab-pat", lambda: "glpat-" + rs(20, B64URL), "GITLAB_PAT",
     [lambda v: f"git -c http.extraHeader='PRIVATE-TOKEN: {v}' fetch origin"]),
    ("gitlab-ptt", lambda: "glptt-" + rs(40, HEX), "TRIGGER",
     [lambda v: f"curl -X POST -F token={v} -F ref=main https://gitlab.example.com/api/v4/projects/42/trigger/pipeline"]),
    ("gitlab-rrt", lambda: "GR1348941" + rs(20, B64URL), "REGISTRATION",
     [lambda v: f"gitlab-runner register --non-interactive --url https://gitlab.example.com --registration-token {v}"]),
    ("gitlab-runner-token", lambda: "glrt-" + rs(20, B64URL), "RUNNER_AUTH",
     [lambda v: f'[[runners]]\n  name = "docker-1"\n  token = "{v}"\n']),
    ("gitlab-deploy-token", lambda: "gldt-" + rs(20, B64URL), "DEPLOY",
     [lambda v: f"docker login -u gitlab+deploy-token-12 -p {v} registry.gitlab.example.com"]),
    ("gitlab-cicd-job-token", lambda: "glcbt-" + rs(R.randrange(1, 6), ALNUM) + "_" + rs(20, B64URL),
     "CI_JOB_TOKEN", [lambda v: f"curl --header \"JOB-TOKEN: {v}\" https://gitlab.example.com/api/v4/job"]),
    ("gitlab-feed-token", lambda: "glft-" + rs(20, B64URL), "FEED",
     [lambda v: f"GET /dashboard/projects.atom?feed_token={v} 200"]),
    ("gitlab-oauth-app-secret", lambda: "gloas-" + rs(64, B64URL), "GITLAB_OIDC_APP",
     [lambda v: f"omniauth gitlab provider: app_id=4b1e9a app_sec {v}"]),
    ("gitlab-incoming-mail-token", lambda: "glimt-" + rs(25, B64URL), "INCOMING_MAIL",
     [lambda v: f"incoming_email: mailbox token {v} rejected"]),
    ("gitlab-kubernetes-agent-token", lambda: "glagent-" + rs(50, B64URL), "AGENT",
     [lambda v: f"helm upgrade --install k8s-agent gitlab/gitlab-agent --set config.token={v}"]),
    ("gitlab-scim-token", lambda: "glsoat-" + rs(20, B64URL), "SCIM",
     [lambda v: f"scim provisioning via https://gitlab.example.com/api/scim/v2/groups/acme with {v}"]),
    ("gitlab-feature-flag-client-token", lambda: "glffct-" + rs(20, B64URL), "UNLEASH_INSTANCE_ID",
     [lambda v: f"unleash client: url=https://gitlab.example.com/api/v4/feature_flags/unleash/42 instance_id={v}"]),
]
for rule, gen, env, special in gitlab:
    vals = [gen() for _ in range(6)]
    forms = special + token_forms(env, "gitlab", "gitlab_token", "glab")[1:]
    each(rule, "gitlab-token", vals, forms)

slack = [
    ("slack-bot-token", lambda: f"xoxb-{digits(12)}-{digits(13)}-{rs(24)}"),
    ("slack-user-token", lambda: f"xoxp-{digits(12)}-{digits(12)}-{digits(13)}-{rs(32, HEX)}"),
    ("slack-app-token", lambda: f"xapp-1-A{rs(10, UPPER_ALNUM)}-{digits(13)}-{rs(64, HEX)}"),
    ("slack-legacy-token", lambda k: [
        lambda: f"xoxa-2-{rs(40)}", lambda: f"xoxo-{digits(10)}-{digits(11)}-{digits(12)}-{rs(32, HEX)}",
        lambda: f"xoxs-{digits(10)}-{digits(11)}-{digits(12)}-{rs(64, HEX)}",
        lambda: f"xoxr-{rs(40)}"][k % 4]()),
]
for rule, gen in slack:
    vals = [gen(k) if rule == "slack-legacy-token" else gen() for k in range(6)]
    forms = token_forms("SLACK_TOKEN", "slack", "slack_bot", "slackcat")
    forms[1] = lambda v: f"slack: POST https://slack.com/api/chat.postMessage failed: invalid_auth for {v}"
    each(rule, "slack-token", vals, forms)
hooks = [f"T{rs(R.randrange(8, 11), UPPER_ALNUM)}/B{rs(R.randrange(8, 11), UPPER_ALNUM)}/{rs(24)}"
         for _ in range(6)]
forms_hook = [
    lambda v: f"POST https://hooks.slack.com/services/{v} returned 404 no_service",
    lambda v: f"SLACK_WEBHOOK_URL=https://hooks.slack.com/services/{v}",
    member_fmt(["notify", "slack"], "https://hooks.slack.com/services/{v}"),
    lambda v: f"curl -X POST -H 'Content-type: application/json' --data @msg.json https://hooks.slack.com/services/{v}",
    lambda v: f'alertmanager receiver {{"slack_configs":[{{"api_url":"https://hooks.slack.com/services/{v}"}}]}}',
    lambda v: f"webhook: hooks.slack.com/services/{v} (channel #ops)",
]
for k, v in enumerate(hooks):
    L.add("slack-webhook-url", "slack-token", v, forms_hook[k](v))

RSA_DER = bytes.fromhex("308204a40201000282010100")
EC_DER = bytes.fromhex("307702010104")
PKCS8_DER = bytes.fromhex("308204be020100300d06092a864886f70d0101010500")
keys = [
    pem("RSA PRIVATE KEY", RSA_DER, 600),
    pem("EC PRIVATE KEY", EC_DER, 121),
    pem("OPENSSH PRIVATE KEY", b"openssh-key-v1\x00", 400, width=70),
    pem("PRIVATE KEY", PKCS8_DER, 500),
    pem("ENCRYPTED PRIVATE KEY", bytes.fromhex("308202dc304e06092a864886f70d01050d"), 300),
    pem("RSA PRIVATE KEY", RSA_DER, 480,
        headers=f"Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{rs(32, HEX).upper()}\n\n"),
    pem("DSA PRIVATE KEY", bytes.fromhex("308201bb02010002818100"), 330),
    pem("PGP PRIVATE KEY BLOCK", b"\x95\x03\xc6\x04", 350, width=76, headers="\n",
        trailer="\n=" + b64(rbytes(3))),
]
forms_key = [
    lambda v: f"loaded key file /etc/ssl/private/server.key:\n{v}\n",
    lambda v: v,
    lambda v: f"ssh: could not parse identity\n{v}\n(after line 3)",
    member(["tls", "key"]),
    lambda v: f"write_file /run/secrets/signing.key <<EOF\n{v}\nEOF",
    lambda v: f"decrypt failed for\n{v}",
    lambda v: f"id_dsa contents: {v}",
    lambda v: f"gpg: importing\n{v}\n",
]
for k, v in enumerate(keys):
    L.add("private-key", "private-key", v, forms_key[k](v))
# Private keys written inside JSON inside a string: their newlines are the
# two characters \n in the decoded text.
for k in range(2):
    key = pem(["PRIVATE KEY", "RSA PRIVATE KEY"][k], [PKCS8_DER, RSA_DER][k], 400)
    esc = key.replace("\n", "\\n")
    form = [lambda v: f'credentials {{"type":"service_account","project_id":"acme-prod","private_key":"{v}\\n","client_email":"svc@acme-prod.iam.gserviceaccount.com"}}',
            lambda v: f'SSH_PRIVATE_KEY="{v}"'][k]
    L.add("private-key", "private-key", esc, form(esc))

# url-credentials: the secret is user:password (a URL with an empty user:
# the password; ":password" may be masked too).
ucred = [
    lambda u, p: (f"{u}:{p}", f"DATABASE_URL=postgres://{u}:{p}@db.internal:5432/prod"),
    lambda u, p: (p, f"connecting to redis://:{p}@cache-1.internal:6379/0"),
    lambda u, p: (f"{u}:{p}", f"git clone https://{u}:{p}@git.example.com/acme/site.git"),
    lambda u, p: (f"{u}:{p}", f"amqp://{u}:{p}@rabbitmq:5672/%2F connection refused"),
    lambda u, p: (f"{u}:{p}", f'{{"dsn":"mongodb+srv://{u}:{p}@cluster0.example.net/?retryWrites=true"}}'),
    lambda u, p: (f"{u}:{p}", f"ftp://{u}:{p}@ftp.example.org/nightly/ 530 Login incorrect"),
    lambda u, p: (f"{u}:{p}", f"sqlalchemy.url = mysql+pymysql://{u}:{p}@127.0.0.1:3306/shop"),
    lambda u, p: (p, f"HTTPS_PROXY=http://:{p}@proxy.example.com:3128"),
    lambda u, p: (f"{u}:{p}", f"sftp://{u}:{p}@files.example.com:22/in"),
    lambda u, p: (f"{u}:{p}", f"GET https://{u}:{p}@registry.example.com/v2/_catalog 401"),
    lambda u, p: (p, f"redis-cli -u redis://:{p}@10.0.4.12:6380 ping"),
]
users = ["app", "", "deploy", "guest", "svc-reporting", "backup", "root", "", "ops", "ci-bot", ""]
for k, f in enumerate(ucred):
    secret, sentence = f(users[k], url_password())
    if k == 4:
        L.add("url-credentials", "url-credentials", secret,
              member(["db", "dsn"])(sentence[8:-2]))
    else:
        L.add("url-credentials", "url-credentials", secret, sentence)

stripe = [p + rs(n) for p, n in [("sk_live_", 24), ("sk_test_", 99), ("rk_live_", 24),
                                 ("rk_test_", 99), ("sk_live_", 99), ("sk_test_", 24),
                                 ("rk_live_", 60)]]
forms = token_forms("STRIPE_SK", "stripe", "stripe_sk", "stripe")
forms[1] = lambda v: f"Stripe::AuthenticationError: Invalid API Key provided: {v}"
each("stripe-access-token", "stripe-key", stripe, forms)
whsec = ["whsec_" + rs(32) for _ in range(6)]
forms = token_forms("STRIPE_WEBHOOK_SIGNING", "stripe", "endpoint_signing", "stripe")
forms[0] = lambda v: f"Ready! Your webhook signing secret is {v} (^C to quit)"
each("stripe-webhook-secret", "stripe-key", whsec, forms)

gcp = ["AIza" + rs(35, B64URL) for _ in range(6)]
forms = token_forms("GOOGLE_MAPS_KEY", "maps", "gmaps", "geocoder")
forms[0] = lambda v: f"GET https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key={v} 200"
forms[1] = lambda v: f"firebase.initializeApp({{apiKey: '{v}', projectId: 'acme-web'}})"
each("gcp-api-key", "google-key", gcp, forms)
gocspx = ["GOCSPX-" + rs(28, B64URL) for _ in range(6)]
forms = token_forms("GOOGLE_OAUTH_APP", "google", "oauth_app", "gcloud")
forms[0] = member(["installed", "client_secret"])
each("gcp-oauth-client-secret", "google-key", gocspx, forms)

acct_keys = [b64(rbytes(64)) for _ in range(6)]
for v in acct_keys:
    assert len(v) == 88 and v.endswith("==") and len(base64.b64decode(v)) == 64
forms_acct = [
    lambda v: f"AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey={v};EndpointSuffix=core.windows.net",
    lambda v: f'local.settings.json {{"AzureWebJobsStorage":"DefaultEndpointsProtocol=https;AccountName=acmefn;AccountKey={v};EndpointSuffix=core.windows.net"}}',
    member(["storage", "connectionString"]),
    lambda v: f"az storage blob upload --connection-string \"DefaultEndpointsProtocol=https;AccountName=acmebk;AccountKey={v}\" -f db.bak",
    lambda v: f"DefaultEndpointsProtocol=https;AccountName=acmedata;AccountKey={v};BlobEndpoint=https://acmedata.blob.core.windows.net/;",
    lambda v: f"Microsoft.Azure.Storage.StorageException: connection string AccountName=acmeq;AccountKey={v};EndpointSuffix=core.windows.net is invalid",
]
for k, v in enumerate(acct_keys):
    f = forms_acct[k]
    if k == 2:
        L.add("azure-storage-account-key", "azure-key", v, member(["storage", "connectionString"])(
            f"DefaultEndpointsProtocol=https;AccountName=acmeweb;AccountKey={v};EndpointSuffix=core.windows.net"))
    else:
        L.add("azure-storage-account-key", "azure-key", v, f(v))

sas = []
for _ in range(6):
    sig = b64(rbytes(32))
    assert sig.endswith("=")
    sas.append(urllib.parse.quote(sig, safe=""))
for v in sas:
    assert v.endswith("%3D")
sas_q = "sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-02-01T00:00:00Z&st=2026-01-01T00:00:00Z&spr=https"
forms_sas = [
    lambda v: f"GET https://acmelogs.blob.core.windows.net/exports/day.csv?{sas_q}&sig={v} 403",
    lambda v: f"azcopy copy 'https://acmebk.blob.core.windows.net/backups?{sas_q}&sig={v}' ./restore --recursive",
    lambda v: f"https://acmeq.queue.core.windows.net/jobs?sig={v}&{sas_q}",
    lambda v: f"upload url: https://acmeweb.blob.core.windows.net/$web/index.html?sp=racw&st=2026-01-03T10:00:00Z&se=2026-01-04T10:00:00Z&spr=https&sv=2022-11-02&sr=b&sig={v}",
    lambda v: f"SAS_URL=https://acmedata.file.core.windows.net/share?{sas_q}&sig={v}",
    lambda v: f"BlobSharedAccessSignature=sv=2022-11-02&ss=b&srt=sco&sp=rwdlac&se=2026-12-31T00:00:00Z&sig={v}",
]
for k, v in enumerate(sas):
    if k == 2:
        L.add("azure-sas-token", "azure-key", v, member(["export", "sasUrl"])(forms_sas[k](v)))
    else:
        L.add("azure-sas-token", "azure-key", v, forms_sas[k](v))

openai = []
for k in range(7):
    if k == 6:
        openai.append("sk-" + rs(20) + "T3BlbkFJ" + rs(20))
        continue
    n = [74, 58][k % 2]
    openai.append(f"sk-{['proj', 'svcacct', 'admin'][k % 3]}-{rs(n, B64URL)}T3BlbkFJ{rs(n, B64URL)}")
forms = token_forms("OPENAI_KEY", "openai", "openai_key", "llm")
forms[1] = lambda v: f"openai.AuthenticationError: Error code: 401 - Incorrect API key provided: {v}."
each("openai-api-key", "openai-key", openai, forms)
ant = ["sk-ant-api03-" + rs(93, B64URL) + "AA" for _ in range(6)]
forms = token_forms("ANTHROPIC_KEY", "anthropic", "anthropic_key", "claude")
each("anthropic-api-key", "anthropic-key", ant, forms)
ant_admin = ["sk-ant-admin01-" + rs(93, B64URL) + "AA" for _ in range(6)]
each("anthropic-admin-api-key", "anthropic-key", ant_admin, forms[2:] + forms[:2])

npm = ["npm_" + rs(36) for _ in range(6)]
forms = token_forms("NPM_TOKEN", "npm", "npm_token", "npm")
forms[0] = lambda v: f"//registry.npmjs.org/:_authToken={v}"
each("npm-access-token", "npm-token", npm, forms)
pypi = ["pypi-AgEIcHlwaS5vcmc" + rs(R.randrange(60, 170), B64URL) for _ in range(6)]
forms = token_forms("UV_PUBLISH_TOKEN", "pypi", "pypi_token", "uv")
forms[0] = lambda v: f"twine upload -u __token__ -p {v} dist/*"
each("pypi-upload-token", "pypi-token", pypi, forms)
sendgrid = [f"SG.{rs(22, B64URL)}.{rs(43, B64URL)}" for _ in range(6)]
each("sendgrid-api-token", "sendgrid-key", sendgrid, token_forms("SENDGRID_KEY", "sendgrid", "sg_key", "mailer"))
twilio = ["SK" + rs(32, HEX) for _ in range(6)]
forms = token_forms("TWILIO_KEY_SID", "twilio", "key_sid", "twilio")
forms[1] = lambda v: f"twilio: authenticating with key sid {v} for account AC{rs(32, HEX)}"
each("twilio-api-key", "twilio-key", twilio, forms)

mg = ["key-" + rs(32, HEX) for _ in range(6)]
forms = token_forms("MAILGUN_KEY", "mailgun", "mailgun_key", "mailgun")
forms[0] = lambda v: f"curl -s --user 'api:{v}' https://api.mailgun.net/v3/mg.example.com/messages"
each("mailgun-private-api-token", "mailgun-key", mg, forms)
mgpub = ["pubkey-" + rs(32, HEX) for _ in range(6)]
forms = token_forms("MAILGUN_PUBKEY", "mailgun", "mailgun_pubkey", "mailgun")
forms[0] = lambda v: f"mailgun address validation with public key {v}"
each("mailgun-pub-key", "mailgun-key", mgpub, forms)
mgsign = [f"{rs(32, HEX)}-{rs(8, HEX)}-{rs(8, HEX)}" for _ in range(6)]
each("mailgun-signing-key", "mailgun-key", mgsign, [
    lambda v: f"MAILGUN_WEBHOOK_SIGNING_KEY={v}",
    lambda v: f"mailgun webhook signing key: {v}",
    lambda v: f"mailgun: verifying webhook with signing key {v}",
    lambda v: f'{{"mailgun":{{"signing_key":"{v}","domain":"mg.example.com"}}}}',
    lambda v: f"mailgun_signing_key = {v}",
    lambda v: f"export MAILGUN_SIGNING_KEY={v}",
])

for rule, prefix in [("digitalocean-pat", "dop_v1_"), ("digitalocean-access-token", "doo_v1_"),
                     ("digitalocean-refresh-token", "dor_v1_")]:
    vals = [prefix + rs(64, HEX) for _ in range(6)]
    forms = token_forms("DIGITALOCEAN_TOKEN", "digitalocean", "do_token", "doctl")
    forms[0] = lambda v: f"doctl auth init --context prod -t {v}"
    each(rule, "digitalocean-token", vals, forms)

for rule, prefix in [("shopify-access-token", "shpat_"), ("shopify-custom-access-token", "shpca_"),
                     ("shopify-private-app-access-token", "shppa_"), ("shopify-shared-secret", "shpss_")]:
    vals = [prefix + rs(32, HEX) for _ in range(6)]
    forms = token_forms("SHOPIFY_ADMIN", "shopify", "shopify_admin", "shopify")
    forms[1] = lambda v: f"shopify: GET https://acme.myshopify.com/admin/api/2024-01/shop.json with {v} returned 401"
    each(rule, "shopify-token", vals, forms)

hvs = ["hvs." + rs(R.randrange(90, 110), B64URL) for _ in range(6)]
forms = token_forms("VAULT_TOKEN", "vault", "vault_token", "vault")
forms[0] = lambda v: f"vault login {v}"
forms[1] = lambda v: f"X-Vault-Token: {v}"
each("vault-service-token", "vault-token", hvs, forms)
hvb = ["hvb." + rs(R.randrange(138, 180), B64URL) for _ in range(6)]
forms = token_forms("VAULT_TOKEN", "vault", "vault_token", "vault")
forms[0] = lambda v: f"vault token lookup {v}"
each("vault-batch-token", "vault-token", hvb, forms)

tg = [f"{R.randrange(10**8, 10**10)}:AA{rs(33, B64URL)}" for _ in range(6)]
forms = token_forms("TELEGRAM_BOT_TOKEN", "telegram", "telegram_bot", "notifier")
forms[0] = lambda v: f"POST https://api.telegram.org/bot{v}/sendMessage?chat_id=-1001234567890 409"
forms[1] = lambda v: f"telegram.error.InvalidToken: Invalid token {v}"
each("telegram-bot-api-token", "telegram-token", tg, forms)

dd = [rs(32, HEX), rs(40, HEX), rs(32, HEX), rs(40, HEX), rs(32, HEX), rs(32, HEX), rs(40, HEX),
      rs(32, HEX)]
each("datadog-access-token", "datadog-key", dd, [
    lambda v: f"dd_api_key={v}",
    lambda v: f"DD_APP_KEY={v}",
    lambda v: f"datadog_api_key: {v}",
    lambda v: f"docker run -d -e DD_API_KEY={v} -e DD_SITE=datadoghq.eu gcr.io/datadoghq/agent:7",
    lambda v: f"api_url=https://api.datadoghq.com dd_api_key={v} tags=env:prod",
    lambda v: f"export DD_API_KEY={v}",
    lambda v: f"DD_APP_KEY={v} terraform plan",
    lambda v: f"datadog:\n  datadog_api_key: {v}\n  site: datadoghq.eu\n",
])

heroku = [ruuid() for _ in range(6)]
each("heroku-api-key", "heroku-key", heroku, [
    lambda v: f"HEROKU_API_KEY={v}",
    lambda v: f"export HEROKU_API_KEY={v}",
    lambda v: f"heroku api key: {v}",
    lambda v: f"docker run -e HEROKU_API_KEY={v} heroku/cli apps",
    lambda v: f"heroku_api_key = {v}",
    lambda v: f"HEROKU_API_KEY={v} git push heroku main",
])
heroku2 = ["HRKU-AA" + rs(58, B64URL) for _ in range(6)]
each("heroku-api-key-v2", "heroku-key", heroku2, token_forms("HEROKU_API_KEY", "heroku", "heroku_key", "heroku"))

docker = []
for u in ["deploy", "ci-bot", "alice", "AWS", "robot$acme+ci", "_json_key"]:
    auth = b64(f"{u}:{url_password()}".encode())
    assert ":" in base64.b64decode(auth).decode()
    docker.append(auth)
each("docker-config-auth", "docker-auth", docker, [
    lambda v: f'wrote /root/.docker/config.json: {{"auths":{{"ghcr.io":{{"auth":"{v}"}}}}}}',
    lambda v: f'"auth": "{v}"',
    lambda v: f'{{"auths": {{"https://index.docker.io/v1/": {{"auth": "{v}", "email": ""}}}}}}',
    lambda v: f'DOCKER_AUTH_CONFIG={{"auths":{{"registry.example.com":{{"auth":"{v}"}}}}}}',
    lambda v: f'kubectl create secret generic regcred: .dockerconfigjson {{"auths":{{"123456789012.dkr.ecr.eu-west-1.amazonaws.com":{{"auth":"{v}"}}}}}}',
    lambda v: f'config.json:\n{{\n\t"auths": {{\n\t\t"quay.io": {{\n\t\t\t"auth": "{v}"\n\t\t}}\n\t}}\n}}',
])

pw = [password(query=k == 1) for k in range(19)]
each("password-assignment", "password", pw, [
    lambda v: f"mysql -u root --password={v} -h db.internal shop",
    lambda v: f"GET /login?user=bob&password={v}&next=%2F HTTP/1.1",
    lambda v: f'login request {{"username":"bob","password":"{v}","remember":true}}',
    lambda v: f'password: "{v}"',
    lambda v: f"PGPASSWORD={v} pg_dump -h db.internal -U app prod",
    lambda v: f"MYSQL_PWD={v} mysql -u app",
    lambda v: f"Server=db.internal;Database=shop;User Id=sa;Password={v};",
    lambda v: f"passwd={v}",
    lambda v: f"ldapsearch -D cn=admin,dc=example,dc=org --password {v} -b dc=example,dc=org",
    lambda v: f"pwd={v}",
    lambda v: f"[client]\nuser = app\npassword={v}\n",
    lambda v: f'"password":"{v}"',
    lambda v: f"smtp_password={v} smtp_host=mail.example.com",
    lambda v: f"mongosh --username admin --password={v} --authenticationDatabase admin",
    lambda v: f"spring.datasource.password={v}",
    lambda v: f"redis.conf: masterauth on, password: {v}",
    # Real JSON members: the name says the whole string is the secret.
    member(["db", "password"]),
    member(["smtp", "smtpPassword"]),
    member(["user", "passwd"]),
])

api = [rs(32, HEX), rs(40), ruuid().replace("-", ""), rs(48, B64URL), rs(32), rs(64, HEX),
       rs(24, ALNUM), rs(40, HEX), rs(36, B64URL), rs(32, HEX), rs(50), rs(28)]
each("secret-assignment", "api-key", api, [
    lambda v: f"GET /v1/data?apikey={v}&format=json 200",
    lambda v: f"curl -H 'x-api-key: {v}' https://api.example.com/v2/reports",
    lambda v: f"POST /oauth/token client_id=web&client_secret={v}&grant_type=client_credentials",
    lambda v: f"secret={v}",
    lambda v: f"secret_key={v}",
    lambda v: f'config {{"api_key":"{v}","timeout":30}}',
    lambda v: f"reportgen --api-key={v} --since 2026-01-01",
    lambda v: f"api_key={v}",
    lambda v: f"X-API-Key: {v}",
    lambda v: f'"api_key":"{v}"',
    lambda v: f"api_key = {v}",
    lambda v: f"webhook secret={v} for endpoint /hooks/billing",
    member(["oauth", "client_secret"]),
    member(["service", "apiKey"]),
    member(["vendor", "token"]),
])
each("secret-assignment", "api-key", [rs(32, HEX), rs(40), rs(24, ALNUM)], [
    member(["oauth", "client_secret"]),
    member(["service", "apiKey"]),
    member(["vendor", "token"]),
])

# ---------------------------------------------------------------------------
# Look-alikes: none of them may change.

lookalikes = [
    "Setting up debianutils (4.8.6.3) ...",
    "app version 1.2.3.4 deployed to eu-west-1",
    "Version: 4.2.0.1",
    "upgrading libfoo 1.2.3.4.5 to 1.2.3.4.6",
    "OID 2.5.4.3 (commonName) missing in subject",
    "policy OID 1.3.6.1.4.1.311.21.8 not recognised",
    "Add basic debian/upstream/metadata.",
    "Wed Oct 25 2000:: initial upload",
    "pattern ::1:1.1 ignored",
    "field password: required",
    "password=PASSWORD",
    "password=<your password>",
    "password=${DB_PASSWORD}",
    "mysql -u root --password=$MYSQL_PASSWORD",
    "password=********",
    "api_key=YOUR_API_KEY",
    "api_key=<API_KEY>",
    "client_secret={{ client_secret }}",
    "secret=${SECRET}",
    "Invalid password for user bob (attempt 3 of 5)",
    "Passwords must be at least 12 characters long",
    "Bearer authentication required for /api/v2/users",
    'WWW-Authenticate: Basic realm="Restricted"',
    "missing Authorization header",
    "token expired 31s ago, refreshing",
    "std::vector<int>::push_back failed at src/queue.cpp:118",
    "Module::Build::Base->new called",
    "request id 123e4567-e89b-12d3-a456-426614174000 completed",
    "commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904 merged",
    "checksum sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7",
    "at 2026-01-03T17:10:35.923Z the queue drained",
    "timer 10:20:30 elapsed 00:00:01.234",
    "epoch 1767460235923 ms",
    "card ending in 1111 declined",
    "number 4111 1111 1111 1112 rejected: checksum",
    "IBAN DE89370400440532013001 has invalid check digits",
    "GET /v1/items?page=2&limit=50 200 12ms",
    "npm install @types/node@20.1.0 lodash@4.17.21",
    "mac aa:bb:cc:dd unknown",
    "tokens start with ghp_ or github_pat_",
    "sk_live_ keys are never logged",
    "see https://example.com/docs?user=bob",
    "token_type=bearer&expires_in=3600",
    "grant_type=client_credentials&scope=read",
    "the AKIA prefix marks long-term keys",
    "host 999.1.1.1 is not an address",
    "version 2.0.0.1 released",
    'password=""',
]
# Sixteen digits that pass Luhn but have no card issuer's prefix.
for prefix in ["9", "1", "8"]:
    lookalikes.append(f"ticket {card(prefix, 16)} closed")
for d in [x.split()[1] for x in lookalikes[-3:]]:
    assert luhn_ok(d) and len(d) == 16

negatives = []
for k, text in enumerate(lookalikes):
    rec = {"ts": ts(1000 + k), "level": "info", "msg": text}
    record = json.dumps(rec, ensure_ascii=False, separators=(",", ":") if k % 2 else (", ", ": "))
    negatives.append({"rule": None, "kind": None, "secret": None, "lookalike": text, "record": record})

rows = L.rows + negatives
for row in rows:
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
