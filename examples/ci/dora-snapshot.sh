#!/usr/bin/env bash
# CI job: DORA metrics of the last 30 days from the repository's history,
# printed as a table in the job log and shipped as NDJSON records (the
# snapshot tags of the reference telemetry: repo, branch, pipeline, run id).
#   NDJ_URL=https://cp.example/api/v1/telemetry NDJ_TOKEN=... examples/ci/dora-snapshot.sh [REPO]
set -euo pipefail
for t in ndj-git ndj-dora ndj-batch ndj-post; do
  command -v "$t" >/dev/null ||
    { echo "${0##*/}: $t is not on PATH: run 'make install', or export PATH=/path/to/ndj/build:\$PATH" >&2; exit 2; }
done
repo_dir=${1:-.}
days=${NDJ_DAYS:-30}
tags=(--tag "repo=${GITHUB_REPOSITORY:-${CI_PROJECT_PATH:-local}}"
      --tag "branch=${GITHUB_REF_NAME:-${CI_COMMIT_REF_NAME:-$(git -C "$repo_dir" rev-parse --abbrev-ref HEAD)}}"
      --tag "pipeline=${GITHUB_WORKFLOW:-${CI_PIPELINE_NAME:-local}}"
      --tag "workflow_run_id=${GITHUB_RUN_ID:-${CI_PIPELINE_ID:-0}}")
events=$(mktemp)
trap 'rm -f "$events"' EXIT
ndj-git "$repo_dir" >"$events"
until_arg=()
[ -n "${NDJ_UNTIL:-}" ] && until_arg=(--until "$NDJ_UNTIL")
ndj-dora --days "$days" "${until_arg[@]}" --format table "$events"
ndj-dora --days "$days" "${until_arg[@]}" "${tags[@]}" "$events" \
  | ndj-batch -n 1000 \
  | ndj-post --token-env NDJ_TOKEN "$NDJ_URL"
