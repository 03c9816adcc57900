# ndj-post: credentials never leak. A receiver that echoes the request in a
# 422 does not put the token into the dead-letter file or stderr; basic auth
# comes from --user and --password-file, never from the URL; secret files
# readable by others are warned about; an empty --token-env is named.
set -u
source "$TESTS_DIR/receiver.bash"
dir=$(mktemp -d)
trap 'stop_receiver; rm -rf "$dir"' EXIT
fail=0
source "$TESTS_DIR/check.bash"
secret=s3cr3t-TOKEN-4f9a2c/with+slash
printf '%s\n' "$secret" >"$dir/token"
chmod 600 "$dir/token"
password='pa55-w0rd:x'
printf '%s\n' "$password" >"$dir/password"
chmod 600 "$dir/password"

# A 422 that echoes the request headers: the body is dead-lettered with the
# response, scrubbed of the token and of credential headers, and capped.
start_receiver "$dir" --plan 'echo:422'
echo '[{"id":1}]' | ndj-post -v --token-file "$dir/token" --dead-letter "$dir/dead" -H 'Cookie: sid=c00k1e' "$URL" 2>"$dir/err"
check "echoing 422: exit" 65 $?
check "echoing 422: dead-lettered" 1 "$(wc -l <"$dir/dead")"
response=$(jq -r .response "$dir/dead")
case $response in *unprocessable*) check "response kept" yes yes ;; *) check "response kept" yes no ;; esac
cat "$dir/dead" "$dir/err" | grep -q 's3cr3t'
check "token in neither the dead-letter file nor stderr" 1 $?
grep -q 'c00k1e' "$dir/dead" "$dir/err"; check "cookie value scrubbed" 1 $?
check "credential header scrubbed" 'Authorization: ***' "$(grep -m1 '^Authorization:' <<<"$response")"
check "bare credential scrubbed" '***' "$(head -1 <<<"$response" | jq -r .credential)"
check "excerpt capped at 1 KiB" yes "$([ "${#response}" -le 1024 ] && echo yes || echo no)"
stop_receiver

# Basic auth: the password comes from a file; the receiver gets the header.
rm -f "$dir/received" "$dir/headers"
start_receiver "$dir" --headers-out "$dir/headers"
echo '[{"id":2}]' | ndj-post --user alice --password-file "$dir/password" "$URL" 2>"$dir/err"
check "basic auth: exit" 0 $?
check "basic auth: header" "Basic $(printf 'alice:%s' "$password" | base64 -w0)" "$(jq -r .Authorization "$dir/headers")"
echo '[{"id":3}]' | ndj-post --dry-run --user alice --password-file "$dir/password" "$URL" >"$dir/out" 2>&1
check "basic auth: dry run masks" 'Authorization: Basic ***' "$(grep '^Authorization' "$dir/out")"
grep -q "$password" "$dir/out" "$dir/err"; check "password never printed" 1 $?
# The same echoing receiver: the password and the encoded pair are scrubbed.
rm -f "$dir/dead"
curl -s -d 'echo:422' "http://127.0.0.1:$RPORT/_plan"
echo '[{"id":4}]' | ndj-post -v --user alice --password-file "$dir/password" --dead-letter "$dir/dead" "$URL" 2>"$dir/err"
check "basic auth echoed: exit" 65 $?
grep -q -e "$password" -e "$(printf 'alice:%s' "$password" | base64 -w0)" "$dir/dead" "$dir/err"
check "basic auth echoed: scrubbed" 1 $?
stop_receiver

# Credentials on argv are refused, pointing at the options that take them.
echo '[]' | ndj-post --dry-run "http://alice:$password@127.0.0.1:9/x" >/dev/null 2>"$dir/err"
check "user:password@ in the URL: exit" 2 $?
grep -q -- '--password-file' "$dir/err"; check "names --user/--password-file" 0 $?
grep -q "$password" "$dir/err"; check "refused password not echoed" 1 $?
echo '[]' | ndj-post --dry-run --user alice "http://127.0.0.1:9/x" >/dev/null 2>&1
check "--user without --password-file: exit" 2 $?
echo '[]' | ndj-post --dry-run --user alice --password-file "$dir/password" --token-file "$dir/token" "http://127.0.0.1:9/x" >/dev/null 2>&1
check "basic auth and a token: exit" 2 $?

# Secret files open to other users: a warning, and they are used.
chmod 640 "$dir/token"
echo '[]' | ndj-post --dry-run --token-file "$dir/token" http://127.0.0.1:9/x >/dev/null 2>"$dir/err"
check "group-readable token: exit" 0 $?
check "group-readable token: warning" "ndj-post: warning: $dir/token: token file is readable by other users (chmod 600)" "$(cat "$dir/err")"
chmod 604 "$dir/password"
echo '[]' | ndj-post --dry-run --user alice --password-file "$dir/password" http://127.0.0.1:9/x >/dev/null 2>"$dir/err"
check "world-readable password: warning" "ndj-post: warning: $dir/password: password file is readable by other users (chmod 600)" "$(cat "$dir/err")"

# A variable that is set but empty is not "not set".
echo '[]' | NDJ_TOKEN= ndj-post --dry-run --token-env NDJ_TOKEN http://127.0.0.1:9/x >/dev/null 2>"$dir/err"
check "empty token variable: exit" 77 $?
check "empty token variable: message" "ndj-post: environment variable NDJ_TOKEN is empty (--token-env)" "$(cat "$dir/err")"
exit $fail
