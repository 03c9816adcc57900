#!/usr/bin/env bash
# bench/selftest.sh: checks bench/gen (valid JSON, type mix, record size, determinism, DORA links), bench/lib.sh
# and the judge rules of bench/redact-precision.py (on its own examples).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gen=$here/gen
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-selftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check DESCRIPTION CONDITION...: prints ok/FAIL
    local what=$1; shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }

# --- mixed ---------------------------------------------------------------------------------
mixed=$tmp/mixed.ndjson
"$gen" --bytes 5M --seed 42 >"$mixed"
lines=$(wc -l <"$mixed")
bytes=$(wc -c <"$mixed")
avg=$(awk -v b="$bytes" -v n="$lines" 'BEGIN { printf "%.1f", b / n }')
echo "mixed: $lines records, $bytes bytes, $avg bytes/record"
check "size is about 5 MiB, ending on a full line" \
    within "$bytes" $((5 << 20)) $(((5 << 20) + 4096))
check "every line parses (jq -c .)" \
    bash -c "jq -c . <'$mixed' >'$tmp/parsed' && [ \$(wc -l <'$tmp/parsed') -eq $lines ]"
check "one compact object per line (no whitespace outside strings)" \
    bash -c "! grep -qv '^{\"ts\":\".*}\$' '$mixed' && ! sed -E 's/\"([^\"\\\\]|\\\\.)*\"//g' '$mixed' | grep -q '[[:space:]]'"
check "average record 300-400 bytes ($avg)" within "$avg" 300 400

jq -r .type <"$mixed" | sort | uniq -c | awk -v n="$lines" '{ printf "  %-11s %6d  %5.1f%%\n", $2, $1, 100 * $1 / n }' | tee "$tmp/mix"
share() { awk -v t="$1" '$1 == t { print $3 + 0 }' "$tmp/mix"; }
for spec in tool_call:37.3:2 llm:22.8:2 gate:14.5:2 change:18.6:2 deployment:6.2:1.5 incident:0.6:0.4; do
    IFS=: read -r type want tol <<<"$spec"
    got=$(share "$type"); got=${got:-0}
    check "share of $type $got% ~ $want%" within "$got" "$(awk -v a="$want" -v b="$tol" 'BEGIN { print a - b }')" \
        "$(awk -v a="$want" -v b="$tol" 'BEGIN { print a + b }')"
done

msgs=$(grep -c '"message":"' "$mixed")
pct() { awk -v c="$1" -v n="$msgs" 'BEGIN { printf "%.2f", 100 * c / n }'; }
email=$(pct "$(grep -cE '"message":"[^"]*[A-Za-z0-9._]+@[a-z.]+\.[a-z]+' "$mixed")")
bearer=$(pct "$(grep -c 'Authorization: Bearer ' "$mixed")")
ipv4=$(pct "$(grep -cE '"message":"[^"]*\b([0-9]{1,3}\.){3}[0-9]{1,3}\b' "$mixed")")
akia=$(grep -cE 'AKIA[A-Z0-9]{16}' "$mixed" || true)
ghp=$(grep -cE 'ghp_[A-Za-z0-9]{36}' "$mixed" || true)
echo "  $msgs records with a message; of these: email $email%, bearer $bearer%, ipv4 $ipv4%; AKIA in $akia, ghp_ in $ghp"
check "most records have a message" within "$msgs" $((lines * 3 / 4)) "$lines"
check "about 5% of messages hold an e-mail address" within "$email" 3.5 6.5
check "about 3% hold a bearer token" within "$bearer" 2 4
check "about 3% hold an IPv4 address" within "$ipv4" 2 4
check "some AWS key ids and GitHub tokens" test "$akia" -gt 0 -a "$ghp" -gt 0
check "some unicode, escaped quotes and stack traces" \
    bash -c "grep -q '日本' '$mixed' && grep -q 'é' '$mixed' && grep -q '\\\\\"' '$mixed' && grep -q '\"stack\":\"[^\"]*\\\\n' '$mixed'"
check "ts increases (non-decreasing) and ends near start+30d" \
    bash -c "jq -r .ts <'$mixed' >'$tmp/ts' && sort -c '$tmp/ts' && [[ \$(tail -1 '$tmp/ts') == 2026-01-3[01]T* ]]"
check "ids are unique" bash -c "[ \$(jq -r .id <'$mixed' | sort -u | wc -l) -eq $lines ]"
check "same arguments give the same bytes" bash -c "'$gen' --bytes 5M --seed 42 | cmp -s - '$mixed'"
check "another seed gives other bytes" bash -c "! '$gen' --bytes 5M --seed 43 | cmp -s - '$mixed'"
check "--records N gives N lines" bash -c "[ \$('$gen' --records 1234 | wc -l) -eq 1234 ]"

# --- dora ----------------------------------------------------------------------------------
dora=$tmp/dora.ndjson
"$gen" --kind dora --records 20000 --days 60 --seed 7 >"$dora"
jq -r .type <"$dora" | sort | uniq -c | awk '{ printf "  %-11s %6d\n", $2, $1 }' | tee "$tmp/dmix"
dep=$(awk '$1 == "deployment" { print $2 }' "$tmp/dmix")
chg=$(awk '$1 == "change" { print $2 }' "$tmp/dmix")
inc=$(awk '$1 == "incident" { print $2 }' "$tmp/dmix")
check "dora: only deployment/change/incident" test "$(wc -l <"$tmp/dmix")" -eq 3
check "dora: ~3 changes per deployment" within "$(awk -v a="$chg" -v b="$dep" 'BEGIN { print a / b }')" 2.7 3.3
check "dora: ~0.1 incidents per deployment" within "$(awk -v a="$inc" -v b="$dep" 'BEGIN { print a / b }')" 0.07 0.13
check "dora: ~20 services, 8 teams" bash -c "
    [ \$(jq -r 'select(.type==\"deployment\") | .service' '$dora' | sort -u | wc -l) -eq 20 ] &&
    [ \$(jq -r 'select(.type==\"deployment\") | .team' '$dora' | sort -u | wc -l) -eq 8 ]"
# Every change names a deployment that lists it, and was merged minutes to days before it.
jq -r 'if .type == "deployment" then "D \(.id) \(.time) \(.changes | join(","))"
       elif .type == "change" then "C \(.id) \(.time) \(.deployment_id)" else empty end' "$dora" >"$tmp/links"
check "dora: changes and deployments link both ways, change time < deployment time" awk '
    $1 == "D" { t[$2] = $3; n = split($4, ids, ","); for (i = 1; i <= n; i++) listed[ids[i]] = $2 }
    $1 == "C" { ct[$2] = $3; cd[$2] = $4 }
    END {
        for (c in cd) {
            if (!(cd[c] in t) || listed[c] != cd[c] || !(ct[c] < t[cd[c]])) { print "  bad change " c; exit 1 }
        }
    }' "$tmp/links"
check "dora: incidents sometimes lack resolved_at / deployment_id" bash -c "
    [ \$(jq -c 'select(.type==\"incident\" and (has(\"resolved_at\") | not))' '$dora' | wc -l) -gt 0 ] &&
    [ \$(jq -c 'select(.type==\"incident\" and (has(\"deployment_id\") | not))' '$dora' | wc -l) -gt 0 ]"

# --- lib.sh --------------------------------------------------------------------------------
export BENCH_DIR=$tmp/data BENCH_OUT=$tmp/results.md BENCH_REPEAT=2
check "lib.sh: bench_data caches, bench_run records (CPU too, BENCH_BEFORE), bench_ratio divides" bash -c "
    . '$here/lib.sh'
    bench_header selftest >/dev/null
    d=\$(bench_data small --records 2000 2>/dev/null) && [ -s \"\$d\" ] || exit 1
    m=\$(stat -c %Y \"\$d\"); sleep 1
    [ \"\$(bench_data small --records 2000)\" = \"\$d\" ] && [ \$(stat -c %Y \"\$d\") = \$m ] || exit 1
    bench_run 'cat' \"\$d\" 'cat' >/dev/null && [ -n \"\$BENCH_LAST_MBS\" ] || exit 1
    bench_run 'jq' \"\$d\" 'jq -c .' 'wc -l' >/dev/null || exit 1
    [[ \$BENCH_LAST_RSS_STAGES == *' '* ]] || exit 1
    [[ \$BENCH_LAST_CPU =~ ^[0-9]+[.][0-9]+\$ ]] || exit 1
    BENCH_BEFORE='echo x >>$tmp/before' bench_run 'before' \"\$d\" cat >/dev/null || exit 1
    [ \$(wc -l <'$tmp/before') = 2 ] || exit 1
    [[ \$(bench_ratio 'x' 10 4) == 'x: 2.5x' ]] || exit 1
    bench_ratio 'cat / jq' cat jq >/dev/null || exit 1
    ! bench_run 'false' \"\$d\" false 2>/dev/null || exit 1
    grep -q '^| cat | [0-9.]* | [0-9.]* | [0-9.]* |\$' '$tmp/results.md'"

check "redact-precision judge rules agree with their examples" \
    bash -c "python3 '$here/redact-precision.py' selftest >/dev/null"

echo
if ((fails)); then echo "selftest: $fails check(s) failed"; exit 1; fi
echo "selftest: all checks passed"
