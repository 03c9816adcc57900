# bench/lib.sh: helpers sourced by bench/<tool>.sh scripts: cached test data, timed runs, a markdown results table.
#
#   . "$(dirname "$0")/lib.sh"
#   bench_header "ndj-batch"
#   data=$(bench_data mixed-200M --bytes 200M)
#   bench_run "ndj-batch -n 1000" "$data" "ndj-batch -n 1000"
#   bench_run "jq -c ." "$data" "jq -c ."
#   bench_run "jq select" "$data" "jq -c 'select(.type == \"llm\")'"               # runs via bash -c
#   bench_run "ndj-redact | ndj-batch" "$data" "ndj-redact --mask email" "ndj-batch"  # pipeline stages
#   bench_ratio "ndj-batch / jq" "ndj-batch -n 1000" "jq -c ."
#
# Environment: BENCH_DIR (data cache, default <repo>/bench/data), BENCH_OUT (results file, default
# <repo>/bench/results.md), BENCH_REPEAT (runs per measurement, default 3; the best time is kept).
# Units: MB/s is 10^6 bytes of input per second of wall time; RSS is MiB (2^20 bytes).

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_GEN="$BENCH_ROOT/bench/gen"
: "${BENCH_DIR:=$BENCH_ROOT/bench/data}"
: "${BENCH_OUT:=$BENCH_ROOT/bench/results.md}"
: "${BENCH_REPEAT:=3}"

# Results of the last bench_run, for scripts that compute ratios or thresholds.
BENCH_LAST_LABEL= BENCH_LAST_SECS= BENCH_LAST_MBS= BENCH_LAST_RSS_MIB= BENCH_LAST_RSS_STAGES= BENCH_LAST_CPU=
# MB/s, seconds, peak RSS (MiB) and CPU seconds of every bench_run so far, by label.
declare -gA BENCH_MBS=() BENCH_SECS=() BENCH_RSS=() BENCH_CPU=()
_bench_in_table=0

_bench_emit() { # print a line to stdout and append it to $BENCH_OUT
    mkdir -p "$(dirname "$BENCH_OUT")"
    printf '%s\n' "$*" | tee -a "$BENCH_OUT"
}

_bench_is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }

# bench_require CMD...: succeed if every command exists, else say which is missing (for skipping a benchmark).
bench_require() {
    local c rc=0
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || { echo "bench: $c not found, skipping" >&2; rc=1; }
    done
    return $rc
}

# bench_header TITLE: a section header with machine and date, to stdout and $BENCH_OUT.
bench_header() {
    local cpu kernel
    cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -1)
    kernel=$(uname -sr)
    _bench_emit ""
    _bench_emit "## $1"
    _bench_emit ""
    _bench_emit "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs (${cpu:-unknown CPU}), $kernel, best of $BENCH_REPEAT runs"
    _bench_in_table=0
}

# bench_data NAME GEN_ARGS...: path of $BENCH_DIR/NAME.ndjson, made by `bench/gen GEN_ARGS` unless
# already there with the same arguments (recorded in NAME.args).
bench_data() {
    local name=$1; shift
    local path="$BENCH_DIR/$name.ndjson" args="$*"
    if [[ ! -s $path || ! -f $BENCH_DIR/$name.args || $(<"$BENCH_DIR/$name.args") != "$args" ]]; then
        mkdir -p "$BENCH_DIR" || return 1
        echo "bench: generating $path (bench/gen $args)" >&2
        "$BENCH_GEN" "$@" >"$path.tmp.$$" && mv "$path.tmp.$$" "$path" || { rm -f "$path.tmp.$$"; return 1; }
        printf '%s\n' "$args" >"$BENCH_DIR/$name.args"
    fi
    printf '%s\n' "$path"
}

# bench_run LABEL INPUT CMD [CMD...]: time CMD with stdin from INPUT and stdout to /dev/null; best
# wall time of $BENCH_REPEAT runs, peak RSS over all runs. Appends `| LABEL | MB/s | seconds | RSS |`.
#
# Wall time is bash's $EPOCHREALTIME around the whole run. RSS comes from GNU `/usr/bin/time -f %M`:
# - A CMD of plain words (letters, digits, spaces, _./=:,+@%- and no = in the first word) runs
#   directly, so its RSS is the command's own. Any other string runs as `bash -c CMD`; %M is the largest
#   maxrss of any single process in the tree (bash, ~3 MiB, and what it forks; not their sum), and
#   since Linux keeps the pre-exec high-water mark, 3 MiB is the floor even when bash execs CMD.
#   For a pipeline in one string the figure is thus its largest stage, not the pipeline's total.
# - Several CMDs are the stages of a pipeline (CMD1 | CMD2 | ...) with pipefail; each runs under its
#   own /usr/bin/time (directly or via bash -c as above). The RSS column is the sum of the stages'
#   peaks (an upper bound of the pipeline's footprint) followed by the per-stage figures.
# CPU time (user + system) is summed over the stages, of the run with the best wall time:
# BENCH_LAST_CPU and BENCH_CPU[label], in seconds. BENCH_BEFORE, when set, is a command run (untimed)
# before each run, e.g. to remove a cursor file so that every run ships the whole input.
# A failing run (non-zero exit of CMD or any stage, SIGPIPE included) is reported and not recorded.
bench_run() {
    local label=$1 input=$2; shift 2
    local stages=("$@") tmp script i q run t0 t1 secs best= rss peak=0 stage_peaks=() size rc k line cpu best_cpu=0
    [[ -r $input ]] || { echo "bench: $label: cannot read $input" >&2; return 1; }
    ((${#stages[@]})) || { echo "bench: $label: no command" >&2; return 1; }
    size=$(stat -L -c %s "$input")
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX") || return 1

    script="set -o pipefail;"
    for i in "${!stages[@]}"; do
        if ((i)); then script+=" |"; fi
        script+=" /usr/bin/time -o $tmp/rss.$i -f '%U %S %M'"
        if [[ ${stages[$i]} =~ ^[[:space:]]*[A-Za-z0-9_./:,+@%-]+([[:space:]]+[A-Za-z0-9_./=:,+@%-]+)*[[:space:]]*$ ]]; then
            script+=" ${stages[$i]}"     # plain words: no shell in between
        else
            printf -v q '%q' "${stages[$i]}"
            script+=" bash -c $q"
        fi
    done

    for ((run = 1; run <= BENCH_REPEAT; run++)); do
        if [[ -n ${BENCH_BEFORE:-} ]]; then bash -c "$BENCH_BEFORE" || return 1; fi
        t0=$EPOCHREALTIME
        bash -c "$script" <"$input" >/dev/null && rc=0 || rc=$?
        t1=$EPOCHREALTIME
        if ((rc != 0)); then
            echo "bench: $label: command failed (exit $rc), not recorded" >&2
            rm -rf "$tmp"
            return 1
        fi
        secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        cpu=0
        for i in "${!stages[@]}"; do
            line=$(tail -n 1 "$tmp/rss.$i" 2>/dev/null)   # time may write "Command terminated by signal N" first
            rss=${line##* }
            [[ $rss =~ ^[0-9]+$ ]] || rss=0
            if ((rss > ${stage_peaks[$i]:-0})); then stage_peaks[$i]=$rss; fi
            cpu=$(awk -v c="$cpu" -v l="$line" 'BEGIN { split(l, f, " "); printf "%.2f", c + f[1] + f[2] }')
        done
        if [[ -z $best ]] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs best_cpu=$cpu; fi
    done
    rm -rf "$tmp"

    for i in "${!stage_peaks[@]}"; do peak=$((peak + stage_peaks[i])); done
    BENCH_LAST_LABEL=$label
    BENCH_LAST_SECS=$best
    BENCH_LAST_CPU=$best_cpu
    BENCH_LAST_MBS=$(awk -v n="$size" -v s="$best" 'BEGIN { printf "%.1f", (s > 0 ? n / 1e6 / s : 0) }')
    BENCH_LAST_RSS_MIB=$(awk -v k="$peak" 'BEGIN { printf "%.1f", k / 1024 }')
    BENCH_LAST_RSS_STAGES=$(for k in "${stage_peaks[@]}"; do awk -v k="$k" 'BEGIN { printf "%.1f ", k / 1024 }'; done)
    BENCH_LAST_RSS_STAGES=${BENCH_LAST_RSS_STAGES% }
    BENCH_MBS[$label]=$BENCH_LAST_MBS BENCH_SECS[$label]=$BENCH_LAST_SECS BENCH_RSS[$label]=$BENCH_LAST_RSS_MIB
    BENCH_CPU[$label]=$BENCH_LAST_CPU

    local rss_cell=$BENCH_LAST_RSS_MIB
    if ((${#stages[@]} > 1)); then rss_cell+=" (${BENCH_LAST_RSS_STAGES// / + })"; fi
    if ((!_bench_in_table)); then
        _bench_emit ""
        _bench_emit "| command | MB/s | seconds | peak RSS MiB |"
        _bench_emit "|---|---:|---:|---:|"
        _bench_in_table=1
    fi
    _bench_emit "| ${label//|/\\|} | $BENCH_LAST_MBS | $BENCH_LAST_SECS | $rss_cell |"
}

# bench_ratio TEXT A B: prints "TEXT: A/Bx" (and appends it to $BENCH_OUT as a "- " list item).
# A and B are numbers or labels of earlier bench_runs (their MB/s), e.g.
# bench_ratio "ndj-batch / jq" "ndj-batch -n 1000" "jq -c .".
bench_ratio() {
    local text=$1 a=$2 b=$3 r
    _bench_is_number "$a" || a=${BENCH_MBS[$a]:-}
    _bench_is_number "$b" || b=${BENCH_MBS[$b]:-}
    if [[ -z $a || -z $b ]]; then
        echo "bench: bench_ratio $text: unknown label or value" >&2
        return 1
    fi
    r=$(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }')
    mkdir -p "$(dirname "$BENCH_OUT")"
    if ((_bench_in_table)); then echo >>"$BENCH_OUT"; _bench_in_table=0; fi
    printf '%s: %s\n' "$text" "$r"
    printf -- '- %s: %s\n' "$text" "$r" >>"$BENCH_OUT"
}

# bench_nginx DIR PATH: starts nginx in DIR (its pid in DIR/nginx.pid, for the
# caller's cleanup) answering 204 to everything on a free loopback port, waits
# until it answers, and prints http://127.0.0.1:PORT/PATH. Fails if nginx does
# not start.
bench_nginx() {
    local dir=$1 path=$2 port url
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_max_body_size 0;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location / { return 204; }
  }
}
CONF
    nginx -p "$dir" -c "$dir/nginx.conf" || return 1
    url="http://127.0.0.1:$port/$path"
    for _ in $(seq 1 50); do curl -s -o /dev/null "$url" && break; sleep 0.1; done
    echo "$url"
}
