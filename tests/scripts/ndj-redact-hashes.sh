#!/usr/bin/env bash
# ndj-redact --hash digests equal sha256sum and `openssl dgst -hmac` of the
# same bytes: the decoded text of a string (however it was escaped) or the
# JSON text of any other value; NAME_bytes is that text's length.
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
printf 'k3y-for-tests\n' >key
chmod 600 key

# Each case: the JSON value as written, and the bytes it stands for.
check() {
  local json=$1 bytes=$2 want got want_len
  want=$(printf '%s' "$bytes" | sha256sum | cut -d' ' -f1)
  want_len=$(printf '%s' "$bytes" | wc -c)
  got=$(printf '{"a":1,"m":%s,"z":2}\n' "$json" | ndj-redact --hash m)
  [ "$got" = "{\"a\":1,\"m_sha256\":\"$want\",\"m_bytes\":$want_len,\"z\":2}" ] ||
    { echo "sha256 of $json: got $got, want $want/$want_len"; exit 1; }
  want=$(printf '%s' "$bytes" | openssl dgst -sha256 -hmac 'k3y-for-tests' | sed 's/.*= //')
  got=$(printf '{"m":%s}\n' "$json" | ndj-redact --hash m --algo hmac-sha256 --key-file key)
  [ "$got" = "{\"m_hmac_sha256\":\"$want\",\"m_bytes\":$want_len}" ] ||
    { echo "hmac of $json: got $got, want $want"; exit 1; }
}
check '"hello world"' 'hello world'
check '""' ''
check '"caf\u00e9"' 'café'
check '"café"' 'café'
check '"\ud83d\ude00 smile"' '😀 smile'
check '"say \"hi\"\\n\/"' 'say "hi"\n/'
check '"tab\there"' "$(printf 'tab\there')"
check '12.50' '12.50'
check '{"x": [1, 2]}' '{"x": [1, 2]}'
check 'null' 'null'
check 'true' 'true'

# Equal text hashes equal however escaped; different text differs.
a=$(echo '{"m":"alice@example.com"}' | ndj-redact --hash m)
b=$(echo '{"m":"alice\u0040example\u002ecom"}' | ndj-redact --hash m)
c=$(echo '{"m":"alice@example.org"}' | ndj-redact --hash m)
[ "$a" = "$b" ] || { echo "escaped spelling hashed differently"; exit 1; }
[ "$a" != "$c" ] || { echo "different strings hashed equal"; exit 1; }

# HMAC keys of a block (64 bytes) and longer (hashed first, RFC 2104).
for n in 64 65 200; do
  head -c "$n" /dev/zero | tr '\0' 'K' >long-key
  chmod 600 long-key
  want=$(printf 'hello' | openssl dgst -sha256 -hmac "$(cat long-key)" | sed 's/.*= //')
  got=$(echo '{"m":"hello"}' | ndj-redact --hash m --algo hmac-sha256 --key-file long-key)
  [ "$got" = "{\"m_hmac_sha256\":\"$want\",\"m_bytes\":5}" ] || { echo "hmac with a $n-byte key: $got"; exit 1; }
done

# xxh3/xxh128: 16 and 32 hex digits.
echo '{"m":"x"}' | ndj-redact --hash m --algo xxh3 | grep -Eq '^\{"m_xxh3":"[0-9a-f]{16}","m_bytes":1\}$'
echo '{"m":"x"}' | ndj-redact --hash m --algo xxh128 | grep -Eq '^\{"m_xxh128":"[0-9a-f]{32}","m_bytes":1\}$'

# A key readable by others is used, with a warning.
chmod 644 key
echo '{"m":"x"}' | ndj-redact --hash m --algo hmac-sha256 --key-file key 2>err >/dev/null
grep -q 'readable by other users' err || { echo "no warning for a world-readable key"; exit 1; }
# The key never shows up in output or diagnostics.
! grep -rq 'k3y-for-tests' err
echo ok
