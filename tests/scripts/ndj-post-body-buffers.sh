# ndj-post sends each line straight from the buffer it was read into: the
# buffer must stay intact while bodies from it are in flight or waiting to
# be retried, across refills of the reader. 14 MB of bodies of 1 B to
# 700 kB (several 4 MiB buffers) go to a receiver that delays answers and
# fails a third of the requests; every body must arrive exactly as it was
# read, plain and with --body ndjson.
set -u
source "$TESTS_DIR/receiver.bash"
dir=$(mktemp -d)
trap 'stop_receiver; rm -rf "$dir"' EXIT
fail=0
source "$TESTS_DIR/check.bash"
python3 - "$dir/in" <<'PY'
import json, random, sys
rng = random.Random(29)
with open(sys.argv[1], "w") as f:
    total = 0
    i = 0
    while total < 14_000_000:
        n = rng.choice([1, 3, 40, 200, 1500, 4000])
        recs = [{"i": i, "k": j, "pad": "x" * rng.randrange(0, 300)} for j in range(n)]
        line = json.dumps(recs, separators=(",", ":"))
        f.write(line + "\n")
        total += len(line) + 1
        i += 1
PY
lines=$(wc -l <"$dir/in")

start_receiver "$dir" --delay 0.005 --fault-rate 0.3 --seed 7
ndj-post -j 8 --backoff 5ms --max-backoff 20ms "$URL" <"$dir/in" 2>"$dir/err"
check "plain: exit" 0 $?
check "plain: every body, byte for byte" "$(sort "$dir/in" | md5sum)" "$(sort "$dir/received" | md5sum)"
check "plain: no duplicates" "$lines" "$(wc -l <"$dir/received")"
stop_receiver

rm -f "$dir/received"
start_receiver "$dir" --delay 0.005 --fault-rate 0.3 --seed 8
ndj-post -j 8 --backoff 5ms --max-backoff 20ms --body ndjson "$URL" <"$dir/in" 2>"$dir/err"
check "ndjson: exit" 0 $?
expected=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    for r in json.loads(line):
        print(json.dumps(r, separators=(",", ":")))' "$dir/in" | sort | md5sum)
check "ndjson: every record" "$expected" "$(grep -v '^$' "$dir/received" | sort | md5sum)"
stop_receiver
exit $fail
