# Sourced by the ndj-dora --format snapshot cases: the tags come only from
# what the case sets. The CI variables of the machine running the tests
# (CI=true, GITHUB_* in GitHub Actions) are unset, git reads no
# configuration of this machine and finds no repository above the case's
# folder. Not a test itself (no .sh suffix).
unset GITHUB_REPOSITORY GITHUB_HEAD_REF GITHUB_REF_NAME GITHUB_SHA GITHUB_WORKFLOW GITHUB_RUN_ID \
  CI_PROJECT_PATH CI_COMMIT_REF_NAME CI_COMMIT_SHA CI_PIPELINE_NAME CI_PIPELINE_ID \
  NDJ_SERVICE NDJ_ENVIRONMENT DEPLOY_TARGET GIT_DIR GIT_WORK_TREE
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
GIT_CEILING_DIRECTORIES=$(dirname "$PWD")
export GIT_CEILING_DIRECTORIES

# tags ARGS...: the tags of the first snapshot record of no input.
tags() {
  ndj-dora --since 2026-03-01T00:00:00Z --until 2026-03-08T00:00:00Z --format snapshot "$@" </dev/null 2>/dev/null |
    head -1 | sed 's/.*"tags":\(.*\)}$/\1/'
}
