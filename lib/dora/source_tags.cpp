// The snapshot's tags from CI variables and git.
#include "dora/source_tags.hpp"

#include <simdjson.h>

#include <initializer_list>
#include <vector>

#include "core/child_process.hpp"
#include "core/diag.hpp"

namespace ndj::dora {

namespace {

// A tag is a JSON string: a value that is not UTF-8 (a branch or a
// variable may hold any bytes) counts as none.
std::string utf8_or_none(std::string_view v) {
  return simdjson::validate_utf8(v.data(), v.size()) ? std::string(v) : "";
}

// The first of `names` set to a non-empty value ("": none). GitHub sets
// GITHUB_HEAD_REF to "" outside pull requests.
std::string first_set(const EnvLookup& env, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (const char* v = env(name); v && *v) return utf8_or_none(v);
  return "";
}

// The first line git prints for `args` in the current directory; "" when
// git is missing, fails (not a repository, an unborn branch, a detached
// HEAD for symbolic-ref) or prints nothing. The commands asked are ones
// whose output no configuration changes (a local config value, a full
// ref name, a full sha), so the user's configuration is not hidden from
// git: it may hold the safe.directory that lets git read a checkout owned
// by another user, as in CI containers.
std::string git_line(std::initializer_list<std::string> args) {
  std::vector<std::string> argv{"git"};
  argv.insert(argv.end(), args);
  std::string out;
  try {
    if (run_and_capture(argv, out) != 0) return "";
  } catch (const Error&) {
    return "";
  }
  return utf8_or_none(std::string_view(out).substr(0, out.find_first_of("\r\n")));
}

}  // namespace

std::string repo_of_remote_url(std::string_view url) {
  std::string_view path;
  if (size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    const std::string_view name = url.substr(0, scheme);
    if (name != "https" && name != "http" && name != "ssh" && name != "git" && name != "git+ssh" &&
        name != "ssh+git")
      return "";
    std::string_view rest = url.substr(scheme + 3);
    // The host ends at the first slash after the user and password, which
    // may themselves hold a slash: no part of them may reach the tag.
    const size_t at = rest.rfind('@');
    const size_t slash = rest.find('/', at == std::string_view::npos ? 0 : at);
    if (slash == std::string_view::npos) return "";
    path = rest.substr(slash + 1);
  } else {
    // scp-like [user@]host:path; with a slash before the first colon it is
    // a local path, as git reads it.
    const size_t colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0 || url.substr(0, colon).find('/') != std::string_view::npos)
      return "";
    path = url.substr(colon + 1);
  }
  while (path.starts_with('/')) path.remove_prefix(1);
  while (path.ends_with('/')) path.remove_suffix(1);
  if (path.ends_with(".git")) path.remove_suffix(4);
  if (path.find('/') == std::string_view::npos || path.find("//") != std::string_view::npos ||
      path.find_first_of("?#") != std::string_view::npos)
    return "";
  return std::string(path);
}

SourceTags detect_source_tags(const EnvLookup& env) {
  SourceTags t;
  // In CI the checkout is often a detached HEAD (a pull request's merge
  // commit): the CI says which branch and commit the run is for.
  t.repo = first_set(env, {"GITHUB_REPOSITORY", "CI_PROJECT_PATH"});
  if (t.repo.empty()) t.repo = repo_of_remote_url(git_line({"config", "--local", "--get", "remote.origin.url"}));
  t.branch = first_set(env, {"GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"});
  if (t.branch.empty()) {
    // symbolic-ref, not rev-parse --abbrev-ref: it fails on a detached HEAD
    // instead of printing "HEAD", and it never shortens a branch to
    // "heads/NAME" because a tag has the same name.
    std::string ref = git_line({"symbolic-ref", "--quiet", "HEAD"});
    if (ref.starts_with("refs/heads/")) t.branch = ref.substr(11);
  }
  t.commit_sha = first_set(env, {"GITHUB_SHA", "CI_COMMIT_SHA"});
  if (t.commit_sha.empty()) t.commit_sha = git_line({"rev-parse", "--quiet", "--verify", "HEAD"});
  t.service = first_set(env, {"NDJ_SERVICE"});
  t.environment = first_set(env, {"NDJ_ENVIRONMENT"});
  t.pipeline = first_set(env, {"CI_PIPELINE_NAME", "GITHUB_WORKFLOW"});
  t.deploy_target = first_set(env, {"DEPLOY_TARGET"});
  t.workflow_run_id = first_set(env, {"GITHUB_RUN_ID", "CI_PIPELINE_ID"});
  return t;
}

}  // namespace ndj::dora
