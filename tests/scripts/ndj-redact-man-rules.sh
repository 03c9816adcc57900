#!/usr/bin/env bash
# man/ndj-redact.1 documents every built-in secret rule: each rule id and
# each example that `ndj-redact --list-rules` prints appear in the page's
# rendered text (mandoc -T utf8 with bold and underline removed). Both sides
# are compared with white space collapsed and a line break after a hyphen
# joined again, so that where mandoc wraps a line does not matter. A row
# added to lib/redact/secret_rules.cpp without its line in the man page
# (or an example changed in one place only) fails here, naming the rule.
set -u
command -v mandoc >/dev/null || { echo "SKIP: mandoc is not installed"; exit 77; }
page="$TESTS_DIR/../man/ndj-redact.1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

ndj-redact --list-rules >"$dir/rules.ndjson" ||
  { echo "FAIL: ndj-redact --list-rules exited $?"; exit 1; }
mandoc -T utf8 "$page" >"$dir/page.txt" ||
  { echo "FAIL: mandoc cannot render $page"; exit 1; }

python3 - "$dir/rules.ndjson" "$dir/page.txt" <<'PY'
import json, re, sys

rules_file, page_file = sys.argv[1:]
# Overstrike: bold is "c\bc", underline "_\bc"; keep the character shown.
page = re.sub(".\b", "", open(page_file, encoding="utf-8").read())


def flat(s):
    """White space collapsed, and "- " (a line broken after a hyphen, or an
    example such as "glpat- + 20") as "-" on both sides alike."""
    return re.sub(r"\s+", " ", s).replace("- ", "-").strip()


text = flat(page)
rules = [json.loads(line) for line in open(rules_file, encoding="utf-8") if line.strip()]
if not rules:
    print("FAIL: ndj-redact --list-rules printed no rules")
    sys.exit(1)

missing = []
for n, r in enumerate(rules, 1):
    rid, example = r["id"], r["example"]
    # The id as a word of its own: "ipv6" is not found inside "ipv6-foo".
    if not re.search(r"(?<![\w-])" + re.escape(rid) + r"(?![\w-])", text):
        missing.append(f"row {n}: rule id {rid} is not in the man page")
    if not example:
        missing.append(f"row {n}: rule {rid} has no example")
    elif flat(example) not in text:
        missing.append(f"row {n}: the example of {rid} is not in the man page: {example}")

ids = {r["id"] for r in rules}
for m in missing:
    print("FAIL: " + m)
if missing:
    print(f"man/ndj-redact.1 must show every rule id with its example exactly as "
          f"--list-rules prints it (the 'Secret kinds' section)")
    sys.exit(1)
print(f"ok: man/ndj-redact.1 shows all {len(rules)} rules ({len(ids)} ids) and their examples")
PY
