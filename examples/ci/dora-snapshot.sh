#!/usr/bin/env bash
# CI job: DORA metrics of the last 30 days from the repository's history,
# printed as a table in the job log and shipped as the five records of a
# metrics snapshot (--format snapshot: repo, branch and commit from the
# CI's variables or git, pipeline and run id from the CI's variables).
#   NDJ_URL=https://cp.example/api/v1/telemetry NDJ_TOKEN=... examples/ci/dora-snapshot.sh [REPO]
set -euo pipefail
for t in ndj-git ndj-dora ndj-batch ndj-post; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" >&2; exit 2; }
done
repo_dir=${1:-.}
days=${NDJ_DAYS:-30}
events=$(mktemp)
trap 'rm -f "$events"' EXIT
ndj-git "$repo_dir" >"$events"
until_arg=()
[ -n "${NDJ_UNTIL:-}" ] && until_arg=(--until "$NDJ_UNTIL")
ndj-dora --days "$days" "${until_arg[@]}" --format table "$events"
# In the repository: its tags come from git where the CI says nothing.
(cd "$repo_dir" && ndj-dora --days "$days" "${until_arg[@]}" --format snapshot "$events") \
  | ndj-batch -n 1000 \
  | ndj-post --token-env NDJ_TOKEN "$NDJ_URL"
