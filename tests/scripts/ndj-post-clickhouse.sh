# ndj-post --sink clickhouse against a real clickhouse-server on loopback,
# and the splitting of rejected bodies against any receiver: what a user
# sees for each answer class (bad rows dead-lettered while their batch's
# good rows land, unknown table and wrong password exit 77, unknown fields
# rejected or skipped with --skip-unknown-fields), credentials from
# --password-file only, and a plain HTTP endpoint answering 422 to the
# bodies holding a bad record: a 1,000-record batch dead-letters only those.
set -u
source "$TESTS_DIR/clickhouse.bash"
source "$TESTS_DIR/receiver.bash"
source "$TESTS_DIR/check.bash"
dir=$(mktemp -d)
trap 'clickhouse_stop; stop_receiver; rm -rf "$dir"' EXIT
fail=0
clickhouse_start "$dir/ch"
ch_query "CREATE TABLE t (id String, n UInt32, d DateTime) ENGINE = ReplacingMergeTree ORDER BY id"

# A batch of 10 with three kinds of bad rows: a string for a UInt32, a
# time that does not parse, a string that is an object.
{
  printf '['
  for i in 1 2 3 4 5 6 7 8 9 10; do
    [ $i = 1 ] || printf ','
    case $i in
      3) printf '{"id":"r%d","n":"three"}' $i ;;
      7) printf '{"id":"r%d","n":7,"d":"noon"}' $i ;;
      10) printf '{"id":{"x":1},"n":10}' ;;
      *) printf '{"id":"r%d","n":%d}' $i $i ;;
    esac
  done
  printf ']\n'
} >"$dir/batch"
ndj-post --sink clickhouse --table t --dead-letter "$dir/dead" --status "$dir/status" "$CH_URL" <"$dir/batch" 2>"$dir/err"
check "bad rows: exit 65" 65 $?
check "bad rows: the good ones landed" "r1 r2 r4 r5 r6 r8 r9" "$(ch_query "SELECT id FROM t FINAL ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
check "bad rows: each dead-lettered alone" '[{"id":"r3","n":"three"}] [{"id":"r7","n":7,"d":"noon"}] [{"id":{"x":1},"n":10}]' \
  "$(jq -c .body "$dir/dead" | sort | tr '\n' ' ' | sed 's/ $//')"
check "bad rows: the sources name the record" "<stdin>:1 record 10 <stdin>:1 record 3 <stdin>:1 record 7" \
  "$(jq -r .source "$dir/dead" | sort | tr '\n' ' ' | sed 's/ $//')"
check "bad rows: status" "3 3" "$(jq -r '"\(.dead_lettered_records) \(.dead_lettered)"' "$dir/status")"
grep -q 'record 3: rejected by the receiver (HTTP 500, ClickHouse code 27 CANNOT_PARSE_INPUT_ASSERTION_FAILED), kept in' "$dir/err"
check "bad rows: the message names the code" 0 $?

# Without --dead-letter the first rejection stops the run (exit 65).
ndj-post --sink clickhouse --table t "$CH_URL" <<<'[{"id":"s1","n":"x"}]' 2>"$dir/err"
check "no --dead-letter: exit 65" 65 $?

# Unknown fields: rejected (code 117), or skipped on request.
ndj-post --sink clickhouse --table t --dead-letter "$dir/dead2" "$CH_URL" <<<'[{"id":"u1","n":1,"extra":true}]' 2>"$dir/err"
check "unknown field: rejected" "65 117" "$? $(jq -r '.response | capture("Code: (?<c>[0-9]+)").c' "$dir/dead2")"
ndj-post --sink clickhouse --table t --skip-unknown-fields "$CH_URL" <<<'[{"id":"u1","n":1,"extra":true}]'
check "--skip-unknown-fields: inserted" "0 1" "$? $(ch_query "SELECT count() FROM t WHERE id = 'u1'")"

# The setup is wrong: exit 77 at once, whatever the retry budget.
ndj-post --sink clickhouse --table nosuch --retry-for 10m "$CH_URL" <<<'[{"id":"x"}]' 2>"$dir/err"
check "unknown table: exit 77" 77 $?
check "unknown table: message" "ndj-post: <stdin>:1: HTTP 404, ClickHouse code 60 UNKNOWN_TABLE: create the table first (ndj-post(1), SINKS): refused" "$(cat "$dir/err")"
ndj-post --sink clickhouse --table nodb.t "$CH_URL" <<<'[{"id":"x"}]' 2>/dev/null
check "unknown database: exit 77" 77 $?

# Credentials: --user and --password-file; a wrong password is exit 77
# and never shown.
ndj-post --sink clickhouse --table t --user writer --password-file "$dir/ch/writer.password" "$CH_URL" <<<'[{"id":"w1","n":1}]'
check "password file: inserted" "0 1" "$? $(ch_query "SELECT count() FROM t WHERE id = 'w1'")"
(umask 077 && echo "wrong-password" >"$dir/bad.pw")
ndj-post --sink clickhouse --table t --user writer --password-file "$dir/bad.pw" --retry-for 10m "$CH_URL" <<<'[{"id":"w2"}]' 2>"$dir/err"
check "wrong password: exit 77" 77 $?
grep -q 'ClickHouse code 193 WRONG_PASSWORD: check --user and --password-file' "$dir/err"; check "wrong password: message" 0 $?
grep -q 'wrong-password' "$dir/err"; check "wrong password: never shown" 1 $?
ndj-post --sink clickhouse --table t --user nobody --password-file "$dir/bad.pw" "$CH_URL" <<<'[{"id":"w2"}]' 2>/dev/null
check "unknown user: exit 77" 77 $?

# Usage errors.
ndj-post --sink clickhouse "$CH_URL" </dev/null 2>"$dir/err"
check "no --table" "2 ndj-post: --sink clickhouse needs --table" "$? $(head -1 "$dir/err")"
ndj-post --sink clickhouse --table 't; DROP TABLE t' "$CH_URL" </dev/null 2>/dev/null
check "a table name that is not a name" 2 $?
ndj-post --sink clickhouse --table t --body json "$CH_URL" </dev/null 2>/dev/null
check "--body json" 2 $?
ndj-post --table t "$CH_URL" </dev/null 2>/dev/null
check "--table without the sink" 2 $?
clickhouse_stop

# ClickHouse down: network errors are transient, retried until --retry-for.
ndj-post --sink clickhouse --table t --backoff 10ms --max-backoff 50ms --retry-for 1s "$CH_URL" <<<'[{"id":"x"}]' 2>"$dir/err"
check "server down: exit 75 after --retry-for" 75 $?

# Any receiver: a 1,000-record batch with 6 bad records (the receiver
# answers 422 to any body holding one) lands its 994 good records and
# dead-letters the 6, found by bisection; the cursor moves past it; gzip too.
for gz in "" --gzip; do
  rm -f "$dir/received" "$dir/dead3" "$dir/cursor"
  start_receiver "$dir" --reject-if '"bad":true:422' || exit 1
  { jq -nc '[range(1; 1001) | {id: ., bad: (. % 150 == 0)} | if .bad then . else del(.bad) end]'
    echo '{"ndj_mark":{"path":"/abs/app.ndjson","dev":1,"ino":2,"fp":"0123456789abcdef","offset":99}}'
  } | ndj-post $gz -j 2 --cursor "$dir/cursor" --dead-letter "$dir/dead3" --status "$dir/status3" "$URL" 2>/dev/null
  check "bisection$gz: exit 65" 65 $?
  check "bisection$gz: good records received once" "994 994" \
    "$(jq -c '.[].id' "$dir/received" | wc -l) $(jq -c '.[].id' "$dir/received" | sort -u | wc -l)"
  check "bisection$gz: bad records dead-lettered" "150 300 450 600 750 900" \
    "$(jq -c '.body[].id' "$dir/dead3" | sort -n | tr '\n' ' ' | sed 's/ $//')"
  check "bisection$gz: counted" "6 6" "$(jq -r '"\(.dead_lettered_records) \(.dead_lettered)"' "$dir/status3")"
  check "bisection$gz: cursor past the batch" 99 "$(cursor_offset "$dir/cursor" /abs/app.ndjson)"
  stop_receiver
done
exit $fail
