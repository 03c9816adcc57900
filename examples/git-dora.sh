#!/usr/bin/env bash
# Delivery metrics of this very repository from its git history alone:
# every commit on main's first-parent line is a deployment (ndj-git), and
# ndj-dora turns the records into the five DORA metrics.
# Usage: examples/git-dora.sh [BUILD_DIR] [REPO]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bindir=${1:-$here/../build}
repo=${2:-$here/..}
[ -d "$bindir" ] && PATH="$(cd "$bindir" && pwd):$PATH"
command -v ndj-git >/dev/null ||
  { echo "${0##*/}: ndj-git not found in $bindir or on PATH: run 'make' first, or give the build directory" >&2; exit 2; }
if ! command -v ndj-dora >/dev/null; then
  echo "ndj-dora is not built yet; here are the records it would read:" >&2
  ndj-git "$repo" | head -5
  exit 0
fi
# The whole history: a window from the first commit to now.
since=$(git -C "$repo" log --reverse --format=%cI 2>/dev/null | head -1)
since=$(date -u -d "${since:-30 days ago}" +%Y-%m-%dT00:00:00Z)
until=$(date -u -d tomorrow +%Y-%m-%dT00:00:00Z)
ndj-git --service ndj "$repo" | ndj-dora --since "$since" --until "$until" --format table
