#!/usr/bin/env bash
# ndj-post to a URL with a host name, not an address: libcurl resolves it in
# a thread of its own (the only thread any ndj tool runs), which is what
# `make test-tsan` needs exercised. Retries and a dropped connection make it
# resolve more than once. Skipped when no name for 127.0.0.1 other than
# "localhost" (which libcurl answers itself) is known here.
set -u
dir=$(mktemp -d)
. "$TESTS_DIR/receiver.bash"
trap 'stop_receiver || true; rm -rf "$dir"' EXIT
name=
for n in "$(hostname)" ip6-localhost localhost.localdomain; do
  if [ -n "$n" ] && getent ahostsv4 "$n" 2>/dev/null | grep -q '^127\.0\.0\.1 '; then name=$n; break; fi
done
[ -n "$name" ] || { echo "SKIP: no host name for 127.0.0.1 here"; exit 77; }
start_receiver "$dir" --plan "503:0,drop,200,500" || exit 1
url="http://$name:$RPORT/api/v1/telemetry"
for i in $(seq 1 20); do echo "[{\"id\":$i}]"; done >"$dir/in"
status=0
ndj-post -j 3 --backoff 10ms --max-backoff 50ms "$url" <"$dir/in" 2>"$dir/err" || status=$?
[ $status = 0 ] || { echo "FAIL exit $status: $(cat "$dir/err")"; exit 1; }
for i in $(seq 1 20); do
  grep -qx "\[{\"id\":$i}\]" "$dir/received" || { echo "FAIL body $i not received"; exit 1; }
done
echo "ok: 20 bodies to $name (resolved by libcurl), through 503, a drop and a 500"
