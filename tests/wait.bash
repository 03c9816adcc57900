# Sourced by tests/scripts/*.sh: `wait_lines N FILE [PATTERN]` waits (at
# most 20 s: the machine may be loaded) until FILE has N lines matching
# PATTERN (any line by default); on time-out it prints a FAIL line and
# exits 1.
wait_lines() {
  local n=$1 file=$2 pattern=${3:-.} i
  for ((i = 0; i < 200; i++)); do
    [ "$(grep -c -- "$pattern" "$file" 2>/dev/null)" -ge "$n" ] && return 0
    sleep 0.1
  done
  echo "FAIL: timed out waiting for $n lines matching '$pattern' in $file"
  exit 1
}
