// ndj-git --prs: gh's and GitLab's exports read into merge commit ->
// pull request, the start of a change's lead time, what was not used, and
// an error naming the member for anything else.
#include <catch2/catch.hpp>

#include <string>

#include "core/diag.hpp"
#include "git/pull_requests.hpp"

using namespace ndj;

namespace {

const std::string kSha1(40, 'a'), kSha2(40, 'b'), kSha3(40, 'c'), kSha4(64, 'd');

// The message of the error parsing `json` throws (its code checked), or "".
std::string error_of(const std::string& json) {
  try {
    PullRequests::parse(json, "prs.json");
  } catch (const Error& e) {
    CHECK(e.code() == kExitDataError);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("gh's export: number, creation, merge commit and the earliest authored commit") {
  auto prs = PullRequests::parse(R"([
    {"number":120,"createdAt":"2026-01-05T09:00:00Z","mergedAt":"2026-01-07T09:00:00Z",
     "mergeCommit":{"oid":")" + std::string(40, 'A') + R"("},
     "commits":[{"oid":"x","authoredDate":"2026-01-04T12:00:00Z","committedDate":"2026-01-06T00:00:00Z"},
                {"oid":"y","authoredDate":"2026-01-03T08:30:00Z","authors":[]}],
     "title":"Add caching"},
    {"number":121,"createdAt":"2026-01-06T10:00:00Z","mergedAt":"2026-01-07T10:00:00Z",
     "mergeCommit":{"oid":")" + kSha2 + R"("},"commits":[]},
    {"number":122,"createdAt":"2026-01-06T11:00:00Z","mergedAt":null,"mergeCommit":null}
  ])", "prs.json");
  CHECK(prs.size() == 3);
  const PullRequest* pr = prs.match(kSha1);  // the oid was upper case
  REQUIRE(pr);
  CHECK(pr->number == 120);
  CHECK(pr->created == 1767603600);
  CHECK(pr->merged == 1767776400);
  CHECK(pr->first_commit == 1767429000);  // 2026-01-03T08:30:00Z, the second commit listed
  CHECK(pr->start(LeadTimeFrom::kFirstCommit) == 1767429000);
  CHECK(pr->start(LeadTimeFrom::kPrCreated) == 1767603600);
  // No commits listed: it starts at its creation either way.
  pr = prs.match(kSha2);
  REQUIRE(pr);
  CHECK(!pr->first_commit);
  CHECK(pr->start(LeadTimeFrom::kFirstCommit) == pr->created);
  CHECK(prs.match(kSha3) == nullptr);
}

TEST_CASE("GitLab's export: iid, times with fractions and offsets, merge and squash commits") {
  auto prs = PullRequests::parse(R"([
    {"id":9001,"iid":7,"created_at":"2026-01-05T10:00:00.750+01:00","merged_at":"2026-01-07T09:00:00.123Z",
     "merge_commit_sha":")" + kSha1 + R"(","squash_commit_sha":")" + kSha4 + R"("},
    {"iid":8,"created_at":"1969-12-31T23:59:59.5Z","merged_at":null,"merge_commit_sha":null,
     "squash_commit_sha":null}
  ])", "prs.json");
  const PullRequest* merge = prs.match(kSha1);
  const PullRequest* squash = prs.match(kSha4);  // a SHA-256 repository's id
  REQUIRE(merge);
  CHECK(merge == squash);
  CHECK(merge->number == 7);
  CHECK(merge->created == 1767603600);  // 09:00:00Z, the fraction dropped
  CHECK(!merge->first_commit);
  CHECK(merge->start(LeadTimeFrom::kFirstCommit) == 1767603600);
  // Times before 1970 go down to their second too.
  auto early = PullRequests::parse(R"([{"iid":8,"created_at":"1969-12-31T23:59:59.5Z",
                                        "squash_commit_sha":")" + kSha2 + R"("}])", "x");
  CHECK(early.match(kSha2)->created == -1);
}

TEST_CASE("unused: requests merged in the window whose commit was not read, or that name none") {
  auto prs = PullRequests::parse(R"([
    {"iid":1,"created_at":"2026-01-01T00:00:00Z","merged_at":"2026-01-02T00:00:00Z","squash_commit_sha":")" +
                                     kSha1 + R"("},
    {"iid":2,"created_at":"2026-01-01T00:00:00Z","merged_at":"2026-01-02T00:00:00Z","squash_commit_sha":")" +
                                     kSha2 + R"("},
    {"iid":3,"created_at":"2025-01-01T00:00:00Z","merged_at":"2025-01-02T00:00:00Z","squash_commit_sha":")" +
                                     kSha3 + R"("},
    {"iid":4,"created_at":"2026-01-01T00:00:00Z","merged_at":"2026-01-02T00:00:00Z"},
    {"iid":5,"created_at":"2026-01-01T00:00:00Z","merged_at":null},
    {"number":6,"createdAt":"2026-01-01T00:00:00Z","mergeCommit":{"oid":")" + kSha4.substr(0, 40) + R"("}}
  ])", "prs.json");
  prs.match(kSha1);
  const int64_t since = 1767225600, until = INT64_MAX;  // 2026-01-01
  auto u = prs.unused(since, until);
  CHECK(u.not_read == 2);   // iid 2, and number 6 (merged when? not in the export)
  CHECK(u.no_commit == 1);  // iid 4 (a fast-forward merge); iid 3 was merged before the window, 5 never
  u = prs.unused(INT64_MIN, INT64_MAX);
  CHECK(u.not_read == 3);
}

TEST_CASE("a commit named twice keeps the first request") {
  auto prs = PullRequests::parse(R"([
    {"iid":1,"created_at":"2026-01-01T00:00:00Z","squash_commit_sha":")" + kSha1 + R"("},
    {"iid":2,"created_at":"2026-01-02T00:00:00Z","merge_commit_sha":")" + kSha1 + R"("}])", "prs.json");
  CHECK(prs.match(kSha1)->number == 1);
}

TEST_CASE("a bad export names the file and the member, exit 65") {
  // Not JSON: where, as FILE:LINE:COLUMN.
  CHECK(error_of("") == "prs.json:1:1: invalid JSON: empty document");
  CHECK(error_of("[{\"number\":1,\n  ]") ==
        "prs.json:2:3: invalid JSON: bad structure (missing or extra comma, bracket or brace)");
  CHECK(error_of("number,createdAt\n") == "prs.json:1:1: invalid JSON: bad literal (expected null)");
  CHECK(error_of(R"({"number":1})") ==
        "prs.json: expected an array of pull requests (gh pr list --json) or merge requests (GitLab's API)");
  CHECK(error_of(R"([[]])") == "prs.json: [0]: expected an object");
  CHECK(error_of(R"([{"title":"x"}])") ==
        R"(prs.json: [0]: neither "number" (a pull request from gh) nor "iid" (a merge request from GitLab))");
  const std::string ok = R"({"number":1,"createdAt":"2026-01-01T00:00:00Z"},)";
  CHECK(error_of("[" + ok + R"({"number":"2"}])") == "prs.json: [1].number: expected a whole number");
  CHECK(error_of("[" + ok + R"({"number":-2}])") == "prs.json: [1].number: expected a whole number");
  CHECK(error_of("[" + ok + R"({"number":2}])") == R"(prs.json: [1]: missing "createdAt")");
  CHECK(error_of(R"([{"number":2,"createdAt":"yesterday"}])") ==
        "prs.json: [0].createdAt: expected an RFC 3339 time");
  CHECK(error_of(R"([{"number":2,"createdAt":1767225600}])") ==
        "prs.json: [0].createdAt: expected an RFC 3339 time");
  CHECK(error_of("[" + ok + R"({"number":2,"createdAt":"2026-01-01T00:00:00Z","mergeCommit":"abc"}])") ==
        "prs.json: [1].mergeCommit: expected an object");
  CHECK(error_of("[" + ok + R"({"number":2,"createdAt":"2026-01-01T00:00:00Z","mergeCommit":{}}])") ==
        R"(prs.json: [1].mergeCommit: missing "oid")");
  CHECK(error_of("[" + ok + R"({"number":2,"createdAt":"2026-01-01T00:00:00Z","mergeCommit":{"oid":"abc1234"}}])") ==
        "prs.json: [1].mergeCommit.oid: expected a commit id (40 or 64 hex digits)");
  CHECK(error_of(R"([{"number":2,"createdAt":"2026-01-01T00:00:00Z","commits":{}}])") ==
        "prs.json: [0].commits: expected an array");
  CHECK(error_of(R"([{"number":2,"createdAt":"2026-01-01T00:00:00Z",)"
                 R"("commits":[{"authoredDate":"2026-01-01T00:00:00Z"},{"oid":"x"}]}])") ==
        R"(prs.json: [0].commits[1]: missing "authoredDate")");
  CHECK(error_of(R"([{"iid":3,"created_at":"2026-01-01T00:00:00Z","squash_commit_sha":")" + std::string(40, 'g') +
                 R"("}])") == "prs.json: [0].squash_commit_sha: expected a commit id (40 or 64 hex digits)");
  CHECK(error_of(R"([{"iid":3,"created_at":"2026-01-01T00:00:00Z","merged_at":true}])") ==
        "prs.json: [0].merged_at: expected an RFC 3339 time");
}

TEST_CASE("a file that cannot be read is a runtime failure, exit 1") {
  try {
    PullRequests::load("/nonexistent/prs.json");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == kExitFailure);
    CHECK(std::string(e.what()) == "/nonexistent/prs.json: No such file or directory");
  }
}
