// ndj-git's engine on small real repositories built with git in a
// temporary directory: deployments and their changes, reverts, --path,
// the time window, tags, and the errors. Also the revert parsers.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "unit/scratch.hpp"
#include "core/child_process.hpp"
#include "core/diag.hpp"
#include "core/timefmt.hpp"
#include "git/git_records.hpp"

using namespace ndj;

namespace {

std::string shell_quoted(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

// A repository on branch main in a new temporary directory; commits are
// made at fixed dates (2026, UTC) and remembered by label.
class TempRepo {
 public:
  TempRepo() {
    setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    setenv("GIT_AUTHOR_NAME", "Ann", 1);
    setenv("GIT_AUTHOR_EMAIL", "ann@example.com", 1);
    setenv("GIT_COMMITTER_NAME", "CI", 1);
    setenv("GIT_COMMITTER_EMAIL", "ci@example.com", 1);
    sh("git init -q -b main");
  }

  const std::string& dir() const { return tmp_.dir(); }
  void sh(const std::string& script) { REQUIRE(std::system(("cd " + shell_quoted(dir()) + " && " + script).c_str()) == 0); }

  // One commit touching FILE (default: LABEL.txt) at "MM-DD HH:MM".
  void commit(const std::string& label, const std::string& when, const std::string& subject,
              const std::string& file = "") {
    std::string f = file.empty() ? label + ".txt" : file;
    sh("mkdir -p \"$(dirname " + shell_quoted(f) + ")\" && echo " + shell_quoted(label) + " >>" + shell_quoted(f) + " && git add " +
       shell_quoted(f) + " && " + dated(when) + "git commit -q -m " + shell_quoted(subject));
    remember(label);
  }
  void revert(const std::string& label, const std::string& target, const std::string& when) {
    sh(dated(when) + "git revert --no-edit " + sha(target) + " >/dev/null");
    remember(label);
  }
  // A --no-ff merge of BRANCH into the current branch.
  void merge(const std::string& label, const std::string& branch, const std::string& when) {
    sh(dated(when) + "git merge -q --no-ff -m " + shell_quoted("Merge " + branch) + " " + shell_quoted(branch));
    remember(label);
  }
  std::string sha(const std::string& label) const { return shas_.at(label); }

 private:
  static std::string dated(const std::string& when) {
    std::string date = shell_quoted("2026-" + when + ":00 +0000");
    return "GIT_AUTHOR_DATE=" + date + " GIT_COMMITTER_DATE=" + date + " ";
  }
  void remember(const std::string& label) {
    std::string out = run_and_capture({"git", "-C", dir(), "rev-parse", "HEAD"});
    shas_[label] = out.substr(0, out.find('\n'));
  }

  test::TempDir tmp_;
  std::map<std::string, std::string> shas_;
};

struct Patterns {
  RE2 hotfix{R"((?i)\bhot-?fix)"};
  RE2 emergency{"EMERGENCY"};
};

GitRecordsOptions options(const TempRepo& r, const Patterns& p) {
  GitRecordsOptions o;
  o.repo = r.dir();
  o.fields.emails = EmailMode::kOmit;
  o.hotfix = &p.hotfix;
  o.emergency = &p.emergency;
  return o;
}

// The records write_git_records writes, one string each, with every known
// sha replaced by <LABEL>; `rc` gets the exit code.
std::vector<std::string> records(const GitRecordsOptions& o, const TempRepo& r,
                                 const std::vector<std::string>& labels, int* rc = nullptr) {
  std::string text = test::written_to_fd([&](int fd) {
    Output out(fd);
    int status = write_git_records(o, out);
    if (rc) *rc = status;
  });
  for (const auto& label : labels) {
    std::string sha = r.sha(label);
    for (size_t at; (at = text.find(sha)) != std::string::npos;) text.replace(at, sha.size(), "<" + label + ">");
  }
  return split_lines(text);
}

std::string change(const std::string& id, const std::string& time, const std::string& deployment,
                   const std::string& subject, int parents, const std::string& extra = "") {
  return R"({"type":"change","id":")" + id + R"(","time":")" + time + R"(","committed_at":")" + time + '"' +
         (deployment.empty() ? "" : R"(,"deployment_id":")" + deployment + '"') + R"(,"subject":")" + subject +
         R"(","parents":)" + std::to_string(parents) + (extra.empty() ? R"(,"revert":false,"hotfix":false)" : extra) +
         R"(,"emergency":false})";
}

std::string deployment(const std::string& id, const std::string& time, const std::string& status,
                       const std::string& changes, bool unplanned) {
  return R"({"type":"deployment","id":")" + id + R"(","time":")" + time + R"(","status":")" + status +
         R"(","changes":[)" + changes + R"(],"unplanned":)" + (unplanned ? "true" : "false") + "}";
}

}  // namespace

TEST_CASE("reverted_subject: the subject inside Revert \"...\"") {
  CHECK(reverted_subject(R"(Revert "risky change")") == "risky change");
  CHECK(reverted_subject(R"x(Revert "Add caching (#120)" (#125))x") == "Add caching (#120)");
  CHECK(reverted_subject(R"(Revert "say "hi"")") == R"(say "hi")");
  CHECK(reverted_subject(R"(Revert ")").empty());
  CHECK(reverted_subject("Revert risky change").empty());
  CHECK(reverted_subject(R"(revert "risky change")").empty());
  CHECK(reverted_subject(R"(Fix: Revert "x")").empty());
}

TEST_CASE("tag_version: family, numbers up to the first letter, pre-release words") {
  auto v = tag_version("jq-1.7rc1");
  CHECK(v.prefix == "jq-");
  CHECK(v.numbers == std::vector<uint64_t>{1, 7});
  CHECK(v.prerelease);
  CHECK(tag_version("curl-7_80_0").numbers == std::vector<uint64_t>{7, 80, 0});
  CHECK_FALSE(tag_version("curl-7_80_0").prerelease);
  for (const char* pre : {"v2.0.0-beta.2", "1.4.0-RC3", "v3.0-alpha", "v1.2.pre1", "v9-dev", "v1.0.0-SNAPSHOT"})
    CHECK(tag_version(pre).prerelease);
  for (const char* release : {"v1.2.3", "v1.2.3-hotfix", "release-2024-05-01-final", "v1.0-prerelease-notes", "vrc1"})
    CHECK_FALSE(tag_version(release).prerelease);
  CHECK(tag_version("latest").numbers.empty());
  CHECK(tag_version("v99999999999999999999999").numbers.size() == 1);  // saturates, no overflow
}

TEST_CASE("older_version: within one family; a pre-release is older than its release") {
  CHECK(older_version(tag_version("jq-1.0"), tag_version("jq-1.1")));
  CHECK_FALSE(older_version(tag_version("jq-1.1"), tag_version("jq-1.0")));
  CHECK(older_version(tag_version("v1.9"), tag_version("v1.10")));
  CHECK(older_version(tag_version("v1.1rc1"), tag_version("v1.1")));
  CHECK_FALSE(older_version(tag_version("v1.1"), tag_version("v1.1")));
  CHECK_FALSE(older_version(tag_version("api-1.0"), tag_version("web-2.0")));
  CHECK_FALSE(older_version(tag_version("latest"), tag_version("v1.0")));
}

TEST_CASE("reverted_sha: the sha of git revert's line, seven hex digits or more") {
  CHECK(reverted_sha("Revert\n\nThis reverts commit 0123456789abcdef0123456789abcdef01234567.\n") ==
        "0123456789abcdef0123456789abcdef01234567");
  CHECK(reverted_sha("This reverts commit abc1234") == "abc1234");
  CHECK(reverted_sha("This reverts commit abc123.").empty());
  CHECK(reverted_sha("This reverts commit xyz1234567.").empty());
  CHECK(reverted_sha("This reverted commit abc1234.").empty());
  CHECK(reverted_sha("").empty());
}

TEST_CASE("a linear history: each commit is a deployment of itself, newest first") {
  TempRepo r;
  Patterns p;
  r.commit("c1", "01-05 09:00", "base");
  r.commit("c2", "01-05 10:00", "hotfix: the login");
  int rc = -1;
  auto got = records(options(r, p), r, {"c1", "c2"}, &rc);
  CHECK(rc == 0);
  CHECK(got == std::vector<std::string>{
                   change("<c2>", "2026-01-05T10:00:00Z", "<c2>", "hotfix: the login", 1,
                          R"(,"revert":false,"hotfix":true)"),
                   deployment("<c2>", "2026-01-05T10:00:00Z", "success", R"("<c2>")", true),
                   change("<c1>", "2026-01-05T09:00:00Z", "<c1>", "base", 0),
                   deployment("<c1>", "2026-01-05T09:00:00Z", "success", R"("<c1>")", false),
               });
}

TEST_CASE("a revert in a later deployment rolls the reverted one back") {
  TempRepo r;
  Patterns p;
  r.commit("c1", "01-05 09:00", "base");
  r.commit("bad", "01-05 10:00", "risky change");
  r.revert("r1", "bad", "01-05 11:00");
  auto got = records(options(r, p), r, {"c1", "bad", "r1"});
  REQUIRE(got.size() == 6);
  CHECK(got[0] == change("<r1>", "2026-01-05T11:00:00Z", "<r1>", R"(Revert \"risky change\")", 1,
                         R"(,"revert":true,"reverts":"<bad>","hotfix":false)"));
  CHECK(got[1] == deployment("<r1>", "2026-01-05T11:00:00Z", "success", R"("<r1>")", true));
  CHECK(got[3] == deployment("<bad>", "2026-01-05T10:00:00Z", "rolled_back", R"("<bad>")", false));
  CHECK(got[5] == deployment("<c1>", "2026-01-05T09:00:00Z", "success", R"("<c1>")", false));
}

TEST_CASE("merges mode: a merge deploys what it brings in; --path keeps the changes touching it") {
  TempRepo r;
  Patterns p;
  r.commit("c1", "01-05 09:00", "base", "svc/a.txt");
  r.sh("git checkout -q -b feature");
  r.commit("f1", "01-06 09:00", "feature work", "svc/b.txt");
  r.commit("f2", "01-06 10:00", "docs", "docs/readme.txt");
  r.sh("git checkout -q main");
  r.merge("m1", "feature", "01-06 11:00");
  GitRecordsOptions o = options(r, p);
  o.mode = DeployMode::kMerges;
  const std::vector<std::string> labels = {"c1", "f1", "f2", "m1"};
  // The merge is a change of no deployment (it holds no work of its own).
  const std::string merge = change("<m1>", "2026-01-06T11:00:00Z", "", "Merge feature", 2);
  CHECK(records(o, r, labels) == std::vector<std::string>{
                                     merge,
                                     change("<f2>", "2026-01-06T10:00:00Z", "<m1>", "docs", 1),
                                     change("<f1>", "2026-01-06T09:00:00Z", "<m1>", "feature work", 1),
                                     change("<c1>", "2026-01-05T09:00:00Z", "<m1>", "base", 0),
                                     deployment("<m1>", "2026-01-06T11:00:00Z", "success",
                                                R"("<f2>","<f1>","<c1>")", false),
                                 });
  o.paths = {"svc"};
  CHECK(records(o, r, labels) == std::vector<std::string>{
                                     merge,
                                     change("<f1>", "2026-01-06T09:00:00Z", "<m1>", "feature work", 1),
                                     change("<c1>", "2026-01-05T09:00:00Z", "<m1>", "base", 0),
                                     deployment("<m1>", "2026-01-06T11:00:00Z", "success", R"("<f1>","<c1>")",
                                                false),
                                 });
  o.paths = {"nowhere"};
  CHECK(records(o, r, labels).empty());
}

TEST_CASE("the time window: deployments in [since, until) and their changes only") {
  TempRepo r;
  Patterns p;
  r.commit("c1", "01-05 09:00", "one");
  r.commit("c2", "01-06 09:00", "two");
  r.commit("c3", "01-07 09:00", "three");
  GitRecordsOptions o = options(r, p);
  o.since = 1767690000LL * kNsPerSec - 1;  // 2026-01-06T09:00:00Z less 1 ns: rounded up to c2's second
  o.until = 1767776400LL * kNsPerSec;      // 2026-01-07T09:00:00Z: c3 is not before it
  auto got = records(o, r, {"c1", "c2", "c3"});
  CHECK(got == std::vector<std::string>{
                   change("<c2>", "2026-01-06T09:00:00Z", "<c2>", "two", 1),
                   deployment("<c2>", "2026-01-06T09:00:00Z", "success", R"("<c2>")", false),
               });
}

TEST_CASE("tags mode: each matching tag deploys what its predecessors did not") {
  TempRepo r;
  Patterns p;
  r.commit("c1", "01-05 09:00", "one");
  r.sh("git tag v1");
  r.commit("c2", "01-06 09:00", "two");
  r.commit("c3", "01-07 09:00", "three");
  r.sh("git tag v2-hotfix && git tag other");
  GitRecordsOptions o = options(r, p);
  o.mode = DeployMode::kTags;
  o.tag_glob = "v*";
  auto got = records(o, r, {"c1", "c2", "c3"});
  CHECK(got == std::vector<std::string>{
                   change("<c3>", "2026-01-07T09:00:00Z", "v2-hotfix", "three", 1),
                   change("<c2>", "2026-01-06T09:00:00Z", "v2-hotfix", "two", 1),
                   change("<c1>", "2026-01-05T09:00:00Z", "v1", "one", 0),
                   deployment("v2-hotfix", "2026-01-07T09:00:00Z", "success", R"("<c3>","<c2>")", true),
                   deployment("v1", "2026-01-05T09:00:00Z", "success", R"("<c1>")", false),
               });
  o.tag_glob = "nothing*";
  CHECK(records(o, r, {}).size() == 3);  // the branch's changes, in no deployment
}

TEST_CASE("an empty repository writes nothing; an unknown branch or directory is an error") {
  TempRepo r;
  Patterns p;
  GitRecordsOptions o = options(r, p);
  int rc = -1;
  CHECK(records(o, r, {}, &rc).empty());
  CHECK(rc == 0);
  r.commit("c1", "01-05 09:00", "one");
  o.branch = "nope";
  CHECK_THROWS_WITH(records(o, r, {}), r.dir() + ": no such branch or commit: nope");
  o.branch = "";
  o.repo = r.dir() + "/missing";
  CHECK_THROWS_AS(records(o, r, {}), Error);
}

TEST_CASE("a service's pathspec: a file or a directory above the path, or a glob where * crosses slashes") {
  CHECK(pathspec_matches("api", "api"));
  CHECK(pathspec_matches("api", "api/x/y.go"));
  CHECK(pathspec_matches("api/", "api/x"));
  CHECK(pathspec_matches("./api", "api/x"));
  CHECK_FALSE(pathspec_matches("api", "apis/x"));
  CHECK_FALSE(pathspec_matches("api", "lib/api/x"));
  CHECK(pathspec_matches("services/api", "services/api/main.go"));
  CHECK(pathspec_matches("*.proto", "a/b/c.proto"));
  CHECK(pathspec_matches("svc/*/api", "svc/x/api"));
  CHECK_FALSE(pathspec_matches("svc/*/api", "svc/x/web"));
  // As git: a glob is matched against the whole path, not a directory above it.
  CHECK_FALSE(pathspec_matches("svc/*/api", "svc/x/api/main.go"));
  CHECK(pathspec_matches("svc/*/api*", "svc/x/api/main.go"));
  CHECK(pathspec_matches(".", "anything/at/all"));
}

TEST_CASE("squash merges: at least 20 changes on the first-parent line, 80% authored when committed") {
  CHECK_FALSE(SquashCount{19, 19}.high());
  CHECK(SquashCount{20, 16}.high());
  CHECK_FALSE(SquashCount{20, 15}.high());
  CHECK(SquashCount{1929, 1872}.warning("") ==
        "97% of the 1,929 changes on the first-parent line were authored when committed (squash or rebase "
        "merges?): lead time from these records measures merge to deployment only; --prs FILE gives each change "
        "its pull request's times");
  CHECK(SquashCount{1929, 1872}.warning("prs.json") ==
        "97% of the 1,929 changes on the first-parent line were authored when committed and are not the merge "
        "commit of a pull request in prs.json (squash or rebase merges?): their lead time measures merge to "
        "deployment only");
}
