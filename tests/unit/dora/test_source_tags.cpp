// The snapshot's tags: remote URLs to owner/repo (never a token), and the
// CI's variables in their order of precedence.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "dora/source_tags.hpp"

using namespace ndj::dora;

TEST_CASE("repo_of_remote_url: https, scp-like and ssh:// forms; nothing from local paths") {
  CHECK(repo_of_remote_url("https://github.com/hellmai/lumenflow.git") == "hellmai/lumenflow");
  CHECK(repo_of_remote_url("https://github.com/hellmai/lumenflow") == "hellmai/lumenflow");
  CHECK(repo_of_remote_url("https://github.com/hellmai/lumenflow/") == "hellmai/lumenflow");
  CHECK(repo_of_remote_url("git@github.com:hellmai/lumenflow.git") == "hellmai/lumenflow");
  CHECK(repo_of_remote_url("github.com:hellmai/lumenflow") == "hellmai/lumenflow");
  CHECK(repo_of_remote_url("ssh://git@github.com/hellmai/lumenflow.git") == "hellmai/lumenflow");
  CHECK(repo_of_remote_url("ssh://git@gitlab.example:2222/group/sub/repo.git") == "group/sub/repo");
  CHECK(repo_of_remote_url("git://example.org/owner/repo") == "owner/repo");
  CHECK(repo_of_remote_url("/srv/git/repo.git").empty());
  CHECK(repo_of_remote_url("./repo").empty());
  CHECK(repo_of_remote_url("file:///srv/git/owner/repo.git").empty());
  CHECK(repo_of_remote_url("https://github.com/lonely").empty());
  CHECK(repo_of_remote_url("").empty());
}

TEST_CASE("repo_of_remote_url: user and password never reach the tag") {
  CHECK(repo_of_remote_url("https://x-access-token:ghs_secret@github.com/o/r.git") == "o/r");
  CHECK(repo_of_remote_url("https://user:pa/ss@github.com/o/r.git") == "o/r");
  CHECK(repo_of_remote_url("https://token@github.com/o/r?x=secret").empty());
}

TEST_CASE("detect_source_tags: the first variable set and not empty wins; bytes that are not UTF-8 are none") {
  std::map<std::string, std::string> vars = {
      {"GITHUB_REPOSITORY", "acme/shop"}, {"CI_PROJECT_PATH", "other/repo"},
      {"GITHUB_HEAD_REF", ""},            {"GITHUB_REF_NAME", "main"},
      {"CI_COMMIT_REF_NAME", "gl"},       {"GITHUB_SHA", "abc"},
      {"NDJ_SERVICE", "api"},             {"CI_PIPELINE_ID", "77"},
      {"GITHUB_WORKFLOW", "ci"},          {"DEPLOY_TARGET", "prod-eu"},
      {"NDJ_ENVIRONMENT", "pr\xff" "d"},
  };
  auto env = [&](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
  SourceTags t = detect_source_tags(env);
  CHECK(t.repo == "acme/shop");
  CHECK(t.branch == "main");  // GITHUB_HEAD_REF is "" outside pull requests
  CHECK(t.commit_sha == "abc");
  CHECK(t.service == "api");
  CHECK(t.environment.empty());  // not UTF-8: no JSON string
  CHECK(t.pipeline == "ci");
  CHECK(t.deploy_target == "prod-eu");
  CHECK(t.workflow_run_id == "77");
}
