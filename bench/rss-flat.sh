#!/usr/bin/env bash
# Peak RSS of every streaming tool on 100 MB and on 2 GB of the same data:
# memory is bounded by options, never by input size (DESIGN.md §1), so the
# 2 GB peak must be within 10% of the 100 MB one; the script fails if not.
# Two tools remember values by design and are listed without being held to
# it: ndj-dora (every deployment, change and incident) and ndj-stats with
# exact percentiles (every value; --approx is the bounded form, held to it).
#
# Data: bench/gen --bytes 2G written once into a temporary directory on disk
# (RSS_DIR, default $TMPDIR or /tmp; 2 GB free needed, plus 2 GB for the
# ndj-prune -i copy), removed at the end; the 100 MB input is its first
# 100 MB. Peak RSS is GNU time's "Maximum resident set size" of the tool's
# own process (the tool runs directly under /usr/bin/time -v).
set -u
. "$(dirname "$0")/lib.sh"
bench_require /usr/bin/time ndj-batch ndj-redact ndj-tail ndj-prune ndj-stats ndj-emit ndj-post ndj-dora || exit 1
work=$(mktemp -d "${RSS_DIR:-${TMPDIR:-/tmp}}/ndj-rss.XXXXXX") || exit 1
trap 'kill "$(cat "$work/nginx.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$work"' EXIT
# RSS_BIG and RSS_SMALL (bytes) shrink the run to check the script itself.
big=$work/big.ndjson small=$work/small.ndjson
echo "bench: generating $big (bench/gen --bytes ${RSS_BIG:-2G})" >&2
"$BENCH_GEN" --bytes "${RSS_BIG:-2G}" >"$big" || exit 1
head -c "${RSS_SMALL:-100000000}" "$big" | head -n -1 >"$small"

# A local nginx answering 204 for ndj-post (as bench/ndj-post.sh); without
# nginx, ndj-post --dry-run.
url=
if command -v nginx >/dev/null; then
  url=$(bench_nginx "$work" in) || url=
fi

# peak_kib INPUT CMD...: peak RSS (KiB) of CMD reading INPUT on stdin (and
# naming it as {} in its arguments), output discarded; fails if CMD does.
peak_kib() {
  local input=$1 args=() a
  shift
  for a in "$@"; do args+=("${a//\{\}/$input}"); done
  if ! /usr/bin/time -v -o "$work/time" "${args[@]}" <"$input" >/dev/null 2>"$work/err"; then
    echo "bench: ${args[*]} failed: $(tail -3 "$work/err")" >&2
    return 1
  fi
  sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time"
}

# In-place runs need their own copy of the input each time.
prune_in_place() {
  local input=$1
  cp "$input" "$work/inplace.ndjson" || return 1
  peak_kib /dev/null ndj-prune -i "${prune_age[@]}" "$work/inplace.ndjson"
  rm -f "$work/inplace.ndjson"
}

# ndj-post reads batches: made by ndj-batch beforehand, outside the measure.
post_batches() {
  local input=$1 cmd
  ndj-batch -n 1000 --max-bytes 16M <"$input" >"$work/batches" || return 1
  if [ -n "$url" ]; then cmd=(ndj-post -j 4 "$url"); else cmd=(ndj-post --dry-run http://127.0.0.1:9/); fi
  peak_kib "$work/batches" "${cmd[@]}"
  rm -f "$work/batches"
}

_bench_emit ""
_bench_emit "## Peak RSS, $(du -h --apparent-size "$small" | cut -f1) vs $(du -h --apparent-size "$big" | cut -f1) of input (flat: within 10%)"
_bench_emit ""
_bench_emit "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(uname -sr), one run each, /usr/bin/time -v"
_bench_emit ""
_bench_emit "| command | small: RSS MiB | big: RSS MiB | big / small | flat |"
_bench_emit "|---|---:|---:|---:|---|"
status=0
# row HELD LABEL FN ARGS...: runs FN INPUT ARGS... on both inputs; HELD=1
# if the tool must be flat.
row() {
  local held=$1 label=$2 fn=$3 a b ratio verdict
  shift 3
  a=$("$fn" "$small" "$@") || { status=1; return; }
  b=$("$fn" "$big" "$@") || { status=1; return; }
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }')
  if awk -v a="$a" -v b="$b" 'BEGIN { exit !(b <= a * 1.10) }'; then
    verdict=yes
  elif [ "$held" = 1 ]; then
    verdict="**NO**"
    status=1
  else
    verdict="no (keeps values by design)"
  fi
  _bench_emit "| ${label//|/\\|} | $(awk -v k="$a" 'BEGIN { printf "%.1f", k / 1024 }') | $(awk -v k="$b" 'BEGIN { printf "%.1f", k / 1024 }') | $ratio | $verdict |"
}
# The data starts on 2026-01-01 and spans 30 days, 100 MB of it about one
# day: this cutoff keeps part of both inputs (an input that is all dropped
# would never touch the output buffer, and look smaller for it).
prune_age=(--older-than 1d --now 2026-01-02T12:00:00Z)
row 1 "ndj-batch -n 1000" peak_kib ndj-batch -n 1000
row 1 "ndj-redact --hash message --mask email" peak_kib ndj-redact --hash message --mask email
row 1 "ndj-tail --validate FILE" peak_kib ndj-tail --validate {}
row 1 "ndj-tail --cursor C FILE" peak_kib ndj-tail --cursor "$work/cursor.json" {}
row 1 "ndj-prune --older-than 1d" peak_kib ndj-prune "${prune_age[@]}"
row 1 "ndj-prune -i --older-than 1d FILE" prune_in_place
row 1 "ndj-stats -g service,type -a count,mean:duration_ms" peak_kib ndj-stats -g service,type -a count,mean:duration_ms
row 1 "ndj-stats --approx -a p50:duration_ms,p99:duration_ms" peak_kib ndj-stats --approx -g type -a p50:duration_ms,p99:duration_ms
row 0 "ndj-stats -a p99:duration_ms (exact)" peak_kib ndj-stats -g type -a p99:duration_ms
row 1 "ndj-emit --stdin" peak_kib ndj-emit --stdin
row 1 "ndj-post -j 4 (1000-record batches${url:+, to nginx})" post_batches
row 0 "ndj-dora" peak_kib ndj-dora --since 2026-01-01T00:00:00Z --until 2026-03-01T00:00:00Z
exit $status
