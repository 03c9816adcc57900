# Helpers for script tests that talk to tests/receiver.py. Source it, then:
#   start_receiver DIR [receiver options...]   sets RPORT, RPID, URL
#   stop_receiver
# Bodies the receiver accepted are in DIR/received (one line per body, or
# the NDJSON lines of a body).
start_receiver() {
  local dir=$1
  shift
  rm -f "$dir/port"
  python3 "$TESTS_DIR/receiver.py" --port-file "$dir/port" --out "$dir/received" "$@" >/dev/null 2>>"$dir/receiver.log" &
  RPID=$!
  local i
  for i in $(seq 1 200); do
    [ -s "$dir/port" ] && break
    sleep 0.05
  done
  [ -s "$dir/port" ] || { echo "receiver did not start"; return 1; }
  RPORT=$(cat "$dir/port")
  URL="http://127.0.0.1:$RPORT/api/v1/telemetry"
}

stop_receiver() {
  if [ -n "${RPID:-}" ]; then
    kill "$RPID" 2>/dev/null
    wait "$RPID" 2>/dev/null
    RPID=
  fi
}

# The offset the cursor file DIR/cursor holds for PATH (empty if none).
cursor_offset() {
  [ -f "$1" ] || return 0
  jq -r --arg p "$2" '.files[] | select(.path == $p) | .offset' "$1"
}
