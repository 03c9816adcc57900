# Sourced by tests/scripts/*.sh: `check WHAT EXPECTED ACTUAL` prints
# "ok: WHAT", or "FAIL: WHAT: expected '...', got '...'" and sets fail=1
# (a script ends with `exit $fail`).
check() {
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: expected '$2', got '$3'"; fail=1; fi
}
