#!/usr/bin/env bash
# A short run of the whole-pipeline torture test (make torture runs longer):
# appenders with rotation, faults, prune, random SIGKILLs; every record must
# arrive, none unknown, no secret in clear.
set -eu
exec python3 "$TESTS_DIR/torture.py" --seconds 15
