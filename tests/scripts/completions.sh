#!/usr/bin/env bash
# The shell completions the build generates (completions/gen, from each
# tool's --completion-spec) complete every option of every tool: the spec
# lists what --help and the man page list, and real bash completion offers
# each option after "-", exactly the values of an enumerated option, file
# names after a FILE option and nothing after a number or a duration. The
# zsh scripts parse and name every option.
set -u
bindir=$(cd "$(dirname "$(command -v ndj-batch)")" && pwd)
man=$(cd "$TESTS_DIR/../man" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

# COMPREPLY, one per line, sorted, for the words given (the last is the one
# being completed), run in $work/files.
complete_words() {
  local tool=$1
  shift
  (cd "$work/files" && bash -c '
    source "$1"; shift; func=$1; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    "$func"; printf "%s\n" "${COMPREPLY[@]}"' _ "$bindir/$tool.bash" "_${tool//-/_}" "$tool" "$@") |
    grep -v '^$' | sort
}

mkdir -p "$work/files/sub"
: >"$work/files/a.ndjson"
command -v zsh >/dev/null || { [ "${CI:-}" = true ] && fail "zsh is not installed (make deps)"; }

for page in "$man"/ndj-*.1; do
  tool=$(basename "$page" .1)
  [ -f "$bindir/$tool.bash" ] && [ -f "$bindir/_$tool" ] || { fail "$tool: no completions in $bindir"; continue; }
  "$tool" --completion-spec >"$work/spec" || { fail "$tool --completion-spec exited $?"; continue; }
  "$tool" --help >"$work/help"
  # One line per option, tab-separated: NAMES(,) KIND WORDS(space) LIST
  python3 - "$work/spec" "$work/help" "$page" "$tool" >"$work/options" <<'PY' || status=1
import json, re, sys
spec_file, help_file, page, tool = sys.argv[1:]
items = [json.loads(l) for l in open(spec_file)]
options = [i for i in items if not i["positional"]]
in_spec = {n for i in options for n in i["names"]}
in_help = set()
for line in open(help_file):
    m = re.match(r"^\s+(-[\w-]+(?:,-{1,2}[\w-]+)*)", line)
    if m:
        in_help |= set(m.group(1).split(","))
man = open(page).read()
in_man = {"-" + f for f in re.findall(r"Fl (-?[\w-]+)", man)}
ok = True
for n in sorted(in_help - in_spec):
    print(f"FAIL: {tool}: {n} is in --help, not in --completion-spec", file=sys.stderr); ok = False
for n in sorted(in_spec - in_help):
    print(f"FAIL: {tool}: {n} is in --completion-spec, not in --help", file=sys.stderr); ok = False
for n in sorted(in_spec - in_man - {"-h", "--help", "-V", "--version"}):
    print(f"FAIL: {tool}: {n} is not in its man page", file=sys.stderr); ok = False
for i in options:
    kind = "flag" if i["value"] is None else i["complete"]
    print(",".join(i["names"]), kind, " ".join(i["words"]) or "-", "list" if i["list"] else "one", sep="\t")
sys.exit(0 if ok else 1)
PY
  n=0
  # Every option from "-" (short and long) and from "--" (long).
  all=$(complete_words "$tool" -)
  long=$(complete_words "$tool" --)
  while IFS=$'\t' read -r names kind words list; do
    n=$((n + 1))
    for name in ${names//,/ }; do
      grep -qxF -- "$name" <<<"$all" || fail "$tool: '-<TAB>' does not offer $name"
      [[ $name == --* ]] && ! grep -qxF -- "$name" <<<"$long" && fail "$tool: '--<TAB>' does not offer $name"
    done
    opt=${names##*,}
    got=$(complete_words "$tool" "$opt" "")
    case $kind in
      flag) ;;
      words)
        want=$(tr ' ' '\n' <<<"$words" | sort)
        [ "$got" = "$want" ] || fail "$tool $opt <TAB>: got [$(echo $got)], expected [$words]"
        [ "$(complete_words "$tool" "$opt" =)" = "$want" ] || fail "$tool $opt=<TAB>: not the values"
        if [ "$list" = list ]; then
          first=${words%% *}
          got=$(complete_words "$tool" "$opt" "$first,")
          [ "$got" = "$(sed "s/^/$first,/" <<<"$want")" ] || fail "$tool $opt $first,<TAB>: not the values after the comma"
        fi ;;
      file) grep -qx 'a.ndjson' <<<"$got" || fail "$tool $opt <TAB>: no file names ($got)" ;;
      dir) [ "$got" = sub ] || fail "$tool $opt <TAB>: expected the directory sub, got [$(echo $got)]" ;;
      nothing) [ -z "$got" ] || fail "$tool $opt <TAB>: expected nothing, got [$(echo $got)]" ;;
      *) fail "$tool $opt: unknown completion $kind" ;;
    esac
    grep -qF -- "$opt" "$bindir/_$tool" || fail "$tool: $opt missing from the zsh completion"
  done <"$work/options"
  if command -v zsh >/dev/null; then
    zsh -n "$bindir/_$tool" || fail "$tool: the zsh completion does not parse"
  fi
  echo "ok: $tool: $n options completed"
done

# What a user sees: ndj-dora's formats after --format, file names after an
# operand position, nothing after --days.
[ "$(complete_words ndj-dora --format "" | tr '\n' ' ')" = "csv html json ndjson prom snapshot table " ] ||
  fail "ndj-dora --format <TAB>: $(complete_words ndj-dora --format "" | tr '\n' ' ')"
[ "$(complete_words ndj-stats "")" = "$(printf 'a.ndjson\nsub')" ] || fail "ndj-stats <TAB>: not the files"
[ -z "$(complete_words ndj-dora --days "")" ] || fail "ndj-dora --days <TAB> offers something"
[ "$(complete_words ndj-redact --mask "ema")" = email ] || fail "ndj-redact --mask ema<TAB>: $(complete_words ndj-redact --mask ema)"
exit $status
