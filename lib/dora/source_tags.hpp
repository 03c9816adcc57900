// Where a snapshot was taken (--format snapshot): the repository, branch
// and commit, from the CI's variables or else from git in the current
// directory, and the service, environment, pipeline, deploy target and CI
// run from environment variables. Nothing found is no tag, never an error.
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace ndj::dora {

// The detected tags; "" where nothing was found (the tag is left out).
struct SourceTags {
  std::string repo, branch, commit_sha, service, environment, pipeline, deploy_target, workflow_run_id;
};

// An environment variable's value, nullptr when unset (std::getenv).
using EnvLookup = std::function<const char*(const char*)>;

// The tags from `env` and, for what the CI's variables do not say, git
// run in the current directory; git missing or not a repository: those
// tags stay "".
SourceTags detect_source_tags(const EnvLookup& env);

// "owner/repo" (or "group/subgroup/repo") of a remote URL: https, http,
// ssh://, git:// and scp-like [user@]host:path, with any user and password
// dropped and ".git" stripped; "" for a local path, file:// or a URL
// without a path of two parts. Never the URL itself: it may hold a token.
std::string repo_of_remote_url(std::string_view url);

}  // namespace ndj::dora
