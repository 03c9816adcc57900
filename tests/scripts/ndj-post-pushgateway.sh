# ndj-post --sink prometheus-pushgateway against Debian's
# prometheus-pushgateway on loopback (random port, persistence off):
# ndj-dora --format prom output is PUT to the job's group with its labels
# (a value holding '/' in base64), and the metrics read back from the
# gateway's /metrics carry ndj-dora's figures; a second push replaces the
# group; a text the gateway cannot parse is a rejection (exit 65); a gateway
# that is down is transient (exit 75 after --retry-for).
set -u
source "$TESTS_DIR/check.bash"
command -v prometheus-pushgateway >/dev/null || { echo "SKIP: prometheus-pushgateway is not installed (make deps)"; exit 77; }
dir=$(mktemp -d)
pg_pid=
trap '[ -n "$pg_pid" ] && kill "$pg_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
fail=0
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prometheus-pushgateway --web.listen-address="127.0.0.1:$port" --persistence.file="" >"$dir/pg.log" 2>&1 &
pg_pid=$!
url="http://127.0.0.1:$port"
for ((i = 0; i < 300; i++)); do
  curl -sf "$url/-/ready" >/dev/null 2>&1 && break
  kill -0 "$pg_pid" 2>/dev/null || break
  sleep 0.1
done
curl -sf "$url/-/ready" >/dev/null || { echo "FAIL: prometheus-pushgateway did not start"; cat "$dir/pg.log"; exit 1; }

# Four deployments, one failed and restored after 2 h, changes 1 h before
# each.
for d in 1 2 3 4; do
  printf '{"type":"change","id":"c%d","time":"2026-03-0%dT09:00:00Z","deployment_id":"d%d","team":"pay"}\n' $d $d $d
  if [ $d = 3 ]; then st=failure; else st=success; fi
  printf '{"type":"deployment","id":"d%d","time":"2026-03-0%dT10:00:00Z","status":"%s","team":"pay"}\n' $d $d $st
done >"$dir/events"
printf '{"type":"incident","id":"i1","time":"2026-03-03T10:00:00Z","resolved_at":"2026-03-03T12:00:00Z","deployment_id":"d3","team":"pay"}\n' >>"$dir/events"
ndj-dora --since 2026-03-01T00:00:00Z --until 2026-03-08T00:00:00Z --group-by team --format prom <"$dir/events" >"$dir/prom"
[ -s "$dir/prom" ] || { echo "FAIL: ndj-dora wrote no metrics"; exit 1; }

ndj-post --sink prometheus-pushgateway --job ci-dora --label repo=acme/web --label branch=main \
  --status "$dir/status" "$url" <"$dir/prom" 2>"$dir/err"
check "push: exit 0" 0 $?
curl -s "$url/metrics" >"$dir/metrics"
# Every sample ndj-dora wrote is served with the group's labels and its
# value (the gateway adds instance="", push_time_seconds and
# push_failure_time_seconds).
cat >"$dir/samples.py" <<'PY'
import re, sys
def samples(path, group):
    out = {}
    for line in open(path):
        m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)', line)
        if not m or line.startswith("#") or m.group(1).startswith("push_"):
            continue
        labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if group is not None:
            if any(labels.pop(k, None) != v for k, v in group.items()):
                continue
        out[(m.group(1), tuple(sorted(labels.items())))] = float(m.group(3))
    return out
pushed = samples(sys.argv[1], None)
served = samples(sys.argv[2], {"job": "ci-dora", "repo": "acme/web", "branch": "main", "instance": ""})
for k in pushed:
    if k not in served or served[k] != pushed[k]:
        print("differ:", k, pushed[k], served.get(k), file=sys.stderr)
print(len(pushed), len(served), "same" if pushed == served else "differ")
PY
n=$(grep -v '^#' "$dir/prom" | grep -c .)
check "every sample served with its value and the group's labels" "$n $n same" \
  "$(python3 "$dir/samples.py" "$dir/prom" "$dir/metrics")"
name=$(grep -v '^#' "$dir/prom" | head -1 | sed 's/[{ ].*//')
check "status" "1 0" "$(jq -r '"\(.acked) \(.dead_lettered)"' "$dir/status")"

# PUT replaces the group: a second push with one metric leaves only it.
printf '# TYPE ndj_test_pushes gauge\nndj_test_pushes 2\n' |
  ndj-post --sink prometheus-pushgateway --job ci-dora --label repo=acme/web --label branch=main "$url"
check "second push: exit 0" 0 $?
curl -s "$url/metrics" >"$dir/metrics2"
check "the group replaced" "0 1" \
  "$(grep -c "^$name{.*job=\"ci-dora\"" "$dir/metrics2") $(grep -c '^ndj_test_pushes{.*job="ci-dora"' "$dir/metrics2")"

# --dry-run shows the request: PUT to the group's path.
ndj-post --sink prometheus-pushgateway --job 'ci/dora' --label env= --dry-run "$url" <"$dir/prom" >"$dir/dry"
check "dry run" "PUT $url/metrics/job@base64/Y2kvZG9yYQ==/env@base64/=" "$(head -1 "$dir/dry")"

# Text the gateway cannot parse is a rejection, not retried.
printf 'this is not { prometheus\n' | ndj-post --sink prometheus-pushgateway --job bad --retry-for 10m "$url" 2>"$dir/err"
check "bad text: exit 65" 65 $?
grep -q 'HTTP 400' "$dir/err"; check "bad text: HTTP 400 reported" 0 $?
ndj-post --sink prometheus-pushgateway --job empty "$url" </dev/null 2>"$dir/err"
check "no metrics: exit 65" "65 ndj-post: <stdin>: no metrics to push" "$? $(cat "$dir/err")"

# Usage errors.
ndj-post --sink prometheus-pushgateway "$url" </dev/null 2>/dev/null
check "no --job" 2 $?
ndj-post --sink prometheus-pushgateway --job j --label 9x=1 "$url" </dev/null 2>/dev/null
check "bad label name" 2 $?
ndj-post --sink prometheus-pushgateway --job j --cursor "$dir/c" "$url" </dev/null 2>/dev/null
check "--cursor" 2 $?
ndj-post --job j "$url" </dev/null 2>/dev/null
check "--job without the sink" 2 $?

kill "$pg_pid"
wait "$pg_pid" 2>/dev/null
pg_pid=
ndj-post --sink prometheus-pushgateway --job j --backoff 10ms --max-backoff 50ms --retry-for 1s "$url" <"$dir/prom" 2>/dev/null
check "gateway down: exit 75" 75 $?
exit $fail
