# Every body ndj-otlp writes, decoded with the official OpenTelemetry
# protobuf definitions (tests/otlp/verify.js, node and the npm packages
# `make deps` installs): traces of a reference-004 sprint with two parallel
# workers form exactly the expected tree, with the same ids in two runs;
# log and metric bodies decode too, and bodies split by -n keep the tree.
set -u
source "$TESTS_DIR/check.bash"
fail=0
if ! command -v node >/dev/null || [ ! -d "$TESTS_DIR/otlp/node_modules/@opentelemetry/otlp-transformer" ]; then
  echo "SKIP: node or tests/otlp/node_modules missing (make deps runs npm ci --prefix tests/otlp)"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sprint="$TESTS_DIR/data/otlp/sprint.ndjson"
verify() { node "$TESTS_DIR/otlp/verify.js" "$@"; }

ndj-otlp --signal traces "$sprint" >"$dir/a.json"
check "exit status" 0 $?
verify traces "$dir/a.json" >"$dir/tree" 2>"$dir/faults"
check "bodies decode with the official protos" "" "$(cat "$dir/faults")"
check "the sprint's tree" "command abc123
  wave 1
    issue BUG-042
      issue_phase ready
      issue_phase implement
      issue_phase verify
    issue ENH-101
      issue_phase ready
      issue_phase implement
      issue_phase verify
  wave 2
    issue BUG-043
      issue_phase ready
      issue_phase implement
1 bodies, 14 items, 0 marks, 1 traces" "$(cat "$dir/tree")"
ndj-otlp --signal traces "$sprint" >"$dir/b.json"
check "the same bodies in a second run" "" "$(cmp "$dir/a.json" "$dir/b.json" 2>&1)"
ids() { jq -r '.resourceSpans[].scopeSpans[].spans[] | .spanId' "$@" | sort; }
check "span ids unique" "14" "$(ids "$dir/a.json" | sort -u | wc -l)"
# One span a body: the ids and the tree do not depend on how bodies split.
ndj-otlp --signal traces -n 1 "$sprint" >"$dir/c.json"
verify traces "$dir/c.json" >"$dir/tree1" 2>"$dir/faults"
check "-n 1: bodies decode" "" "$(cat "$dir/faults")"
check "-n 1: 14 bodies, the same tree" "$(sed '$d' "$dir/tree")" "$(sed '$d' "$dir/tree1")"
check "-n 1: the same span ids" "$(ids "$dir/a.json")" "$(ids "$dir/c.json")"
# The failed issue's status is an error with its result as message.
check "status of ENH-101" '{"code":2,"message":"failure"}' \
  "$(jq -c '.resourceSpans[].scopeSpans[].spans[] | select(.name == "issue ENH-101") | .status' "$dir/a.json")"

for signal in logs metrics; do
  ndj-otlp --signal $signal --resource deployment.environment=ci "$sprint" >"$dir/$signal.json"
  verify $signal "$dir/$signal.json" >"$dir/out" 2>"$dir/faults"
  check "$signal bodies decode" "" "$(cat "$dir/faults")"
done
check "log records" "1 bodies, 17 items, 0 marks, 0 traces" "$(verify logs "$dir/logs.json")"
exit $fail
