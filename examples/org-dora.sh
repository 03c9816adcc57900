#!/usr/bin/env bash
# DORA for an organisation as a map and a reduce: every repository's
# history goes through ndj-git and ndj-dora --partial in parallel (xargs
# -P; a Kubernetes Job or a CI job per repository does the same), then one
# ndj-dora --merge of the partials writes one report, the same as one run
# over all the repositories' records would. Each repository is its own
# service (its directory's name), so a failure is recovered and an
# incident linked within its own repository.
#   examples/org-dora.sh OUT_DIR REPO...
# Writes OUT_DIR/partials/NAME.partial and OUT_DIR/dora.html (NDJ_FORMAT:
# another format; NDJ_DAYS: the window, 90 days; NDJ_UNTIL: its end;
# NDJ_JOBS: repositories at once, 4).
set -euo pipefail
for t in ndj-git ndj-dora; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" >&2; exit 2; }
done
[ $# -ge 2 ] || { echo "usage: ${0##*/} OUT_DIR REPO..." >&2; exit 2; }
out=$1
shift
dups=$(for r in "$@"; do basename "$(cd "$r" && pwd)"; done | sort | uniq -d)
[ -z "$dups" ] || { echo "${0##*/}: two repositories named $dups: their names are their services" >&2; exit 2; }
mkdir -p "$out/partials"

# The partials and the merge take the same window, grouping and definitions.
dora() { ndj-dora --days "${NDJ_DAYS:-90}" ${NDJ_UNTIL:+--until "$NDJ_UNTIL"} --group-by service "$@"; }
partial_of() {
  set -o pipefail
  local name
  name=$(basename "$(cd "$1" && pwd)")
  ndj-git --service "$name" "$1" | dora --partial -o "$NDJ_OUT/partials/$name.partial"
}
export -f dora partial_of
export NDJ_OUT=$out NDJ_DAYS=${NDJ_DAYS:-90} NDJ_UNTIL=${NDJ_UNTIL:-}
printf '%s\0' "$@" | xargs -0 -n 1 -P "${NDJ_JOBS:-4}" bash -c 'partial_of "$1"' partial_of

format=${NDJ_FORMAT:-html}
dora --merge "$out"/partials/*.partial --format "$format" -o "$out/dora.$format"
echo "${0##*/}: $# repositories, report in $out/dora.$format" >&2
