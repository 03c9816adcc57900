# ndj-post: tokens (never shown, never on argv), TLS verification, gzip,
# NDJSON bodies, out-of-order acknowledgements, SIGTERM.
set -u
source "$TESTS_DIR/receiver.bash"
dir=$(mktemp -d)
trap 'stop_receiver; rm -rf "$dir"' EXIT
fail=0
source "$TESTS_DIR/check.bash"
mark() { printf '{"ndj_mark":{"path":"/abs/app.ndjson","dev":1,"ino":2,"fp":"0123456789abcdef","offset":%s}}\n' "$1"; }
secret=s3cr3t-TOKEN-4f9a2c
printf '%s\n' "$secret" >"$dir/token"
chmod 600 "$dir/token"
{ echo '[{"id":1},{"id":2}]'; mark 10; echo '[{"id":3}]'; mark 20; } >"$dir/in"

# Tokens: accepted from a file and from the environment, checked by the
# receiver, never printed by -v or --dry-run, never in the process arguments.
start_receiver "$dir" --token-file "$dir/token" --delay 0.3 --headers-out "$dir/headers"
ndj-post -v --token-file "$dir/token" "$URL" <"$dir/in" >"$dir/out" 2>"$dir/err" &
pid=$!
sleep 0.2
args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
wait $pid
check "token file: exit" 0 $?
check "token file: both bodies accepted" 2 "$(wc -l <"$dir/received")"
grep -q "$secret" "$dir/out" "$dir/err"; check "token not in -v output" 1 $?
case $args in *"$secret"*) check "token not in argv" absent present ;; *) check "token not in argv" absent absent ;; esac
NDJ_TOKEN=$secret ndj-post --token-env NDJ_TOKEN "$URL" <"$dir/in" 2>"$dir/err"
check "token env: exit" 0 $?
ndj-post --dry-run --token-env NDJ_TOKEN "$URL" <"$dir/in" >"$dir/out" 2>&1
check "dry run without the variable: exit" 77 $?
NDJ_TOKEN=$secret ndj-post --dry-run --token-env NDJ_TOKEN -H 'X-Api-Key: k1' -H 'X-Team: a' "$URL" <"$dir/in" >"$dir/out" 2>&1
check "dry run: exit" 0 $?
grep -q "$secret" "$dir/out"; check "dry run hides the token" 1 $?
check "dry run masks" "Authorization: Bearer *** X-Api-Key: *** X-Team: a" \
  "$(grep -E '^(Authorization|X-)' "$dir/out" | sort -u | tr '\n' ' ' | sed 's/ $//')"
printf 'wrong\n' >"$dir/badtoken"
ndj-post --token-file "$dir/badtoken" "$URL" <"$dir/in" 2>"$dir/err"
check "wrong token: exit" 77 $?
grep -q 'HTTP 401: the credentials were refused' "$dir/err"; check "wrong token: says what to fix" 0 $?
grep -q wrong "$dir/err"; check "wrong token not echoed" 1 $?
ndj-post --token-file "$dir/nonexistent" "$URL" <"$dir/in" 2>"$dir/err"
check "missing token file: exit" 77 $?
ndj-post -H "Authorization: Bearer $secret" "$URL" <"$dir/in" 2>"$dir/err"
check "token on argv refused" 2 $?
grep -q "$secret" "$dir/err"; check "refused token not echoed" 1 $?
stop_receiver

# gzip and NDJSON bodies.
rm -f "$dir/received" "$dir/headers"
start_receiver "$dir" --headers-out "$dir/headers"
ndj-post --gzip --body ndjson "$URL" <"$dir/in"
check "gzip ndjson: exit" 0 $?
check "gzip ndjson: bodies" '{"id":1} {"id":2} {"id":3}' "$(sort "$dir/received" | tr '\n' ' ' | sed 's/ $//')"
check "gzip ndjson: headers" "gzip application/x-ndjson" "$(head -1 "$dir/headers" | jq -r '"\(."Content-Encoding") \(."Content-Type")"')"
# --gzip-level N implies --gzip; 9 packs smaller than the default 1, and the
# receiver unpacks the same records.
stop_receiver
rm -f "$dir/received" "$dir/headers"
start_receiver "$dir" --headers-out "$dir/headers"
ndj-post --gzip-level 9 "$URL" <"$dir/in"
check "gzip level 9: exit" 0 $?
check "gzip level 9: bodies" '[{"id":1},{"id":2}] [{"id":3}]' "$(sort "$dir/received" | tr '\n' ' ' | sed 's/ $//')"
check "gzip level 9: gzip" "gzip" "$(head -1 "$dir/headers" | jq -r '."Content-Encoding"')"
python3 -c 'import json; print(json.dumps([{"i": i, "msg": "deploy of checkout-api %d finished in %d ms" % (i, i * 7 % 1000)} for i in range(2000)]))' >"$dir/big"
length() { ndj-post --dry-run "$@" "$URL" <"$dir/big" | sed -n 's/^Content-Length: //p' | tr -d '\r'; }
l1=$(length --gzip) l1b=$(length --gzip-level 1) l9=$(length --gzip-level 9) plain=$(length)
check "gzip level 1 is --gzip" "$l1" "$l1b"
check "gzip level 9 is smaller than 1, 1 than none" yes "$([ "$l9" -lt "$l1" ] && [ "$l1" -lt "$plain" ] && echo yes || echo "no: $l9 $l1 $plain")"
# Connections are reused: 40 requests, 2 at a time, over 2 connections.
before=$(curl -s "http://127.0.0.1:$RPORT/_stats" | jq .connections)
for i in $(seq 1 40); do echo "[{\"id\":$i}]"; done | ndj-post -j 2 "$URL"
check "connection reuse: exit" 0 $?
check "connection reuse: connections" 2 "$(( $(curl -s "http://127.0.0.1:$RPORT/_stats" | jq .connections) - before ))"
echo '{"not":"an array"}' | ndj-post --body ndjson "$URL" 2>"$dir/err"
check "ndjson needs arrays" 65 $?
check "ndjson error" 'ndj-post: <stdin>:1: not a JSON array (--body ndjson)' "$(cat "$dir/err")"
printf '[1]\n{bad\n[2]\n' | ndj-post "$URL" 2>"$dir/err"
check "invalid line: exit" 65 $?
stop_receiver

# Out-of-order acknowledgements: the first body is slow, the rest are fast;
# while it is pending the cursor must not move.
rm -f "$dir/received" "$dir/cursor"
{ for i in $(seq 1 8); do echo "[{\"id\":$i}]"; mark $((i * 10)); done; } >"$dir/in8"
start_receiver "$dir" --slow-if '"id":1}:3' 
ndj-post -j 8 --cursor "$dir/cursor" "$URL" <"$dir/in8" &
pid=$!
for i in $(seq 1 100); do [ "$(wc -l <"$dir/received" 2>/dev/null || echo 0)" -ge 7 ] && break; sleep 0.05; done
check "7 later bodies acknowledged first" 7 "$(wc -l <"$dir/received")"
check "cursor held back by the slow first body" "" "$(cursor_offset "$dir/cursor" /abs/app.ndjson)"
wait $pid
check "out of order: exit" 0 $?
check "out of order: cursor at the end" 80 "$(cursor_offset "$dir/cursor" /abs/app.ndjson)"
check "out of order: first body last" '[{"id":1}]' "$(tail -1 "$dir/received")"
stop_receiver

# SIGTERM while a request is in flight from a pipe that stays open: the
# request finishes, its mark is committed, exit 0.
rm -f "$dir/received" "$dir/cursor"
start_receiver "$dir" --plan "slow:1"
# A FIFO held open by fd 3 is the input that never ends.
mkfifo "$dir/fifo"
ndj-post --cursor "$dir/cursor" "$URL" <"$dir/fifo" &
pid=$!
exec 3>"$dir/fifo"
{ echo '[{"id":1}]'; mark 10; } >&3
for i in $(seq 1 100); do  # until the request is in flight
  [ "$(curl -s "http://127.0.0.1:$RPORT/_stats" | jq .requests)" -ge 1 ] && break
  sleep 0.05
done
kill -TERM $pid
wait $pid
check "SIGTERM: exit" 0 $?
exec 3>&-
check "SIGTERM: in-flight body delivered" 1 "$(wc -l <"$dir/received")"
check "SIGTERM: its mark committed" 10 "$(cursor_offset "$dir/cursor" /abs/app.ndjson)"
stop_receiver

# SIGTERM while every slot waits for a retry (nobody listening): stop
# without waiting for the retry budget, commit nothing, exit 0.
rm -f "$dir/cursor"
start_receiver "$dir" && stop_receiver
ndj-post -j 1 --backoff 50ms --max-backoff 100ms --retry-for 60s --cursor "$dir/cursor" "$URL" \
  <"$dir/fifo" 2>/dev/null &
pid=$!
exec 3>"$dir/fifo"
{ echo '[{"id":1}]'; mark 10; echo '[{"id":2}]'; mark 20; } >&3
sleep 0.5
kill -TERM $pid
wait $pid
check "SIGTERM while retrying: exit" 0 $?
exec 3>&-
check "SIGTERM while retrying: nothing committed" "" "$(cursor_offset "$dir/cursor" /abs/app.ndjson)"

# TLS: verified by default, --cacert trusts a private CA, --insecure warns.
if openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 1 \
     -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1; then
  start_receiver "$dir" --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem"
  url=${URL/http:/https:}
  ndj-post "$url" <"$dir/in" 2>"$dir/err"
  check "TLS self-signed: exit" 77 $?
  grep -q -- '--cacert' "$dir/err"; check "TLS failure says what to fix" 0 $?
  ndj-post --cacert "$dir/cert.pem" "$url" <"$dir/in" 2>"$dir/err"
  check "TLS with --cacert: exit" 0 $?
  ndj-post --insecure "$url" <"$dir/in" 2>"$dir/err"
  check "TLS --insecure: exit" 0 $?
  check "TLS --insecure warns" "ndj-post: warning: --insecure: TLS certificates are not verified" "$(cat "$dir/err")"
  stop_receiver
else
  echo "FAIL: openssl could not make a test certificate"; fail=1
fi
exit $fail
