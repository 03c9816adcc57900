#!/usr/bin/env bash
# bench/stages.sh: every stage of the family on the same data, as issue 29
# tabled them: MB/s (median of BENCH_REPEAT runs), CPU seconds (user +
# system, summed over the processes of the stage), peak RSS of the largest
# process, and the stage's target. With BEFORE=DIR (a directory holding
# other ndj binaries, e.g. a build of an older commit), each stage also runs
# with those, run for run interleaved with the current ones (the same load
# for both), and the table gives both medians and the change.
#   BEFORE=/tmp/old/build BENCH_REPEAT=5 bench/stages.sh
set -u
. "$(dirname "$0")/lib.sh"
bench_require ndj-tail ndj-batch ndj-redact ndj-prune ndj-stats ndj-dora ndj-select jq /usr/bin/time || exit 0
size=${BENCH_SIZE:-300M}
data=$(bench_data "mixed-$size" --bytes "$size") || exit 1
dora=$(bench_data dora-3M --kind dora --records 3000000 --days 31 --seed 1) || exit 1
before=${BEFORE:-}
if [[ -n $before ]]; then
    before=$(cd "$before" && pwd) || exit 1
    [[ -x $before/ndj-tail ]] || { echo "bench: BEFORE=$before holds no ndj-tail" >&2; exit 1; }
fi
bench_header "issue 29 stages ($size of mixed telemetry; ndj-dora on 3M DORA events), median of $BENCH_REPEAT${before:+, interleaved with $before}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one DIR FILE SCRIPT: "wall cpu rss_kib" of one run of SCRIPT (bash, the
# input file in $F) with DIR first in PATH.
one() {
    local dir=$1 file=$2 script=$3
    env PATH="$dir:$PATH" F="$file" /usr/bin/time -o "$tmp/t" -f '%e %U %S %M' \
        bash -o pipefail -c "$script" >/dev/null 2>"$tmp/err" ||
        { echo "bench: '$script' failed: $(tail -1 "$tmp/err")" >&2; return 1; }
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$tmp/t"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

now_dir=$(dirname "$(command -v ndj-tail)")
declare -A mbs=()
if [[ -n $before ]]; then
    _bench_emit "| stage | target | MB/s | CPU s | peak RSS MiB | MB/s before | CPU s before | wall change | CPU change |"
    _bench_emit "|---|---|---:|---:|---:|---:|---:|---:|---:|"
else
    _bench_emit "| stage | target | MB/s | CPU s | peak RSS MiB |"
    _bench_emit "|---|---|---:|---:|---:|"
fi

# stage LABEL TARGET FILE SCRIPT
stage() {
    local label=$1 target=$2 file=$3 script=$4 run dir r bytes
    : >"$tmp/now"
    : >"$tmp/old"
    for ((run = 1; run <= BENCH_REPEAT; run++)); do
        r=$(one "$now_dir" "$file" "$script") || return 1
        echo "$r" >>"$tmp/now"
        if [[ -n $before ]]; then
            r=$(one "$before" "$file" "$script") || return 1
            echo "$r" >>"$tmp/old"
        fi
    done
    bytes=$(stat -L -c %s "$file")
    local w c m
    w=$(cut -d' ' -f1 "$tmp/now" | median)
    c=$(cut -d' ' -f2 "$tmp/now" | median)
    m=$(cut -d' ' -f3 "$tmp/now" | sort -n | tail -1)
    mbs[$label]=$(awk -v b="$bytes" -v w="$w" 'BEGIN { printf "%.0f", b / 1e6 / w }')
    local row="| $label | $target | ${mbs[$label]} | $c | $(awk -v k="$m" 'BEGIN { printf "%.1f", k / 1024 }') |"
    if [[ -n $before ]]; then
        local ow oc
        ow=$(cut -d' ' -f1 "$tmp/old" | median)
        oc=$(cut -d' ' -f2 "$tmp/old" | median)
        row+=" $(awk -v b="$bytes" -v w="$ow" 'BEGIN { printf "%.0f", b / 1e6 / w }') | $oc |"
        row+=" $(awk -v a="$ow" -v b="$w" 'BEGIN { printf "%+.0f%%", (b - a) / a * 100 }') |"
        row+=" $(awk -v a="$oc" -v b="$c" 'BEGIN { printf "%+.0f%%", (a > 0 ? (b - a) / a * 100 : 0) }') |"
    fi
    _bench_emit "$row"
}

eq='type == "deployment" && environment == "production"'
stage "cat FILE \\| cat (pipe ceiling)" "" "$data" 'cat "$F" | cat'
stage "ndj-tail FILE \\| cat" "≥ 75% of the ceiling" "$data" 'ndj-tail "$F" | cat'
stage "ndj-batch -n 1000 FILE" "≥ 1000 MB/s" "$data" 'ndj-batch -n 1000 "$F"'
stage "cat \\| ndj-batch -n 1000 \\| cat" "≥ 60% of the ceiling" "$data" 'cat "$F" | ndj-batch -n 1000 | cat'
stage "ndj-batch --by service FILE" "" "$data" 'ndj-batch --by service "$F"'
stage "ndj-redact --hash message --drop stack" "≥ 900 MB/s" "$data" 'ndj-redact --hash message --drop stack <"$F"'
stage "ndj-redact --mask all" "≥ 500 MB/s" "$data" 'ndj-redact --mask all <"$F"'
stage "ndj-prune (filter)" "≥ 1200 MB/s" "$data" 'ndj-prune --older-than 15d --now 2026-01-31T00:00:00Z <"$F"'
stage "ndj-stats -g service count,mean,p90" "≥ 1200 MB/s" "$data" \
    'ndj-stats -g service -a count,mean:duration_ms,p90:duration_ms "$F"'
stage "ndj-select -w equality" "≥ 1000 MB/s" "$data" "ndj-select -w '$eq' \"\$F\""
stage "ndj-dora --group-by team (3M events)" "≥ 1000 MB/s" "$dora" \
    'ndj-dora --since 2026-01-01T00:00:00Z --until 2026-02-01T00:00:00Z --group-by team "$F"'
before=
BENCH_REPEAT=1 stage "jq deployments per team (3M events)" "" "$dora" \
    "jq -c 'select(.type == \"deployment\") | .team' \"\$F\" | sort | uniq -c"
BENCH_REPEAT=1 stage "jq -c select(equality)" "" "$data" \
    "jq -c 'select(.type == \"deployment\" and .environment == \"production\")' \"\$F\""
_bench_emit ""
ceiling=${mbs["cat FILE \\| cat (pipe ceiling)"]}
_bench_emit "- ndj-tail FILE | cat / the pipe ceiling: $(awk -v a="${mbs["ndj-tail FILE \\| cat"]}" -v b="$ceiling" 'BEGIN { printf "%.0f%%", a / b * 100 }')"
_bench_emit "- cat | ndj-batch | cat / the pipe ceiling: $(awk -v a="${mbs["cat \\| ndj-batch -n 1000 \\| cat"]}" -v b="$ceiling" 'BEGIN { printf "%.0f%%", a / b * 100 }')"
_bench_emit "- ndj-dora --group-by team / jq counting deployments per team (target 25x): $(awk -v a="${mbs["ndj-dora --group-by team (3M events)"]}" -v b="${mbs["jq deployments per team (3M events)"]}" 'BEGIN { printf "%.1fx", a / b }')"
_bench_emit "- ndj-select -w equality / jq -c select (target 40x): $(awk -v a="${mbs["ndj-select -w equality"]}" -v b="${mbs["jq -c select(equality)"]}" 'BEGIN { printf "%.1fx", a / b }')"
