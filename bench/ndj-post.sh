#!/usr/bin/env bash
# ndj-post against a curl loop: 1000-record batches of realistic telemetry
# POSTed to a local nginx that answers 204 (the sender's own cost: no real
# receiver work). jq and Miller cannot send HTTP, so the comparison is curl.
. "$(dirname "$0")/lib.sh"
bench_require nginx curl ndj-batch ndj-post python3 || exit 0
size=${BENCH_SIZE:-200M}
bench_header "ndj-post: 1000-record batches to nginx (return 204) on loopback ($size)"
data=$(bench_data "mixed-$size" --bytes "$size")
batches="$BENCH_DIR/mixed-$size.batches"
[ -s "$batches" ] && [ "$batches" -nt "$data" ] || ndj-batch -n 1000 --max-bytes 16M <"$data" >"$batches"
small="$BENCH_DIR/mixed-$size.batches-100"
head -100 "$batches" >"$small"

tmp=$(mktemp -d)
trap 'kill "$(cat "$tmp/nginx.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_max_body_size 0;
  client_body_temp_path $tmp/body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$port;
    location / { return 204; }
  }
}
CONF
nginx -p "$tmp" -c "$tmp/nginx.conf" || { echo "bench: nginx did not start" >&2; exit 1; }
url="http://127.0.0.1:$port/api/v1/telemetry"
for i in $(seq 1 50); do curl -s -o /dev/null "$url" && break; sleep 0.1; done

bench_run "ndj-post -j 4" "$batches" "ndj-post -j 4 $url"
bench_run "ndj-post -j 1" "$batches" "ndj-post -j 1 $url"
bench_run "ndj-post -j 4 --gzip" "$batches" "ndj-post -j 4 --gzip $url"
# One curl process per body, as a shell loop would ship them: the first 100
# batches, split into files beforehand so the loop costs only curl.
mkdir "$tmp/bodies"
split -l 1 -a 4 "$small" "$tmp/bodies/b."
bench_run "curl loop, 100 batches" "$small" \
  "for f in $tmp/bodies/b.*; do curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary @\$f $url || exit 1; done"
bench_run "ndj-post -j 4, 100 batches" "$small" "ndj-post -j 4 $url"
bench_ratio "ndj-post -j 4 / curl loop" "ndj-post -j 4" "curl loop, 100 batches"
