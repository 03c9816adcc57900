# Sourced by the ndj-git tests (cases and scripts): builds repositories with
# git at fixed dates, and names commits by label in the output so expected
# records stay readable. Not a test itself (no .sh suffix).
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Ann GIT_AUTHOR_EMAIL=ann@example.com
export GIT_COMMITTER_NAME=CI GIT_COMMITTER_EMAIL=ci@example.com
LABELS=$PWD/labels
: >"$LABELS"

# repo DIR: a new repository on branch main; the shell moves into it.
repo() {
  git init -q -b main "$1" && cd "$1" || exit 1
}

# at AUTHOR COMMITTER: dates ("MM-DD HH:MM", year 2026, UTC) for the next git command.
at() {
  export GIT_AUTHOR_DATE="2026-$1:00 +0000" GIT_COMMITTER_DATE="2026-$2:00 +0000"
}

label() { echo "$(git rev-parse HEAD) $1" >>"$LABELS"; }

# commit LABEL AUTHOR COMMITTER SUBJECT [FILE]: one commit touching FILE
# (default: a file named after the label).
commit() {
  local file=${5:-$1.txt}
  mkdir -p "$(dirname "$file")"
  echo "$1" >>"$file"
  git add "$file"
  at "$2" "$3"
  git commit -q -m "$4"
  label "$1"
}

# merge LABEL BRANCH TIME [SUBJECT]: a --no-ff merge of BRANCH into the current branch.
merge() {
  at "$3" "$3"
  git merge -q --no-ff -m "${4:-Merge $2}" "$2"
  label "$1"
}

# revert LABEL TARGET_LABEL TIME: git revert of the commit labelled TARGET_LABEL.
revert() {
  at "$3" "$3"
  git revert --no-edit "$(sha "$2")" >/dev/null
  label "$1"
}

sha() { awk -v l="$1" '$2 == l { print $1 }' "$LABELS"; }

# named: replaces every labelled sha in stdin with <LABEL>.
named() {
  sed -e "$(awk '{ printf "s/%s/<%s>/g;", $1, $2 }' "$LABELS")"
}
