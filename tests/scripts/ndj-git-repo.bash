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

# bulk_repo DIR N [PAD]: a bare repository of N commits made by git fast-import in
# well under a second: groups of a main-line commit, three commits on a
# branch and a --no-ff merge; every 7th branch starts from an older main
# commit (long-lived branches, so fork points have children in several
# deployments). PAD adds that many bytes to every branch commit's subject., every 50th commit reverts the one before.
bulk_repo() {
  git init -q --bare -b main "$1" || return 1
  awk -v n="$2" -v pad="${3:-0}" 'BEGIN {
      tail = sprintf("%*s", pad, ""); gsub(/ /, "x", tail)
      t = 1767600000; mark = 0; main = 0; old = 0; g = 0
      for (made = 0; made < n; g++) {
          commit(main, 0, made % 50 == 0 && made ? "Revert \"x\"\n\nThis reverts commit 0000000000000000000000000000000000000000.\n" : "main " made); main = mark; made++
          side = (g % 7 == 6 && old) ? old : main
          if (g % 4 == 0) old = main
          for (k = 0; k < 3 && made < n; k++) { commit(side, 0, "branch " made tail); side = mark; made++ }
          if (made < n) { commit(main, side, "Merge " made); main = mark; made++ }
      }
      printf "reset refs/heads/main\nfrom :%d\n\n", main
  }
  function commit(from, merge, msg) {
      mark++; t += 60
      printf "commit refs/heads/work\nmark :%d\nauthor Dev <dev%d@example.com> %d +0000\ncommitter CI <ci@example.com> %d +0000\n", mark, mark % 9, t - 600, t
      printf "data %d\n%s\n", length(msg) + 1, msg
      if (from) printf "from :%d\n", from
      if (merge) printf "merge :%d\n", merge
      printf "M 100644 inline dir%d/f\ndata %d\n%d\n\n", mark % 3, length(mark "") + 1, mark
  }' | git -C "$1" fast-import --quiet
}
