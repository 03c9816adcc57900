# Sourced by tests/scripts/*.sh: `clickhouse_start DIR` starts Debian's
# clickhouse-server on 127.0.0.1 with a temporary config, data, tmp and log
# paths under DIR and random free HTTP and TCP ports (no interserver port),
# waits until its HTTP interface answers /ping, and sets CH_URL and CH_PID.
# Users: `default` without a password and `writer` with the password in
# DIR/writer.password. `ch_query SQL` runs a query over HTTP; the caller's
# EXIT trap must run `clickhouse_stop`.
clickhouse_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

clickhouse_start() {
  local dir=$1 i
  command -v clickhouse-server >/dev/null || { echo "SKIP: clickhouse-server is not installed (make deps)"; exit 77; }
  mkdir -p "$dir/data" "$dir/tmp" "$dir/log" "$dir/user_files" "$dir/format_schemas"
  local http tcp
  http=$(clickhouse_free_port)
  tcp=$(clickhouse_free_port)
  while [ "$tcp" = "$http" ]; do tcp=$(clickhouse_free_port); done
  (umask 077 && echo -n "s3cret-$$-$RANDOM" >"$dir/writer.password")
  local sha
  sha=$(printf %s "$(cat "$dir/writer.password")" | sha256sum | cut -d' ' -f1)
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <mlock_executable>false</mlock_executable>
</yandex>
XML
  cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <writer><password_sha256_hex>$sha</password_sha256_hex><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></writer>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  clickhouse-server --config-file="$dir/config.xml" >"$dir/log/stdout" 2>&1 &
  CH_PID=$!
  CH_URL="http://127.0.0.1:$http/"
  for ((i = 0; i < 600; i++)); do
    [ "$(curl -s "${CH_URL}ping" 2>/dev/null)" = "Ok." ] && return 0
    kill -0 "$CH_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL: clickhouse-server did not start"
  tail -20 "$dir/log/stdout" "$dir/log/server.err.log" 2>/dev/null
  exit 1
}

clickhouse_stop() {
  [ -n "${CH_PID:-}" ] || return 0
  kill "$CH_PID" 2>/dev/null
  for ((i = 0; i < 100; i++)); do kill -0 "$CH_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$CH_PID" 2>/dev/null
  wait "$CH_PID" 2>/dev/null
  CH_PID=
}

# ch_query SQL: its result on stdout; a failing query fails the test.
ch_query() {
  curl -sS --fail-with-body "$CH_URL" --data-binary "$1" || { echo "FAIL: query: $1"; exit 1; }
}
