#!/usr/bin/env python3
"""bench/redact-precision.py: the corpus builder and the judge of bench/redact-precision.sh.

    redact-precision.py corpus OUT
        Writes the Debian text corpus: every changelog.Debian.gz, copyright,
        NEWS* and README* (gzip or not; binary files skipped) under
        /usr/share/doc, regular files only (symlinks are not followed, so no
        file is read twice), in sorted path order, one {"msg": LINE} record a
        line; lines are decoded as UTF-8 with errors replaced, empty lines
        skipped.

    redact-precision.py judge CORPUS --run NAME=OUT [--run ...] [--md FILE]
        Aligns each output record with its input record, recovers every masked
        value, judges a sample of each kind by the rules written down at the
        top of bench/redact-precision.sh (rule ids such as ipv4.I3 appear in
        the code below), checks e-mail recall with an independent regex, prints
        the report and writes the markdown section to FILE.

Python 3 standard library only. The judge does not call ndj and does not copy
its patterns or validators: the rules are the formats' own definitions plus
how a human reads the line.
"""
import argparse
import base64
import binascii
import collections
import gzip
import ipaddress
import json
import math
import os
import random
import re
import sys
import time

DOC_ROOT = "/usr/share/doc"

# ---------------------------------------------------------------------------
# corpus


def corpus_files(root=DOC_ROOT):
    paths = []
    for d, dirs, files in os.walk(root):  # does not descend into symlinked directories
        dirs.sort()
        for f in files:
            if not (f == "changelog.Debian.gz" or f == "copyright" or f.startswith("NEWS") or f.startswith("README")):
                continue
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            paths.append(p)
    paths.sort()
    return paths


def is_binary(data):
    head = data[:8192]
    if b"\0" in head:
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27, 8))
    return bool(head) and ctrl > len(head) // 10


def build_corpus(out):
    files = lines = skipped = 0
    tmp = out + ".tmp.%d" % os.getpid()
    used = []
    with open(tmp, "w", encoding="utf-8") as w:
        for p in corpus_files():
            try:
                with open(p, "rb") as fh:
                    data = fh.read()
                if p.endswith(".gz"):
                    data = gzip.decompress(data)
            except (OSError, EOFError, gzip.BadGzipFile) as e:
                print("redact-precision: skipping %s: %s" % (p, e), file=sys.stderr)
                skipped += 1
                continue
            if is_binary(data):
                print("redact-precision: skipping binary %s" % p, file=sys.stderr)
                skipped += 1
                continue
            files += 1
            used.append((lines + 1, p))
            for line in data.decode("utf-8", errors="replace").split("\n"):
                line = line.rstrip("\r")
                if not line.strip():
                    continue
                w.write(json.dumps({"msg": line}, ensure_ascii=False) + "\n")
                lines += 1
    with open(out + ".files", "w", encoding="utf-8") as w:
        w.write("".join("%d\t%s\n" % (first, p) for first, p in used))  # first record of each file
    os.replace(tmp, out)
    print("redact-precision: corpus %s: %d files, %d lines (%d files skipped)" % (out, files, lines, skipped),
          file=sys.stderr)


# ---------------------------------------------------------------------------
# alignment: input string + output string -> masked values

MASK_RE = re.compile(r"\[REDACTED:([A-Za-z0-9_-]+)\]")


def align(inp, out):
    """[(kind, start, end)] of the masked values in inp, or None if out cannot be aligned with inp."""
    parts = MASK_RE.split(out)
    if len(parts) == 1:
        return [] if inp == out else None
    kinds = parts[1::2]
    pattern = "".join(re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(parts))
    try:
        m = re.fullmatch(pattern, inp, re.DOTALL)
    except RecursionError:
        m = None
    if not m:
        return None
    return [(k, m.start(i + 1), m.end(i + 1)) for i, k in enumerate(kinds)]


# ---------------------------------------------------------------------------
# shared judge helpers

class Item:
    __slots__ = ("kind", "run", "rec", "start", "end", "line")

    def __init__(self, kind, run, rec, start, end, line):
        self.kind, self.run, self.rec, self.start, self.end, self.line = kind, run, rec, start, end, line

    @property
    def value(self):
        return self.line[self.start:self.end]

    @property
    def before(self):
        return self.line[:self.start]

    @property
    def after(self):
        return self.line[self.end:]


def T(reason="ok"):
    return True, reason


def F(reason):
    return False, reason


# G4: placeholders are not credentials.
PLACEHOLDER_WORDS = {
    "password", "passwd", "pass", "pwd", "pw", "passphrase", "secret", "token", "key", "apikey", "api_key",
    "api-key", "credentials", "credential", "none", "null", "nil", "undef", "undefined", "empty", "true", "false",
    "yes", "no", "on", "off", "required", "optional", "prompt", "ask", "foo", "bar", "baz", "example", "value",
    "string", "str", "changeme_placeholder", "your_password", "yourpassword", "mypassword", "your-token", "xxx",
    "username", "user", "login", "default", "auto", "unset", "redacted", "hidden", "masked",
}


def is_placeholder(v):
    s = v.strip().strip("'\"`")
    if s == "":
        return "empty"
    if re.fullmatch(r"<[^<>]*>|\[[^\[\]]*\]|\{[^{}]*\}|\{\{.*\}\}|\$\{[^}]*\}|\$\(.*\)|\$[A-Za-z_][A-Za-z0-9_]*"
                    r"|%\([A-Za-z_]+\)[sd]|%[sd]|@[A-Za-z_]+@", s):
        return "template/variable"
    # an ALLCAPS name: a word up to 12 letters (PASSWORD, TOKEN) or words joined by _ or - (YOUR_API_KEY, DB_PASS2)
    if re.fullmatch(r"[A-Z]{2,12}\d?|[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)+", s) and re.search(r"[A-Z]{2}", s):
        return "ALLCAPS name"
    if re.fullmatch(r"(.)\1{2,}", s) or re.fullmatch(r"[*.xX#-]{3,}|\.\.\.|…", s):
        return "filler"
    if re.search(r"(?i)x{6,}|\*{3,}|0{10,}|your[_-]?(api[_-]?)?(key|token|secret|password)", s):
        return "filler"
    if s.lower() in PLACEHOLDER_WORDS:
        return "placeholder word"
    return None


def filler_body(body):
    """G4 for vendor tokens: the random part is filler (xxxx, 0000, one repeated character)."""
    if not body:
        return True
    if re.search(r"(?i)x{8,}|\*{4,}|0{12,}|\.\.\.", body):
        return True
    common = collections.Counter(body).most_common(1)[0][1]
    return common >= 0.6 * len(body)


def entropy(s):
    if not s:
        return 0.0
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in collections.Counter(s).values())


def words_identifier(s):
    """True when s reads as words glued together (camelCase, snake_case, kebab-case), not random."""
    parts = [p for p in re.split(r"[_.\-/]|(?<=[a-z])(?=[A-Z])", s) if p]
    return bool(parts) and all(re.fullmatch(r"[A-Z]?[a-z]{2,}|[A-Z]{2,}s?", p) for p in parts)


def b64decode_any(s):
    t = s.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=").replace("%2b", "+").replace("%2f", "/") \
        .replace("%3d", "=")
    t = t.replace("-", "+").replace("_", "/")
    t += "=" * (-len(t.rstrip("=")) % 4)
    try:
        return base64.b64decode(t.rstrip("=") + "=" * (-len(t.rstrip("=")) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


# "what is before V in the line, after V": lowercase tails for context words
def tail(s, n):
    return s[-n:].lower()


def head(s, n):
    return s[:n].lower()


# ---------------------------------------------------------------------------
# email (rules email.E1-E3)

EMAIL_LOCAL = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
EMAIL_LABEL = r"(?:[^\W_]|[^\W_][\w-]*[^\W_])"
EMAIL_FULL = re.compile(r"(" + EMAIL_LOCAL + r")@(" + EMAIL_LABEL + r"(?:\." + EMAIL_LABEL + r")*\.([^\W\d_]{2,63}|xn--[a-z0-9-]+))")


PSL = "/usr/share/publicsuffix/public_suffix_list.dat"
# Used when the machine has no public suffix list: file and unit suffixes seen after '@' in
# Debian text that are not top-level domains.
NOT_TLDS = {"service", "timer", "socket", "target", "mount", "automount", "path", "slice", "scope", "device", "swap",
            "po", "pot", "mo", "header", "h", "c", "cc", "cpp", "py", "pl", "pm", "rb", "js", "txt", "conf", "cfg",
            "ini", "log", "loc", "local", "localdomain", "lan", "home", "internal", "oz", "uucp", "bitnet", "invalid"}


def load_tlds():
    try:
        with open(PSL, encoding="utf-8") as fh:
            # the last label of every rule: "za" is listed only through "co.za", "org.za" ...
            return {l.split()[0].rsplit(".", 1)[-1].lower() for l in fh if l.strip() and not l.startswith("//")}
    except OSError:
        return None


TLDS = load_tlds()


def is_tld(label):
    label = label.lower()
    if label.startswith("xn--"):
        try:
            label = label.encode("ascii").decode("idna")
        except UnicodeError:
            return False
    if TLDS is not None:
        return label in TLDS
    return bool(re.fullmatch(r"[^\W\d_]{2,63}", label)) and label not in NOT_TLDS


def tld_source():
    return ("the public suffix list %s (%d top-level domains)" % (PSL, len(TLDS)) if TLDS is not None
            else "any alphabetic label but file and unit suffixes (no public suffix list on this machine)")


def judge_email(it):
    v = it.value.strip("<>()[]\"',;:")
    m = EMAIL_FULL.fullmatch(v)
    if not m:
        if "@" not in v:
            return F("E1 not an address (no @)")
        return F("E1 not an address (bad local part or domain, e.g. no alphabetic top-level label)")
    if len(m.group(1)) > 64:
        return F("E1 local part over 64 characters")
    if not is_tld(m.group(3)):
        return F("E1 the domain does not end in a top-level domain (foo@bar.service, sr@latin.po, en@quot.header)")
    if re.search(r"(?i)(message-id|in-reply-to|references)\W{0,4}<?$", it.before):
        return T("E2 a Message-ID (address syntax, often the sender's address)")
    return T()


# ---------------------------------------------------------------------------
# ipv4 (rules ipv4.I1-I6)

# whole words: not inside a package or file name (libfoo-net, host.c)
NET_WORDS = re.compile(
    r"(?i)(?<![\w.-])(ip|ips|ipv4|ipv6|ip6|addr|address|addresses|host|hosts|hostname|server|servers|net|network|networks"
    r"|subnet|netmask|mask|gateway|gw|route|routes|routing|dns|nameserver|nameservers|resolver|resolv|listen"
    r"|listening|bind|binds|connect|connects|connection|ping|port|localhost|proxy|firewall|iptables|ip6tables"
    r"|nftables|inet|inet6|interface|iface|dhcp|peer|socket|mirror|tcp|udp|ssh|telnet|ntp|smtp|ftp|http|https"
    r"|url|vpn|lan|wan|cidr|loopback|multicast|broadcast|arp|nat|eth0|wlan0|lo)(?![\w-]|\.\w)")

VERSION_BEFORE = re.compile(
    r"(?i)(\bversions?\b|\bver\.?|\brelease[sd]?\b|\bbump(ed|s)?\b|\bupdated?\b|\bupgraded?\b"
    r"|\bsnapshot\b|\btag(ged)?\b|\bstandards-version\b|\brevision\b|\bbackport(ed)?\b|\bfixed in\b"
    r"|\bpatch(level)?\b|\bsince\b|\bfrom\b[^,;]{0,12}\bto\b)[^.;,()\n]{0,30}$")
DEP_OP_BEFORE = re.compile(r"(\(\s*(>=|<=|<<|>>|=|<|>)\s*|(>=|<=|<<|>>|==|~=|!=)\s*)$")
CHANGELOG_HEADER = re.compile(r"^[a-z0-9][a-z0-9+.~-]*\s+\(([^)]*)\)")
OID_WORDS = re.compile(r"(?i)\b(oid|oids|asn\.?1|object identifier|arc|x\.?509|certificate|extension|attribute"
                       r"|snmp|mib|ldap|pkcs|der)\b")
SECTION_BEFORE = re.compile(r"(?i)(\bsection|\bsect\.|\bsec\.|§|\bchapter|\bclause|\bparagraph|\bpara\.|\bfigure"
                            r"|\btable|\bstep|\bitem|\bappendix)\s*$")


def special_v4(o):
    a, b, c, d = o
    if o == [0, 0, 0, 0] or a in (10, 127) or (a == 172 and 16 <= b <= 31) or (a, b) in ((192, 168), (169, 254)):
        return True
    if a == 100 and 64 <= b <= 127:
        return True
    if 224 <= a <= 239 or a == 255:  # multicast, netmasks and broadcast
        return True
    if (a, b, c) in ((192, 0, 2), (198, 51, 100), (203, 0, 113)) or (a == 198 and b in (18, 19)):
        return True
    return tuple(o) in ((8, 8, 8, 8), (8, 8, 4, 4), (1, 1, 1, 1), (9, 9, 9, 9), (1, 0, 0, 1))


def judge_ipv4(it):
    v, b, a, line = it.value, it.before, it.after, it.line
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)\.(\d+)", v)
    if not m:
        return F("I1 not a dotted quad")
    parts = m.groups()
    octets = [int(p) for p in parts]
    if any(o > 255 for o in octets):
        return F("I1 octet over 255")
    if any(len(p) > 1 and p[0] == "0" for p in parts):
        return F("I1 octet with a leading zero")
    if octets[0] == 0 and octets != [0, 0, 0, 0]:
        return F("I1 first octet 0")
    # I2: a piece of a longer token
    if re.search(r"[\w.]$", b) and not re.search(r"(://|@|\[)$", b):
        if re.search(r"\d\.$", b):
            return F("I2 part of a longer dotted number (version)")
        return F("I2 glued to a word or number (v1.2.3.4, pkg1.2.3.4)")
    if re.search(r"[A-Za-z][-_]$", b):
        return F("I2 package-version or file name (foo-1.2.3.4)")
    if re.search(r"(^|[\s(=])\d{1,2}:$", b):
        return F("I2 Debian version with an epoch (1:1.2.3.4)")
    if re.match(r"\.\d", a):
        return F("I2 part of a longer dotted number (version)")
    if re.match(r"[A-Za-z0-9_]", a):
        return F("I2 glued to a word or number (1.2.3.4a, 1.2.3.4rc1)")
    if re.match(r"[-~+][A-Za-z0-9]", a) and not re.match(r"-\s*\d+\.\d+\.\d+\.\d+", a):
        return F("I2 Debian/upstream version suffix (1.2.3.4-1, +dfsg, ~rc1)")
    # I3: version context
    h = CHANGELOG_HEADER.match(line)
    if h and h.start(1) <= it.start < h.end(1):
        return F("I3 the version in a changelog header")
    if DEP_OP_BEFORE.search(b):
        return F("I3 version in a dependency (>= 1.2.3.4)")
    if VERSION_BEFORE.search(b):
        return F("I3 version context (version, Standards-Version, release, bump, update to ...)")
    if re.match(r"\s*(release|version|series|branch|upstream|tarball)\b", a, re.I):
        return F("I3 version context (followed by release/version)")
    # I4: OID
    if octets[0] <= 2 and (OID_WORDS.search(line) or re.match(r"(1\.2\.840|1\.3\.6|2\.5\.4|2\.5\.29|2\.16\.840|1\.3\.14)\.", v)):
        return F("I4 OID")
    # I5: section/figure number
    if SECTION_BEFORE.search(b):
        return F("I5 section or item number")
    # I6: positive evidence of an address
    if re.match(r":\d{1,5}\b|/\d{1,2}\b", a) or re.search(r"(://|@|\[)$", b) or re.match(r"\]", a):
        return T("I6 port, prefix length or URL")
    if special_v4(octets):
        return T("I6 special-purpose range (private, loopback, documentation, netmask ...)")
    if NET_WORDS.search(line):
        return T("I6 network word in the line")
    return F("I6 no sign of an address (no network word, port, prefix or special range)")


# ---------------------------------------------------------------------------
# ipv6 (rules ipv6.P1-P5)

def judge_ipv6(it):
    v, b, a, line = it.value, it.before, it.after, it.line
    core = v
    if core.startswith("[") and core.endswith("]"):
        core = core[1:-1]
    core = re.sub(r"%[\w.-]+$", "", core)
    core = re.sub(r"/\d{1,3}$", "", core)
    # P3: part of a longer token (C++ / Perl names, fingerprints, longer colon lists)
    if re.search(r"[\w]$", b) and not re.search(r"(://|@|\[)$", b):
        return F("P3 glued to a word or number before it (Foo::bar, a longer hex list)")
    if re.search(r":$", b) and not v.startswith(":"):
        return F("P3 part of a longer colon list")
    if re.match(r"[A-Za-z_]", a) or re.match(r":[\w]", a):
        return F("P3 glued to a word after it (std::map, Foo::Bar, a longer hex list)")
    if re.match(r"\(", a):
        return F("P3 a function call (Foo::bar())")
    try:
        ip = ipaddress.IPv6Address(core)
    except ValueError:
        return F("P1 does not parse as an IPv6 address")
    groups = [g for g in core.split(":") if g]
    if "." in core:
        groups = groups[:-1] + ["v4"]
    # P2: hex words
    if not re.search(r"\d", core):
        return F("P2 hex letters only (dead:beef, add::, cafe::)")
    if re.search(r"\d{4}-\d\d-\d\d[T ]?$", b):
        return F("P4 a time after a date")
    # P5: MAC addresses and fingerprints
    if len(groups) >= 6 and all(re.fullmatch(r"[0-9A-Fa-f]{2}", g) for g in groups):
        return F("P5 MAC address or fingerprint bytes")
    # P6: well-known forms are addresses
    if ip.is_loopback or ip.is_unspecified and "::" == core or ip.is_link_local or ip.is_multicast or ip.ipv4_mapped \
            or core.lower().startswith(("2001:db8", "fe80:", "fc", "fd", "ff0", "::ffff:", "64:ff9b:")):
        return T("P6 a well-known form (::1, fe80::, 2001:db8::, ::ffff:a.b.c.d, fc00::/7, ff0x::)")
    # P4: times, ratios and number lists
    if re.search(r"(?i)\bversion|\brelease|\bupstream\b", tail(b, 30)) and len(groups) <= 3:
        return F("P4 version context")
    if all(re.fullmatch(r"\d{1,2}", g) for g in groups) and not NET_WORDS.search(it.line):
        return F("P4 a time, ratio or list of small numbers (12::30, 2:4:6:8:10:12:14:16)")
    if len(groups) >= 3:
        return T("P6 an address (three or more groups)")
    if NET_WORDS.search(line):
        return T("P6 short form with a network word in the line")
    return F("P6 short colon form with no sign of an address")


# ---------------------------------------------------------------------------
# credit-card (rules credit-card.C1-C3)

def luhn_ok(d):
    total = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def card_brand(d):
    n = len(d)
    p2, p3, p4, p6 = int(d[:2]), int(d[:3]), int(d[:4]), int(d[:6])
    if d[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if (p4 == 6011 or 644 <= p3 <= 649 or p2 == 65 or 622126 <= p6 <= 622925) and 16 <= n <= 19:
        return "discover"
    if (300 <= p3 <= 305 or p2 in (36, 38, 39) or p4 == 3095) and 14 <= n <= 19:
        return "diners"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "jcb"
    if p2 == 62 and 16 <= n <= 19:
        return "unionpay"
    if (p2 == 50 or 56 <= p2 <= 69) and 12 <= n <= 19:
        return "maestro"
    return None


ID_BEFORE = re.compile(
    r"(?i)(\bids?|#|\bbugs?|\bcloses?|\blp|\bcommit|\brev|\brevision|\br|\boffset|\bserial|\bs/n|\bsn|\bnumber"
    r"|\bno\.?|\bnum|\bticket|\bissue|\bcve|\bpr|\btimestamp|\btime|\bepoch|\bsize|\bbytes|\binode|\bsha\d*|\bmd5"
    r"|\bchecksum|\bhash|\bkey|\bfingerprint|\bisbn|\bdoi|\bpatch|\bdebbugs|\blaunchpad|\bphone|\btel|\bfax"
    r"|\bpid|\buid|\bgid|\bport|\bcount|\btotal|\bseq|\bsequence)\W{0,3}$")


def judge_credit_card(it):
    v, b, a = it.value, it.before, it.after
    if re.search(r"[\w.:/]$", b) or re.match(r"[\w.:/]", a) or re.match(r"[-\s]\d", a) or re.search(r"\d[-\s]$", b):
        return F("C3 part of a longer token (version, path, longer digit run)")
    if not re.fullmatch(r"\d+|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{4,5}", v):
        return F("C1 digits not grouped like a card (4-4-4-4 or 4-6-5)")
    d = re.sub(r"\D", "", v)
    brand = card_brand(d)
    if not brand:
        return F("C1 no issuer prefix with this length")
    if not luhn_ok(d):
        return F("C1 Luhn check fails")
    if ID_BEFORE.search(tail(b, 25)):
        return F("C2 an id or number in an id context (bug, #, commit, offset ...)")
    return T("C1 " + brand)


# ---------------------------------------------------------------------------
# jwt (rule jwt.J1)

def judge_jwt(it):
    segs = it.value.split(".")
    if len(segs) != 3 or not all(re.fullmatch(r"[A-Za-z0-9_-]*", s) for s in segs) or not segs[0] or not segs[1]:
        return F("J1 not three base64url segments")
    try:
        hdr = json.loads(b64decode_any(segs[0]) or b"")
        body = json.loads(b64decode_any(segs[1]) or b"")
    except (ValueError, UnicodeDecodeError):
        return F("J1 header or payload is not base64url JSON")
    if not isinstance(hdr, dict) or not isinstance(body, dict) or "alg" not in hdr:
        return F("J1 header is not a JWT header (no alg)")
    return T()


# ---------------------------------------------------------------------------
# bearer (rules bearer.B1-B4)

BEARER_KEY = re.compile(r"(?i)(\bbearer|\bbasic|\bauthorization:\s*(bearer|basic|token)?|\b(access|refresh|id|auth)_?token"
                        r"[\"']?\s*[:=]\s*[\"']?|\btoken\s*[:=]\s*[\"']?)\s*$")


def judge_bearer(it):
    v, b = it.value, it.before
    if not BEARER_KEY.search(b):
        return F("B4 not after Bearer/Basic/Authorization:/access_token=")
    ph = is_placeholder(v)
    if ph:
        return F("B3 placeholder (%s)" % ph)
    if not re.fullmatch(r"[A-Za-z0-9._~+/%-]+=*", v):
        return F("B1 not a token (characters outside the token alphabet)")
    if re.search(r"(?i)\bbasic\s*$", b):
        raw = b64decode_any(v)
        if raw is None:
            return F("B1 Basic credential is not base64")
        try:
            txt = raw.decode("utf-8")
        except UnicodeDecodeError:
            return F("B1 Basic credential does not decode to text")
        if ":" not in txt or not txt.isprintable():
            return F("B1 Basic credential does not decode to user:password")
        return T()
    if not (re.search(r"\d", v) or len(v) >= 20):
        return F("B2 no digit and under 20 characters (a word)")
    if not re.search(r"\d", v) and words_identifier(v):
        return F("B3 words glued together, not random")
    return T()


# ---------------------------------------------------------------------------
# credential positions (password, api-key, generic-secret, aws secret, datadog ...)

def credential_key_before(b, keys):
    """The key (lowercase) when V is in credential position after one of `keys` (a regex alternation):
    key=V, key: V, key V (only for --flag), "key": "V", key="V"."""
    m = re.search(r"(?i)(?:^|[^A-Za-z0-9])(-{1,2})?(" + keys + r")[\"']?\s*(?:=|:=|:|=>|\s)\s*[\"']?$", b)
    if not m:
        return None
    sep = b[m.end(2):].strip(" \"'")
    if sep == "" and not m.group(1):  # "key V" is a credential position only for a --flag
        return None
    return m.group(2).lower()


def literal_problem(v, after):
    """G4 plus code/prose checks for an assigned value. None when v is a plausible literal secret."""
    ph = is_placeholder(v)
    if ph:
        return "placeholder (%s)" % ph
    s = v.strip("'\"")
    if re.search(r"[()]", s) or re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", s) or re.fullmatch(r"(self|this|args|opts|options|config|conf|cfg|env|os)\W.*", s):
        return "a code expression, not a literal"
    if re.fullmatch(r"[a-z]+", s) and re.match(r"\s+[a-z]+\b", after):
        return "English prose"
    if re.fullmatch(r"[a-z]+", s) and len(s) <= 12 and re.match(r"\s*$", after) is None and not re.match(r"[\"'\s,;}]", after):
        return "English prose"
    return None


PASSWORD_KEYS = r"password|passwd|passphrase|pwd|pass|db_pass|[a-z_]*_password|pgpassword|mysql_pwd|mysql_password"
API_KEYS = (r"api[_-]?key|apikey|x-api-key|client[_-]?secret|secret[_-]?key|secret|access[_-]?key|private[_-]?token"
            r"|auth[_-]?token|api[_-]?token|app[_-]?key|app[_-]?secret|consumer[_-]?secret")


def judge_assigned(it, keys, rule):
    if not credential_key_before(it.before, keys):
        return F("%s1 not in a credential position (key=V, --flag V, \"key\": \"V\")" % rule)
    p = literal_problem(it.value, it.after)
    if p:
        return F("%s2 %s" % (rule, p))
    return T()


def judge_password(it):
    return judge_assigned(it, PASSWORD_KEYS, "W")


def judge_api_key(it):
    return judge_assigned(it, API_KEYS, "K")


PUBLIC_ID_WORDS = re.compile(r"(?i)(?<![a-z])(fingerprint|key ?id|keyid|gpg|pgp|checksums?|sha\d*(sum)?|md5(sum)?|hash|commit"
                             r"|uuid|signature|signed|public)(?![a-z])")


def judge_generic_secret(it):
    v, b = it.value, it.before
    if not credential_key_before(b, PASSWORD_KEYS + "|" + API_KEYS + r"|[a-z_-]*(key|token|secret|auth|credentials?)"):
        return F("S1 not in a credential position")
    p = literal_problem(v, it.after)
    if p:
        return F("S2 " + p)
    s = v.strip("'\"")
    if PUBLIC_ID_WORDS.search(tail(b, 40)):
        return F("S3 a public id (fingerprint, key id, checksum, commit, uuid)")
    classes = sum(bool(re.search(c, s)) for c in (r"[a-z]", r"[A-Z]", r"\d"))
    if len(s) < 16 or classes < 2 or words_identifier(s) or re.search(r"\s", s):
        return F("S4 does not look random (under 16 characters, one character class, words or spaces)")
    return T()


# ---------------------------------------------------------------------------
# fixed-format vendor tokens (rule V1: prefix + length of the vendor's format; G4 filler is false)

VENDOR = {
    "aws-key": [r"(AKIA|ASIA|AROA|AIDA|AGPA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}"],
    "github-token": [r"gh[pousr]_[A-Za-z0-9]{36,251}", r"github_pat_[A-Za-z0-9_]{82}"],
    "gitlab-token": [r"glpat-[A-Za-z0-9_-]{20,}(\.[0-9a-z.]+)?", r"glptt-[0-9a-f]{40}", r"GR1348941[A-Za-z0-9_-]{20}",
                     r"glrt-[A-Za-z0-9_-]{20,}", r"gldt-[A-Za-z0-9_-]{20,}", r"glcbt-[A-Za-z0-9_-]{20,}",
                     r"glft-[A-Za-z0-9_-]{20,}", r"gloas-[A-Za-z0-9_-]{64}", r"glimt-[A-Za-z0-9_-]{25}",
                     r"glagent-[A-Za-z0-9_-]{50}", r"glsoat-[A-Za-z0-9_-]{20}", r"glffct-[A-Za-z0-9_-]{20}"],
    "slack-token": [r"xox[baprseo]-[0-9]{6,}-[A-Za-z0-9-]{6,}", r"xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+",
                    r"https://hooks\.slack\.com/(services|workflows)/T[A-Z0-9]+/[AB][A-Z0-9]+/[A-Za-z0-9]{20,}"],
    "stripe-key": [r"(sk|rk)_(live|test)_[0-9A-Za-z]{24,99}", r"whsec_[0-9A-Za-z]{32,}"],
    "google-key": [r"AIza[0-9A-Za-z_-]{35}", r"GOCSPX-[0-9A-Za-z_-]{28}"],
    "openai-key": [r"sk-(proj|svcacct|admin)-[A-Za-z0-9_-]{20,}", r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"],
    "anthropic-key": [r"sk-ant-(api03|admin01)-[A-Za-z0-9_-]{93}AA"],
    "npm-token": [r"npm_[A-Za-z0-9]{36}"],
    "pypi-token": [r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"],
    "sendgrid-key": [r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"],
    "twilio-key": [r"SK[0-9a-fA-F]{32}"],
    "mailgun-key": [r"key-[0-9a-f]{32}", r"pubkey-[0-9a-f]{32}"],
    "digitalocean-token": [r"do[por]_v1_[0-9a-f]{64}"],
    "shopify-token": [r"shp(at|ca|pa|ss)_[0-9a-fA-F]{32}"],
    "vault-token": [r"hvs\.[A-Za-z0-9_-]{90,}", r"hvb\.[A-Za-z0-9_-]{138,}"],
    "telegram-token": [r"\d{5,12}:[A-Za-z0-9_-]{35}"],
    "heroku-key": [r"HRKU-AA[0-9A-Za-z_-]{58}"],
}
AWS_SECRET_KEYS = r"aws_secret_access_key|secretaccesskey|aws_secret_key|aws_secret|secret_access_key"
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def judge_vendor(it):
    v, b, a = it.value, it.before, it.after
    kind = it.kind
    if re.search(r"[A-Za-z0-9]$", b) or re.match(r"[A-Za-z0-9]", a):
        if not (kind in ("slack-token",) and v.startswith("https://")):
            return F("V2 part of a longer token")
    for p in VENDOR.get(kind, []):
        if re.fullmatch(p, v):
            body = re.sub(r"^[A-Za-z]+[_.-]|^\d+:", "", v)
            if filler_body(body):
                return F("G4 filler (xxxx, 0000, one repeated character)")
            return T("V1 vendor format")
    if kind == "aws-key" and credential_key_before(b, AWS_SECRET_KEYS):
        if re.fullmatch(r"[A-Za-z0-9/+]{40}", v) and not filler_body(v):
            return T("V1 40-character secret key after aws_secret_access_key")
        return F("V1 not a 40-character secret key")
    if kind == "mailgun-key" and re.fullmatch(r"[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}", v) and re.search(r"(?i)mailgun", it.line):
        return T("V1 mailgun signing key")
    if kind == "datadog-key" and re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{40}", v) and \
            credential_key_before(b, r"dd_api_key|dd_app_key|datadog_api_key|datadog_app_key|dd_application_key|api_key|app_key"):
        return T("V1 datadog key in credential position")
    if kind == "heroku-key" and re.fullmatch(UUID, v) and re.search(r"(?i)heroku", it.line) and re.search(r"(?i)key|token", b):
        return T("V1 heroku API key (UUID after a heroku key)")
    if kind == "azure-key":
        raw = b64decode_any(v)
        if re.search(r"(?i)accountkey=$", b) and raw is not None and len(raw) == 64:
            return T("V1 storage account key")
        if re.search(r"(?i)[?&]sig=$", b) and raw is not None and len(raw) == 32:
            return T("V1 SAS signature")
        return F("V1 not an account key (64 bytes base64) or SAS sig (32 bytes)")
    if kind == "docker-auth":
        raw = b64decode_any(v)
        if re.search(r"\"auth\"\s*:\s*\"$", b) and raw is not None:
            try:
                txt = raw.decode("utf-8")
            except UnicodeDecodeError:
                txt = ""
            if ":" in txt and txt.isprintable():
                return T("V1 base64 user:password in \"auth\"")
        return F("V1 not base64 of user:password in \"auth\"")
    return F("V1 prefix and length do not match the vendor's format")


# ---------------------------------------------------------------------------
# private-key (rule K1), url-credentials (U1-U2)

def judge_private_key(it):
    v = it.value
    m = re.match(r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----", v)
    if not m:
        return F("PK1 no BEGIN ... PRIVATE KEY line")
    body = re.sub(r"-----[^-]+-----|Proc-Type:.*|DEK-Info:.*|\s", "", v)
    if len(re.findall(r"[A-Za-z0-9+/=]", body)) >= 40:
        return T("PK1 key material after the header")
    if it.line.strip() == v.strip():
        return T("PK1 a PEM block starts here (the header is the whole line)")
    return F("PK2 the header quoted in prose, no key material")


URL_PW_PLACEHOLDERS = {"password", "passwd", "pass", "pw", "pwd", "secret", "pword", "passw0rd_placeholder"}


def judge_url_credentials(it):
    v, b, a = it.value, it.before, it.after
    # the userinfo: from after "scheme://" to "@"
    m = re.search(r"[A-Za-z][A-Za-z0-9+.-]*://([^\s/?#@]*)$", b)
    if not m or not a.startswith("@") and not re.match(r"[^\s/?#]*@", a):
        return F("U1 not the userinfo of scheme://user:password@host")
    m2 = re.match(r"([^\s/?#@]*)@([^\s/?#]+)", a)
    userinfo = m.group(1) + v + (m2.group(1) if m2 else a.split("@", 1)[0])
    host = (m2.group(2) if m2 else "")
    if ":" not in userinfo:
        return F("U2 user name only, no password")
    pw = userinfo.split(":", 1)[1]
    if pw == "":
        return F("U2 empty password")
    if pw.lower() in URL_PW_PLACEHOLDERS or is_placeholder(pw):
        return F("U2 placeholder password (%s)" % (is_placeholder(pw) or "placeholder word"))
    if re.fullmatch(r"\d{1,5}", pw) and not host:
        return F("U2 a port, not a password")
    return T()


# ---------------------------------------------------------------------------
# mac (M1-M2), phone (H1-H3), iban (N1)

def judge_mac(it):
    v, b, a = it.value, it.before, it.after
    if not re.fullmatch(r"[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}", v):
        return F("M1 not six hex bytes with one separator")
    if re.search(r"[\w:-]$", b) or re.match(r"[:-]?\w", a):
        return F("M2 part of a longer hex list (fingerprint, hash, IPv6)")
    if re.search(r"(?i)fingerprint|\bkey\b|ssh|md5|sha", it.line):
        return F("M2 a key fingerprint")
    return T()


CC1 = {"1", "7"}
CC2 = set("20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84"
          " 86 90 91 92 93 94 95 98".split())
CC3_PREFIX = set("21 22 23 24 25 26 29 35 37 38 42 50 59 67 68 69 80 85 87 88 96 97 99".split())


def judge_phone(it):
    v, b, a = it.value, it.before, it.after
    if re.search(r"[\w.~+]$", b) or re.match(r"[\w]", a):
        return F("H2 part of a longer token (version 1.0+20100101, hash, word)")
    if not re.fullmatch(r"\+[\d\s().-]+", v):
        return F("H1 not + and digits")
    d = re.sub(r"\D", "", v)
    if not 8 <= len(d) <= 15:
        return F("H1 not 8-15 digits")
    if not (d[0] in CC1 or d[:2] in CC2 or d[:2] in CC3_PREFIX):
        return F("H1 no assigned country calling code")
    if re.fullmatch(r"(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d*", d):
        return F("H3 a date (yyyymmdd)")
    if re.search(r"@@|\binsertions?\b|\bdeletions?\b|\(\+\)|\s-\d+\s*$", it.line):
        return F("H3 a diff or change count")
    return T()


IBAN_LEN = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}


def judge_iban(it):
    v, b, a = it.value, it.before, it.after
    if re.search(r"\w$", b) or re.match(r"\w", a):
        return F("N2 part of a longer token")
    s = re.sub(r"\s", "", v).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", s) or IBAN_LEN.get(s[:2]) != len(s):
        return F("N1 country code and length do not match")
    n = int("".join(str(int(c, 36)) for c in s[4:] + s[:4]))
    if n % 97 != 1:
        return F("N1 mod-97 check fails")
    return T()


# ---------------------------------------------------------------------------

JUDGES = {
    "email": judge_email, "ipv4": judge_ipv4, "ipv6": judge_ipv6, "credit-card": judge_credit_card, "jwt": judge_jwt,
    "bearer": judge_bearer, "private-key": judge_private_key, "url-credentials": judge_url_credentials,
    "mac": judge_mac, "phone": judge_phone, "iban": judge_iban, "password": judge_password, "api-key": judge_api_key,
    "generic-secret": judge_generic_secret,
}
for _k in list(VENDOR) + ["azure-key", "datadog-key", "docker-auth"]:
    JUDGES.setdefault(_k, judge_vendor)


def judge(it):
    f = JUDGES.get(it.kind)
    if not f:
        return None, "no judge rule for this kind"
    return f(it)


# ---------------------------------------------------------------------------
# e-mail recall with an independent regex

RECALL_ASCII = re.compile(r"[A-Za-z0-9._%+=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
RECALL_UNICODE = re.compile(r"[\w.%+=-]+@[\w-]+(?:\.[\w-]+)+")


def leaked(addr, out):
    local, domain = addr.rsplit("@", 1)
    local = local.strip(".")
    domain = domain.strip(".-")
    if not local or "." not in domain:
        return False
    return (local[-3:] + "@" + domain) in out


# ---------------------------------------------------------------------------

def load_files(corpus):
    """[(first record, path)] from CORPUS.files, or [] when it is missing."""
    out = []
    try:
        with open(corpus + ".files", encoding="utf-8") as fh:
            for l in fh:
                first, _, path = l.rstrip("\n").partition("\t")
                if first.isdigit():
                    out.append((int(first), path))
    except OSError:
        pass
    return out


def where(files, rec):
    """'pkg/file' holding record rec (0-based), for the false-positive listing."""
    import bisect
    i = bisect.bisect_right([f for f, _ in files], rec + 1) - 1
    if i < 0:
        return "record %d" % (rec + 1)
    return "%s, record %d" % (os.path.relpath(files[i][1], DOC_ROOT), rec + 1)


def show(it, width=70):
    b = it.before[-width:]
    a = it.after[:width]
    return ("…" if len(it.before) > width else "") + b + "⟦" + it.value + "⟧" + a + ("…" if len(it.after) > width else "")


def run_judge(args):
    t0 = time.monotonic()
    corpus = [json.loads(l)["msg"] for l in open(args.corpus, encoding="utf-8")]
    files = load_files(args.corpus)
    items = collections.defaultdict(list)   # kind -> [Item]
    unaligned = collections.Counter()
    unaligned_examples = collections.defaultdict(list)
    runs = []
    recall_out = None
    for spec in args.run:
        name, path = spec.split("=", 1)
        runs.append(name)
        outs = []
        with open(path, encoding="utf-8") as fh:
            for l in fh:
                try:
                    outs.append(json.loads(l).get("msg"))
                except ValueError:
                    outs.append(None)
        if len(outs) != len(corpus):
            print("redact-precision: %s: %d output records for %d input records; cannot align" % (name, len(outs), len(corpus)))
            unaligned[name] += len(corpus)
            continue
        if name == "all":
            recall_out = outs
        for i, (inp, out) in enumerate(zip(corpus, outs)):
            if out is None or out == inp:
                if out is None:
                    unaligned[name] += 1
                continue
            spans = align(inp, out)
            if spans is None:
                unaligned[name] += 1
                if len(unaligned_examples[name]) < 5:
                    unaligned_examples[name].append((inp, out))
                continue
            for k, s, e in spans:
                items[k].append(Item(k, name, i, s, e, inp))

    rows = []
    report = []
    known = (args.kinds or "").split()
    kinds = sorted(set(items) | set(known), key=lambda k: (-len(items[k]), k))
    for k in kinds:
        allk = items[k]
        if not allk:
            rows.append((k, 0, 0, 0, None))
            continue
        # one generator a kind, so that a new kind does not change the other kinds' samples
        rng = random.Random("%d:%s" % (args.seed, k))
        sample = allk if len(allk) <= args.sample else sorted(rng.sample(allk, args.sample), key=lambda it: (it.rec, it.start))
        verdicts = [(it, *judge(it)) for it in sample]
        if verdicts and verdicts[0][1] is None:
            rows.append((k, len(allk), len(sample), None, None))
            report.append("\n### %s: %d masks, no judge rule\n" % (k, len(allk)))
            continue
        true = sum(1 for _, ok, _ in verdicts if ok)
        prec = true / len(sample) if sample else None
        rows.append((k, len(allk), len(sample), true, prec))
        report.append("\n### %s: %d masks, %d judged, %d true, precision %s" % (
            k, len(allk), len(sample), true, "%.1f%%" % (100 * prec) if prec is not None else "n/a"))
        if len(sample) < len(allk):  # for the detector's authors: the same rules on every mask
            every = sum(1 for it in allk if judge(it)[0])
            report.append("  all %d masks judged: %d true, %.1f%%" % (len(allk), every, 100 * every / len(allk)))
        reasons = collections.Counter(r for _, ok, r in verdicts if not ok)
        treasons = collections.Counter(r for _, ok, r in verdicts if ok)
        if treasons:
            report.append("  true by: " + "; ".join("%s (%d)" % (r, n) for r, n in treasons.most_common()))
        if reasons:
            report.append("  false by: " + "; ".join("%s (%d)" % (r, n) for r, n in reasons.most_common()))
            fps = [(it, r) for it, ok, r in verdicts if not ok]
            # up to 10 false positives, spread over the reasons
            shown, seen = [], collections.Counter()
            for it, r in fps:
                if seen[r] < max(1, 10 // len(reasons)) and len(shown) < 10:
                    shown.append((it, r)); seen[r] += 1
            for it, r in fps:
                if len(shown) >= 10:
                    break
                if (it, r) not in shown:
                    shown.append((it, r))
            report.append("  false positives (up to 10):")
            for it, r in shown:
                report.append("    [%s] %s: %s" % (r.split(" ", 1)[0], where(files, it.rec), show(it)))
    # recall
    leaks = []
    found = 0
    if recall_out is not None:
        for i, inp in enumerate(corpus):
            if "@" not in inp:
                continue
            addrs = {m.group(0) for m in RECALL_ASCII.finditer(inp)} | {m.group(0) for m in RECALL_UNICODE.finditer(inp)}
            for addr in sorted(addrs):
                local, domain = addr.rsplit("@", 1)
                if not is_tld(domain.rstrip(".-").rsplit(".", 1)[-1]):
                    continue  # not an address: foo@1.2.3, getty@tty1.service, sr@latin.po

                found += 1
                if leaked(addr, recall_out[i]):
                    leaks.append((i, addr, recall_out[i]))
    secs = time.monotonic() - t0

    print("\n".join(report))
    print()
    for name in runs:
        if unaligned[name]:
            print("unaligned records (%s): %d" % (name, unaligned[name]))
            for inp, out in unaligned_examples[name]:
                print("    in:  %s\n    out: %s" % (inp[:200], out[:200]))
        else:
            print("unaligned records (%s): 0" % name)
    print("e-mail recall: %d addresses found by the independent regexes, unmasked e-mails: %d" % (found, len(leaks)))
    print("top-level domains (rule E1 and recall): " + tld_source())
    for i, addr, out in leaks[:50]:
        print("    %s: %s  in  %s" % (where(files, i), addr, out[:200]))
    below = [k for k, n, _, t, p in rows if n and (t is None or p < 0.95)]
    none = [k for k, n, _, _, _ in rows if not n]
    if none:
        print("kinds with no mask in this corpus: " + " ".join(none))
    print("judge time: %.1f s" % secs)

    md = ["", "| kind | masks | sampled | true | precision |", "|---|---:|---:|---:|---:|"]
    for k, n, s, t, p in rows:
        md.append("| %s | %d | %d | %s | %s |" % (k, n, s, "-" if t is None else t,
                                                  "no rule" if t is None else ("%.1f%%" % (100 * p) if p is not None else "-")))
    md.append("")
    md.append("- e-mail recall: %d addresses found by an independent regex, unmasked e-mails: %d" % (found, len(leaks)))
    md.append("- unaligned records: " + ", ".join("%s %d" % (n, unaligned[n]) for n in runs))
    for note in args.note or []:
        md.append("- " + note)
    md.append("- below 95%%: %s" % (", ".join(below) if below else "none"))
    if args.md:
        with open(args.md, "w", encoding="utf-8") as w:
            w.write("\n".join(md) + "\n")
    return below


# ---------------------------------------------------------------------------
# selftest: the rules on hand-written lines (the masked value between ⟦ and ⟧)

EXAMPLES = [
    ("email", "Thanks to Carol <⟦carol@example.com⟧> for the patch", True),
    ("email", "Reported by ⟦jürgen@müller.de⟧.", True),
    ("email", "Message-ID: <⟦20030528162613.GB8524@ns.snowman.net⟧>", True),
    ("email", "install ⟦foo@1.2.3⟧ with npm", False),
    ("email", "systemctl start ⟦getty@tty1.service⟧", False),
    ("email", "po/⟦sr@latin.po⟧", False),
    ("email", "⟦info@translate.org.za⟧", True),
    ("email", "write to ⟦иван@пример.рф⟧", True),
    ("email", "write to ⟦x@y.xn--p1ai⟧", True),
    ("ipv4", "listen on ⟦10.0.0.1⟧ by default", True),
    ("ipv4", "connect to the server at ⟦130.89.148.12⟧", True),
    ("ipv4", "try ⟦198.51.100.7⟧:8080", True),
    ("ipv4", "  * Bump Standards-Version to ⟦4.6.1.0⟧.", False),
    ("ipv4", "debianutils (⟦4.8.6.3⟧) unstable; urgency=medium", False),
    ("ipv4", "Depends: libfoo (>= ⟦1.2.99.2⟧)", False),
    ("ipv4", "upgrade to 1.⟦2.3.4.5⟧ now", False),
    ("ipv4", "build-dep on libxext-dev (>= 1:⟦1.0.99.4⟧).", False),
    ("ipv4", "the OID ⟦2.5.4.3⟧ (commonName)", False),
    ("ipv4", "Major changes in ⟦3.31.0.1⟧", False),
    ("ipv4", "libfoo-net ⟦2.1.0.3⟧ fixes", False),
    ("ipv6", "host-local address such as ⟦::1⟧ or", True),
    ("ipv6", "route via ⟦2001:db8::1⟧", True),
    ("ipv6", "peer ⟦fe80::1ff:fe23:4567:890a⟧ up", True),
    ("ipv6", "use std⟦::⟧map here", False),
    ("ipv6", "magic ⟦dead:beef::⟧ marker", False),
    ("ipv6", "would print \"⟦2:4:6:8:10:12:14:16⟧\" and exit", False),
    ("credit-card", "test card ⟦4111 1111 1111 1111⟧ works", True),
    ("credit-card", "pay with ⟦378282246310005⟧", True),
    ("credit-card", "Closes: #⟦4111111111111111⟧", False),
    ("credit-card", "timestamp ⟦1234567890123⟧", False),
    ("credit-card", "number ⟦4111111111111112⟧", False),
    ("jwt", "token ⟦eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9.4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg⟧", True),
    ("jwt", "⟦eyJfoo.eyJbar.baz⟧", False),
    ("bearer", "Authorization: Bearer ⟦mF_9.B5f-4.1JqM⟧", True),
    ("bearer", "Authorization: Basic ⟦QWxhZGRpbjpvcGVuIHNlc2FtZQ==⟧", True),
    ("bearer", "  * Add basic ⟦debian/upstream/metadata.⟧", False),
    ("bearer", "Bearer ⟦authentication⟧ failed", False),
    ("bearer", "Authorization: Bearer ⟦<token>⟧", False),
    ("bearer", "Authorization: Bearer ⟦$TOKEN⟧", False),
    ("bearer", "Authorization: Bearer ⟦YOUR_ACCESS_TOKEN⟧", False),
    ("bearer", "Authorization: Bearer ⟦ABCDEF1234567890XYZ⟧", True),
    ("aws-key", "aws_access_key_id = ⟦AKIAIOSFODNN7EXAMPLE⟧", True),
    ("aws-key", "aws_secret_access_key = ⟦wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY⟧", True),
    ("aws-key", "key ⟦AKIAXXXXXXXXXXXXXXXX⟧", False),
    ("github-token", "GITHUB_TOKEN=⟦ghp_16C7e42F292c6912E7710c838347Ae178B4a⟧", True),
    ("github-token", "⟦ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx⟧", False),
    ("slack-token", "token ⟦xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx⟧", True),
    ("private-key", "⟦-----BEGIN RSA PRIVATE KEY-----⟧", True),
    ("private-key", "files starting with ⟦-----BEGIN RSA PRIVATE KEY-----⟧ are read", False),
    ("url-credentials", "proxy http://⟦alice:s3cr3t⟧@proxy.example.com:3128/", True),
    ("url-credentials", "wget http://⟦user:password⟧@hostname/", False),
    ("url-credentials", "git clone https://⟦bob⟧@example.com/r.git", False),
    ("mac", "ether ⟦00:1a:2b:3c:4d:5e⟧ txqueuelen", True),
    ("mac", "fingerprint 12:⟦34:56:78:9a:bc:de⟧:f0:11", False),
    ("phone", "call ⟦+14155552671⟧ now", True),
    ("phone", "version 1.0⟦+20100101⟧-1", False),
    ("phone", "snapshot ⟦+20100101⟧", False),
    ("iban", "IBAN ⟦DE89370400440532013000⟧", True),
    ("iban", "IBAN ⟦DE89370400440532013001⟧", False),
    ("password", "mysql -u root --password=⟦hunter2⟧", True),
    ("password", "{\"password\": \"⟦c0rrect-horse⟧\"}", True),
    ("password", "password: ⟦the⟧ one you chose", False),
    ("password", "password=⟦${DB_PASSWORD}⟧", False),
    ("password", "password=⟦PASSWORD⟧", False),
    ("password", "password=⟦self.password⟧", False),
    ("password", "the ⟦hunter2⟧ password", False),
    ("api-key", "api_key=⟦a8f5f167f44f4964e6c998dee827110c⟧", True),
    ("api-key", "api_key=⟦<your key>⟧", False),
    ("generic-secret", "secret_token = \"⟦Zm9vYmFyYmF6cXV4MTIzNDU2⟧\"", True),
    ("generic-secret", "gpg key fingerprint: ⟦8A9F3C2B1D4E5F6A⟧", False),
    ("generic-secret", "gpg_key_id = ⟦8A9F3C2B1D4E5F6A8A9F⟧", False),
    ("generic-secret", "token=⟦thisIsJustWords⟧", False),
    ("stripe-key", "STRIPE=⟦sk_live_4eC39HqLyjWDarjtT1zdp7dc⟧", True),
    ("google-key", "key=⟦AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY⟧", True),
    ("npm-token", "//registry.npmjs.org/:_authToken=⟦npm_1234567890abcdefghijABCDEFGHIJ123456⟧", True),
    ("docker-auth", "\"auth\": \"⟦dXNlcjpwYXNzd29yZA==⟧\"", True),
    ("unknown-kind", "⟦x⟧", None),
]


def selftest():
    bad = 0
    for kind, text, want in EXAMPLES:
        s = text.index("⟦")
        e = text.index("⟧") - 1
        line = text.replace("⟦", "").replace("⟧", "")
        got, why = judge(Item(kind, "selftest", 0, s, e, line))
        if got != want:
            bad += 1
            print("FAIL %s: %s: want %s, got %s (%s)" % (kind, text, want, got, why))
    print("redact-precision selftest: %d examples, %d failed" % (len(EXAMPLES), bad))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("selftest")
    c = sub.add_parser("corpus")
    c.add_argument("out")
    j = sub.add_parser("judge")
    j.add_argument("corpus")
    j.add_argument("--run", action="append", required=True, help="NAME=OUTPUT of ndj-redact")
    j.add_argument("--md", help="write the markdown section here")
    j.add_argument("--note", action="append", help="extra line for the markdown section")
    j.add_argument("--kinds", help="space-separated kinds the binary knows (listed even with no mask)")
    j.add_argument("--seed", type=int, default=21)
    j.add_argument("--sample", type=int, default=200)
    args = ap.parse_args()
    if args.cmd == "selftest":
        return selftest()
    if args.cmd == "corpus":
        build_corpus(args.out)
        return 0
    below = run_judge(args)
    print("BELOW 95%%: %s" % (" ".join(below) if below else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
