#!/usr/bin/env bash
# ndj-redact against jq and Miller: the metadata-only projection (hash one
# field, drop another) and secret masking with every built-in kind.
. "$(dirname "$0")/lib.sh"
bench_require jq mlr ndj-redact || exit 0
size=${BENCH_SIZE:-200M}
bench_header "ndj-redact ($size of mixed telemetry; jq and Miller on smaller files)"
data=$(bench_data "mixed-$size" --bytes "$size")
small=$(bench_data mixed-20M --bytes 20M)
tiny=$(bench_data mixed-5M --bytes 5M)
progs=$(mktemp -d)
trap 'rm -rf "$progs"' EXIT

# jq has no SHA-256: @base64 stands in for it (cheaper, so jq is flattered).
cat >"$progs/hash.jq" <<'JQ'
del(.stack) | if has("message") then .message_sha256 = (.message | tostring | @base64)
  | .message_bytes = (.message | tostring | utf8bytelength) | del(.message) else . end
JQ
cat >"$progs/hash.mlr" <<'MLR'
unset $stack;
if (is_present($message)) {
  $message_sha256 = sha256($message);
  $message_bytes = strlen($message);
  unset $message;
}
MLR
# Eleven of the patterns of ndj-redact --mask all (which has 74 rules),
# minus its validators (Luhn, version and address checks) and its
# narrowing of matches: jq and Miller are flattered.
patterns=(
  'email	[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}'
  'ipv4	\b((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b'
  'ipv6	([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|([0-9A-Fa-f]{1,4}:){1,7}:([0-9A-Fa-f]{1,4})?'
  'jwt	eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*'
  'bearer	(?i)\b(bearer|basic)[ \t]+[A-Za-z0-9._~+/-]{8,}=*'
  'aws-key	\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b'
  'github-token	\bgh[pousr]_[A-Za-z0-9]{36,}\b'
  'slack-token	\bxox[abposr]-[A-Za-z0-9-]{10,}'
  'private-key	-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----[A-Za-z0-9+/=\s:,.-]*'
  'url-credentials	[a-z]+://[^\s/?#@:]+:[^\s/?#@]*@'
  'credit-card	\b[0-9]([ -]?[0-9]){12,18}\b'
)
{
  echo 'def mask: .'
  for p in "${patterns[@]}"; do
    re=${p#*	}; re=${re//\\/\\\\}
    printf '  | gsub("%s"; "[REDACTED:%s]")\n' "$re" "${p%%	*}"
  done
  echo '; walk(if type == "string" then mask else . end)'
} >"$progs/mask.jq"
# Miller: top-level string fields only (it does not walk nested maps).
{
  echo 'for (k, v in $*) { if (is_string(v)) {'
  for p in "${patterns[@]}"; do printf '  v = gsub(v, "%s", "[REDACTED:%s]");\n' "${p#*	}" "${p%%	*}"; done
  echo '  $[k] = v;'
  echo '} }'
} >"$progs/mask.mlr"

hash_cmd="ndj-redact --hash message --drop stack"
bench_run "cat | cat (pipe ceiling)" "$data" "cat" "cat"
bench_run "$hash_cmd" "$data" "$hash_cmd"
bench_run "cat | $hash_cmd" "$data" "cat" "$hash_cmd"
bench_run "cat | $hash_cmd --threads 1" "$data" "cat" "$hash_cmd --threads 1"
bench_run "jq hash+drop (@base64), 20M" "$small" "jq -c -f $progs/hash.jq"
bench_run "mlr hash+drop (sha256), 20M" "$small" "mlr --ijsonl --ojsonl put -f $progs/hash.mlr"
bench_ratio "--hash/--drop: ndj-redact / jq" "$hash_cmd" "jq hash+drop (@base64), 20M"
bench_ratio "--hash/--drop: ndj-redact / Miller" "$hash_cmd" "mlr hash+drop (sha256), 20M"

mask_cmd="ndj-redact --mask all"
bench_run "$mask_cmd" "$data" "$mask_cmd"
bench_run "cat | $mask_cmd" "$data" "cat" "$mask_cmd"
bench_run "cat | $mask_cmd --threads 1" "$data" "cat" "$mask_cmd --threads 1"
bench_run "jq walk+gsub (11 patterns), 5M" "$tiny" "jq -c -f $progs/mask.jq"
bench_run "mlr gsub (11 patterns, top level), 5M" "$tiny" "mlr --ijsonl --ojsonl put -f $progs/mask.mlr"
# Real text nobody here wrote: the Debian corpus of bench/redact-precision.sh
# (changelogs, copyright, NEWS and README files under /usr/share/doc), one
# short record a line: the per-record work of the gates dominates.
# Four copies (250 MB), so that start-up and the shell around the run do
# not weigh on a measurement of 0.2 s.
debian=$BENCH_DIR/debian-doc.ndjson
if [[ ! -s $debian ]]; then
  python3 "$(dirname "$0")/redact-precision.py" corpus "$debian" || exit 1
fi
debian4=$BENCH_DIR/debian-doc-x4.ndjson
if [[ ! -s $debian4 || $debian4 -ot $debian ]]; then
  cat "$debian" "$debian" "$debian" "$debian" >"$debian4.tmp" && mv "$debian4.tmp" "$debian4"
fi
bench_run "cat | $mask_cmd, Debian text (x4)" "$debian4" "cat" "$mask_cmd"
# jq is too slow for the one-decimal MB/s of the table: ratio from seconds.
jq_mbs=$(awk -v n="$(stat -L -c %s "$tiny")" -v s="${BENCH_SECS[jq walk+gsub (11 patterns), 5M]}" \
  'BEGIN { printf "%.4f", n / 1e6 / s }')
bench_ratio "--mask all: ndj-redact / jq" "$mask_cmd" "$jq_mbs"
bench_ratio "--mask all: ndj-redact / Miller" "$mask_cmd" "mlr gsub (11 patterns, top level), 5M"
