#!/usr/bin/env bash
# bench/redact-precision.sh: precision of `ndj-redact --mask` on real text (issue 21), not a speed test.
#
# Corpus: the Debian text of the machine it runs on: every changelog.Debian.gz,
# copyright, NEWS* and README* (gzip or not; binary files skipped) under
# /usr/share/doc, regular files only, sorted by path, one {"msg": LINE} record
# a line (UTF-8, errors replaced, empty lines skipped), cached as
# $BENCH_DIR/debian-doc.ndjson (rebuilt when missing; delete it to rebuild).
# It runs `ndj-redact --mask all`, and `--mask generic-secret` when the binary
# knows that kind; recovers each masked value by aligning the output string
# with the input (the output with every [REDACTED:k] as a lazy group, anchored,
# matched against the input; a record that does not match is "unaligned");
# judges, per kind, every value when there are at most 200, else a seeded
# sample of 200 ($PRECISION_SAMPLE, $PRECISION_SEED, default 200 and 21), by
# the rules below; and checks e-mail recall with an independent regex. The
# table goes to bench/results.md; kinds under 95% are printed as
# `BELOW 95%: ...`. Exit 0 whatever the figures: it is a measurement.
#
# JUDGE RULES. They decide the reported precision, so they are written from the
# formats' definitions and from how a person reads the line, not from ndj's
# patterns or validators (bench/redact-precision.py implements them; the rule
# ids below appear in its reasons). V is the masked value, "the line" the input
# string it came from.
#
# General
#   G1 One value is one verdict, judged in its line: what V is there, not what
#      its characters could be elsewhere.
#   G2 Version strings, dates, times, section numbers, bug/commit/offset ids
#      and other numbers that merely look like a kind are false.
#   G3 An example in documentation is still true when it sits in a real
#      address or credential position (alice@example.com, AKIAIOSFODNN7EXAMPLE
#      after aws_access_key_id=): the tool cannot know it is an example.
#   G4 A placeholder is false: empty; <...>, [...], {...}, {{...}}, ${...},
#      $(...), $VAR, %(x)s, @VAR@; an ALLCAPS name (a word of up to 12
#      capitals, PASSWORD, or capital words joined by _ or -, YOUR_TOKEN);
#      filler (xxx..., ***, ..., 0000000000, one character repeated); a value
#      that names its own field or says nothing (password, pass, secret,
#      token, none, null, true, false, yes, no, required, optional, foo, bar,
#      example, user ...). For fixed-format tokens: the part after the prefix
#      is filler (8+ x, 12+ 0, one character for 60% or more).
#
# email
#   E1 true when V (trimmed of <>()[]"',;:) is local@domain: local part of
#      letters (any script), digits and !#$%&'*+/=?^`{|}~_- with single dots, at
#      most 64 characters; domain of 2+ labels (letters any script, digits,
#      inner hyphens) ending in a top-level domain: the last label of a rule
#      of the machine's public suffix list (/usr/share/publicsuffix; without
#      it, any alphabetic label but file and unit suffixes such as service,
#      timer, po, header, local, localdomain). foo@1.2.3, user@host,
#      getty@tty1.service, sr@latin.po, root@localhost.localdomain are false.
#   E2 a Message-ID or In-Reply-To <left@right> is true: it has address
#      syntax and usually carries the sender's address or host.
# ipv4 (in order; the first that applies decides)
#   I1 false: an octet over 255, an octet with a leading zero, first octet 0
#      (only 0.0.0.0 is an address).
#   I2 false: part of a longer token: glued to a letter, digit, '_' or '.'
#      before it (v1.2.3.4, 1.2.3.4.5 cut short) or after it (1.2.3.4a,
#      1.2.3.4.5); foo-1.2.3.4 / foo_1.2.3.4; a Debian epoch 1:1.2.3.4; a
#      version suffix -1, +dfsg, ~rc1 (but not a range a.b.c.d-e.f.g.h).
#      Not when it follows ://, @ or [.
#   I3 false: a version: the version in "pkg (1.2.3.4) unstable;"; after a
#      dependency operator ((>= , (= , <<, ==); after version, release,
#      bump(ed), update(d), upgrade(d), snapshot, tag, Standards-Version,
#      revision, backport, patch, since, from ... to, with at most 30
#      characters of words between; or followed by release/version/branch.
#   I4 false: an OID: first octet 0-2 and the line speaks of OIDs, ASN.1,
#      X.509, certificates, extensions, attributes, SNMP/MIB, LDAP, PKCS, or V
#      starts with a well-known arc (1.2.840, 1.3.6, 2.5.4, 2.5.29, ...).
#   I5 false: a section, chapter, figure, table, step or item number.
#   I6 true only with a sign of an address: a :port or /prefix after V, V
#      after :// or @ or in [ ]; a special-purpose range (0.0.0.0, 127/8,
#      10/8, 172.16/12, 192.168/16, 169.254/16, 100.64/10, 224/4 multicast,
#      255.x netmasks and broadcast, the documentation nets, 198.18/15, the
#      public resolvers 8.8.8.8 8.8.4.4 1.1.1.1 1.0.0.1 9.9.9.9); or a network
#      word in the line (ip, address, host, server, network, subnet, netmask,
#      gateway, route, dns, nameserver, listen, bind, connect, ping, port,
#      localhost, proxy, firewall, iptables, inet, interface, dhcp, peer,
#      socket, mirror, tcp, udp, ssh, http, url, vpn, loopback ...). A dotted
#      quad with none of these is false: in this corpus that is a version.
# ipv6 (in order)
#   P3 false: part of a longer token (Foo::Bar, std::map, a::b::c, a longer
#      colon list, Foo::bar()), i.e. glued to a word or ':' on either side.
#   P1 false: does not parse as an IPv6 address (brackets, %zone and /prefix
#      removed first).
#   P2 false: no decimal digit at all (dead:beef::, add::, cafe::).
#   P4 false: a time right after a date.
#   P5 false: six or more groups of exactly two hex digits (MAC, fingerprint).
#   P6 true: a well-known form (::1, ::, fe80::/10, 2001:db8::, fc00::/7,
#      ff0x:: multicast, ::ffff:a.b.c.d, 64:ff9b::).
#   P4 false: after version/release/upstream with at most 3 groups; every
#      group 1-2 decimal digits and no network word in the line (a time, a
#      ratio, a list of small numbers such as 2:4:6:8:10:12:14:16).
#   P6 true: three or more groups, or a short form with a network word in the
#      line; otherwise false.
# credit-card
#   C3 false: part of a longer token (glued to a letter, digit, '.', ':' or
#      '/', or more digit groups around it).
#   C1 true only when the digits are ungrouped or grouped 4-4-4-4(-n) or 4-6-5
#      with one separator, an issuer prefix with its brand's length (Visa 4:
#      13/16/19; Mastercard 51-55, 2221-2720: 16; Amex 34/37: 15; Discover
#      6011, 644-649, 65: 16-19; Diners 300-305, 36, 38, 39: 14-19; JCB
#      3528-3589: 16-19; UnionPay 62: 16-19; Maestro 50, 56-69: 12-19), and
#      the Luhn check passes;
#   C2 and it is not in an id context: within 25 characters before it, id,
#      #, bug, closes, lp, commit, rev, offset, serial, number, no., ticket,
#      issue, cve, pr, timestamp, time, epoch, size, bytes, inode, sha, md5,
#      checksum, hash, key, fingerprint, isbn, doi, patch, phone, pid, uid,
#      port, count, total, seq.
# jwt
#   J1 true when V is three '.'-separated base64url segments, the first two
#      decode to JSON objects and the header has "alg".
# bearer (the masked value is the credential after the scheme or key)
#   B4 false unless V follows Bearer, Basic, Authorization:, access_token=,
#      refresh_token=, id_token=, auth_token=, token= (or "key": "V").
#   B3 false: a placeholder (G4).
#   B1 false: characters outside the token alphabet [A-Za-z0-9._~+/%-]=*; for
#      Basic, false unless V is base64 of printable "user:password".
#   B2 false when V has no digit and is under 20 characters (a word).
#   B3 false when V has no digit and is words glued together (camelCase,
#      snake_case), not random.
# password / api-key (the value of an assignment)
#   W1/K1 false unless V is in credential position: key=V, key: V, key := V,
#      key => V, "key": "V", key="V", or --key V / --key=V, where the key is
#      password, passwd, passphrase, pwd, pass, *_password, PGPASSWORD,
#      MYSQL_PWD (password) or api_key, apikey, x-api-key, client_secret,
#      secret, secret_key, access_key, private_token, auth_token, api_token,
#      app_key, app_secret, consumer_secret (api-key).
#   W2/K2 false: a placeholder (G4); a code expression, not a literal
#      (self.password, get_pass(), options.x, os.environ...); English prose
#      (a lowercase word followed by more words: "password: the one you set").
# generic-secret
#   S1 false unless in credential position after a key naming a password,
#      secret, token, key, auth or credential (as W1/K1, any *key, *token).
#   S2 false: placeholder, code expression or prose (as W2).
#   S3 false: a public id: fingerprint, key id, gpg/pgp, checksum, sha*, md5,
#      hash, commit, uuid, signature within 40 characters before V.
#   S4 false unless V looks random: 16+ characters, no spaces, at least two
#      of lowercase/uppercase/digits, and not words glued together.
# vendor tokens (aws-key, github-token, gitlab-token, slack-token, stripe-key,
#   google-key, openai-key, anthropic-key, npm-token, pypi-token,
#   sendgrid-key, twilio-key, mailgun-key, digitalocean-token, shopify-token,
#   vault-token, telegram-token, heroku-key)
#   V1 true when V matches the vendor's published prefix and length (AKIA/
#      ASIA/... + 16 [A-Z0-9]; gh[pousr]_ + 36+; github_pat_ + 82; glpat- +
#      20+; xox[baprseo]-digits-...; sk_live_/rk_test_ + 24-99; AIza + 35;
#      GOCSPX- + 28; sk-proj-/sk-svcacct-/sk-admin-, sk-...T3BlbkFJ...;
#      sk-ant-api03- + 93 + AA; npm_ + 36; pypi-AgEIcHlwaS5vcmc + 50+; SG. +
#      22 + . + 43; SK + 32 hex; key-/pubkey- + 32 hex; do[por]_v1_ + 64 hex;
#      shp(at|ca|pa|ss)_ + 32 hex; hvs. + 90+, hvb. + 138+; digits:35;
#      HRKU-AA + 58), is not glued to more letters or digits (V2) and is not
#      filler (G4). Also true: a 40-character [A-Za-z0-9/+] secret after
#      aws_secret_access_key (aws-key); 32 hex-8 hex-8 hex with "mailgun" in
#      the line; 32/40 hex after dd_api_key/DD_APP_KEY/datadog_api_key
#      (datadog-key); a UUID after a heroku key (heroku-key).
# azure-key: AccountKey= + base64 of 64 bytes, or sig= + (url-escaped) base64
#   of 32 bytes. docker-auth: base64 of printable user:password as "auth": "V".
# private-key
#   PK1 true when V starts with -----BEGIN ...PRIVATE KEY----- and either holds
#      40+ base64 characters of key material, or the header is the whole line
#      (a PEM block starts there).
#   PK2 false: the header quoted inside prose with no key material.
# url-credentials
#   U1 false unless V is (part of) the userinfo of scheme://userinfo@host.
#   U2 false when the userinfo has no password (https://user@host), an
#      empty password, or a placeholder password (G4, or password, passwd,
#      pass, pw, pwd, secret: http://user:password@host is a syntax example).
# mac
#   M1 true when six hex bytes with one separator (: or -) or xxxx.xxxx.xxxx;
#   M2 false when part of a longer hex list or the line is about key
#      fingerprints (fingerprint, key, ssh, md5, sha).
# phone
#   H2 false when glued to a letter, digit, '.', '~' or '+' before (a version
#      1.0+20100101) or a letter/digit after.
#   H1 true only for '+' and 8-15 digits (spaces, dots, dashes, parentheses
#      between) with an assigned country calling code;
#   H3 false when the digits are a date (yyyymmdd...) or the line is a diff or
#      change count (@@, insertions, deletions, (+)).
# iban
#   N1 true when the country's IBAN length and the mod-97 check match; N2 false
#   when glued to more letters or digits.
# A kind with no rule above is reported as "no rule" and counted below 95%.
#
# E-mail recall: in each input line, the addresses found by
# [A-Za-z0-9._%+=-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+ and by its Unicode
# variant [\w.%+=-]+@[\w-]+(\.[\w-]+)+ whose domain ends in a top-level
# domain (as E1; distinct addresses of a line counted once); one is
# "unmasked" when its last 3 characters of local part, '@' and the domain
# still stand in the output line. The figure must be 0.
#
#   PATH=build:$PATH bench/redact-precision.sh      # bench/run-all runs it too
. "$(dirname "$0")/lib.sh"
bench_require ndj-redact python3 || exit 0
here=$(cd "$(dirname "$0")" && pwd)
helper=$here/redact-precision.py
sample=${PRECISION_SAMPLE:-200}
seed=${PRECISION_SEED:-21}
t_start=$EPOCHREALTIME

corpus=$BENCH_DIR/debian-doc.ndjson
if [[ ! -s $corpus ]]; then
  mkdir -p "$BENCH_DIR" || exit 1
  echo "redact-precision: building $corpus from /usr/share/doc" >&2
  python3 "$helper" corpus "$corpus" || exit 1
fi
bytes=$(stat -L -c %s "$corpus")
lines=$(wc -l <"$corpus")
files=$(wc -l <"$corpus.files" 2>/dev/null || echo "?")   # one "FIRST-RECORD<TAB>PATH" line a file
mb=$(awk -v n="$bytes" 'BEGIN { printf "%.1f", n / 1e6 }')
echo "corpus: $corpus, $files files, $mb MB, $lines lines"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/redact-precision.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# The kinds this binary knows, of those planned in issue 21's rule table.
planned="email ipv4 ipv6 mac phone iban credit-card jwt bearer aws-key github-token gitlab-token slack-token
private-key url-credentials stripe-key google-key azure-key openai-key anthropic-key npm-token pypi-token
sendgrid-key twilio-key mailgun-key digitalocean-token shopify-token vault-token telegram-token datadog-key
heroku-key docker-auth password api-key generic-secret"
known=() notes=()
for k in $planned; do
  if ndj-redact --mask "$k" </dev/null >/dev/null 2>&1; then known+=("$k"); fi
done
echo "kinds known to $(command -v ndj-redact): ${known[*]}"

runs=()
t0=$EPOCHREALTIME
if ! ndj-redact --mask all <"$corpus" >"$tmp/all.ndjson"; then
  echo "redact-precision: ndj-redact --mask all failed" >&2
  exit 1
fi
t1=$EPOCHREALTIME
mask_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
runs+=(--run "all=$tmp/all.ndjson")
echo "ndj-redact --mask all: $mask_secs s"
if ndj-redact --mask generic-secret </dev/null >/dev/null 2>"$tmp/gs.err"; then
  ndj-redact --mask generic-secret <"$corpus" >"$tmp/gs.ndjson" || exit 1
  runs+=(--run "generic-secret=$tmp/gs.ndjson")
else
  rc=$?
  notes+=(--note "generic-secret: not run, ndj-redact --mask generic-secret exits $rc ($(head -c 200 "$tmp/gs.err" | tr '\n' ' ' | sed 's/ *$//'))")
  echo "redact-precision: generic-secret not supported by this binary (exit $rc), skipped" >&2
fi

python3 "$helper" judge "$corpus" "${runs[@]}" "${notes[@]}" --kinds "${known[*]}" \
  --seed "$seed" --sample "$sample" --md "$tmp/section.md" | tee "$tmp/report.txt"
[[ ${PIPESTATUS[0]} == 0 && -s $tmp/section.md ]] || { echo "redact-precision: judge failed" >&2; exit 1; }

t_end=$EPOCHREALTIME
secs=$(awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "%.1f", b - a }')
os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")
_bench_emit ""
_bench_emit "## ndj-redact --mask: precision on Debian text (/usr/share/doc)"
_bench_emit ""
_bench_emit "$(date -u +%Y-%m-%dT%H:%M:%SZ), ${os:-unknown OS}: $files files, $mb MB, $lines lines; \`--mask all\` $mask_secs s; sample of $sample a kind (seed $seed), rules in bench/redact-precision.sh; script $secs s"
while IFS= read -r l; do _bench_emit "$l"; done <"$tmp/section.md"
echo "redact-precision: $secs s"
exit 0
