# A writer killed mid-line (SIGKILL upstream in a pipeline) leaves a last
# line without a newline. From a pipe that is a transient failure, not bad
# data: the line is reported as cut short and not used, the lines before
# it are processed, and the exit status is 75, so a supervisor restarts the
# pipeline instead of raising a data alarm (the records are sent again from
# the last committed mark). A regular file without a final newline is read
# as before.
set -u
source "$TESTS_DIR/receiver.bash"
dir=$(mktemp -d)
trap 'stop_receiver; rm -rf "$dir"' EXIT
fail=0
source "$TESTS_DIR/check.bash"
mark='{"ndj_mark":{"path":"/abs/app.ndjson","dev":1,"ino":2,"fp":"0123456789abcdef","offset":20}}'
# Writes two batches, a mark and the start of a third batch, then dies.
killed_writer() {
  { printf '[{"a":1}]\n[{"a":2}]\n%s\n[{"a":' "$mark"; kill -9 $BASHPID; }
}
cut='input ended mid-line (the writer stopped?); the partial line is not used'

start_receiver "$dir"
killed_writer | ndj-post --cursor "$dir/cursor" "$URL" 2>"$dir/err"
check "ndj-post: exit" 75 $?
check "ndj-post: message" "ndj-post: <stdin>:4: $cut" "$(cat "$dir/err")"
check "ndj-post: the complete lines were delivered" '[{"a":1}] [{"a":2}]' "$(sort "$dir/received" | tr '\n' ' ' | sed 's/ $//')"
check "ndj-post: their mark was committed" 20 "$(cursor_offset "$dir/cursor" /abs/app.ndjson)"
stop_receiver

# The same rule in every filter (the shared record reader).
killed_writer | ndj-batch -n 10 >"$dir/out" 2>"$dir/err"
check "ndj-batch: exit" 75 $?
check "ndj-batch: message" "ndj-batch: <stdin>:4: $cut" "$(cat "$dir/err")"
check "ndj-batch: output" "[[{\"a\":1}],[{\"a\":2}]] $mark" "$(tr '\n' ' ' <"$dir/out" | sed 's/ $//')"
killed_writer | ndj-redact --mask email --rejects "$dir/rejects" >"$dir/out" 2>"$dir/err"
check "ndj-redact: exit" 75 $?
check "ndj-redact: message" "ndj-redact: <stdin>:4: $cut" "$(cat "$dir/err")"
check "ndj-redact: the partial line is not quarantined" no "$([ -s "$dir/rejects" ] && echo yes || echo no)"

# Not cut short: a valid last line without a newline is used...
printf '[{"a":1}]' | ndj-batch -n 10 >"$dir/out" 2>"$dir/err"
check "valid last line from a pipe: exit" 0 $?
check "valid last line from a pipe: used" '[[{"a":1}]]' "$(cat "$dir/out")"
# ...and a regular file without a final newline is bad data, as before.
printf '[{"a":1}]\n[{"a":' >"$dir/file"
ndj-batch -n 10 <"$dir/file" >/dev/null 2>"$dir/err"
check "regular file: exit" 65 $?
check "regular file: message" "ndj-batch: <stdin>:2: invalid JSON: truncated (unclosed array or object) (last line has no newline: truncated?)" "$(cat "$dir/err")"
exit $fail
