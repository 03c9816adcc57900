// Change and deployment records as ndj-dora reads them: every field, the
// author's address hashed, plain or left out, times on either side of 1970.
#include <catch2/catch.hpp>

#include <string>

#include "unit/scratch.hpp"
#include "git/record_writer.hpp"

using namespace ndj;

namespace {

// What `write` makes a RecordWriter write.
template <typename F>
std::string written(const RecordFields& fields, F&& write) {
  return test::written_to_fd([&](int fd) {
    Output out(fd);
    RecordWriter w(fields, out);
    write(w);
    out.flush();
  });
}

GitCommit commit(std::string_view sha, std::string_view email) {
  GitCommit c;
  c.sha = sha;
  c.parents = "p1";
  c.author_time = 1767603600;  // 2026-01-05T09:00:00Z
  c.commit_time = 1767607261;  // 2026-01-05T10:01:01Z
  c.author_email = email;
  c.subject = "say \"hi\"";
  return c;
}

// printf %s ann@example.com | sha256sum
const std::string kAnnSha256 = "71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476";

}  // namespace

TEST_CASE("a change record: its deployment, the hashed address, flags and what it reverts") {
  Deployment d;
  d.id = "dep1";
  ChangeFacts f;
  f.reverts = "abc1234";
  f.emergency = true;
  std::string got = written({"api", "prod", EmailMode::kHash, ""}, [&](RecordWriter& w) {
    w.change(commit("c1", "Ann@Example.COM"), f, true, false, &d);
  });
  CHECK(got == R"({"type":"change","id":"c1","time":"2026-01-05T09:00:00Z","committed_at":"2026-01-05T10:01:01Z",)"
               R"("deployment_id":"dep1","service":"api","author_sha256":")" + kAnnSha256 +
               R"(","subject":"say \"hi\"","parents":1,"revert":true,"reverts":"abc1234","hotfix":false,"emergency":true})"
               "\n");
}

TEST_CASE("the address is hashed lower-cased, shown plain, or left out") {
  ChangeFacts f;
  auto one = [&](EmailMode mode, std::string_view email) {
    return written({"", "", mode, ""}, [&](RecordWriter& w) { w.change(commit("c1", email), f, false, true, nullptr); });
  };
  std::string hashed = one(EmailMode::kHash, "ann@example.com");
  CHECK(hashed.find(R"("author_sha256":")" + kAnnSha256 + '"') != std::string::npos);
  CHECK(one(EmailMode::kHash, "ANN@EXAMPLE.COM") == hashed);
  CHECK(one(EmailMode::kPlain, "Ann@Example.COM").find(R"(,"author_email":"Ann@Example.COM","subject")") !=
        std::string::npos);
  std::string omitted = one(EmailMode::kOmit, "ann@example.com");
  CHECK(omitted.find("author") == std::string::npos);
  // No deployment: no deployment_id; no service either.
  CHECK(omitted == R"({"type":"change","id":"c1","time":"2026-01-05T09:00:00Z","committed_at":"2026-01-05T10:01:01Z",)"
                   R"("subject":"say \"hi\"","parents":1,"revert":false,"hotfix":true,"emergency":false})"
                   "\n");
}

TEST_CASE("a change that is not listed (a merge) names no deployment") {
  Deployment d;
  d.id = "dep1";
  ChangeFacts f;
  f.listed = false;
  std::string got = written({"", "", EmailMode::kOmit, ""}, [&](RecordWriter& w) {
    w.change(commit("m1", "a@b"), f, false, false, &d);
  });
  CHECK(got.find("deployment_id") == std::string::npos);
}

TEST_CASE("a deployment record: environment, status, changes and the emergency type") {
  Deployment d;
  d.id = "dep1";
  d.time = 1767607261;
  d.sha_size = 3;
  d.changes = "aaabbb";
  d.change_count = 2;
  d.rolled_back = true;
  d.unplanned = true;
  d.emergency = true;
  std::string got = written({"api", "prod", EmailMode::kHash, ""}, [&](RecordWriter& w) { w.deployment(d); });
  CHECK(got == R"({"type":"deployment","id":"dep1","time":"2026-01-05T10:01:01Z","service":"api",)"
               R"("environment":"prod","status":"rolled_back","changes":["aaa","bbb"],"authors":[],)"
               R"("change_type":"emergency","unplanned":true})"
               "\n");
  d.rolled_back = d.unplanned = d.emergency = false;
  d.change_count = 0;
  CHECK(written({"", "", EmailMode::kOmit, ""}, [&](RecordWriter& w) { w.deployment(d); }) ==
        R"({"type":"deployment","id":"dep1","time":"2026-01-05T10:01:01Z","status":"success","changes":[],"unplanned":false})"
        "\n");
}

TEST_CASE("a deployment's authors as its changes show them, sorted, each once; teams; an id prefix") {
  Deployment d;
  d.id = "dep1";
  ChangeFacts f;
  auto deployment = [&](EmailMode mode) {
    return written({"api", "", mode, "api:"}, [&](RecordWriter& w) {
      const std::string* bob = w.author_key(commit("c1", "bob@example.com"));
      const std::string* ann = w.author_key(commit("c2", "Ann@Example.com"));
      CHECK(w.author_key(commit("c3", "bob@example.com")) == bob);  // one key per address
      w.change(commit("c1", "bob@example.com"), f, false, false, &d, nullptr, R"(["@org/a"])");
      w.deployment(d, R"(["@org/a","@org/b"])", {bob, ann, bob});
    });
  };
  CHECK(deployment(EmailMode::kPlain) ==
        R"({"type":"change","id":"c1","time":"2026-01-05T09:00:00Z","committed_at":"2026-01-05T10:01:01Z",)"
        R"("deployment_id":"api:dep1","service":"api","teams":["@org/a"],"author_email":"bob@example.com",)"
        R"("subject":"say \"hi\"","parents":1,"revert":false,"hotfix":false,"emergency":false})"
        "\n"
        R"({"type":"deployment","id":"api:dep1","time":"1970-01-01T00:00:00Z","service":"api","status":"success",)"
        R"("changes":[],"teams":["@org/a","@org/b"],"authors":["Ann@Example.com","bob@example.com"],"unplanned":false})"
        "\n");
  std::string hashed = deployment(EmailMode::kHash);
  const size_t authors = hashed.find(R"("authors":[")");
  REQUIRE(authors != std::string::npos);
  CHECK(hashed.find('"' + kAnnSha256 + '"', authors) != std::string::npos);
  CHECK(hashed.find("],\"unplanned\"", authors) == authors + 11 + 66 + 1 + 66);  // two quoted hashes and a comma
}

TEST_CASE("times before 1970 and across day boundaries") {
  Deployment d;
  d.id = "d";
  auto time_of = [&](int64_t seconds) {
    d.time = seconds;
    std::string rec = written({}, [&](RecordWriter& w) { w.deployment(d); });
    size_t at = rec.find(R"("time":")") + 8;
    return rec.substr(at, rec.find('"', at) - at);
  };
  CHECK(time_of(0) == "1970-01-01T00:00:00Z");
  CHECK(time_of(-1) == "1969-12-31T23:59:59Z");
  CHECK(time_of(-86400) == "1969-12-31T00:00:00Z");
  CHECK(time_of(-86401) == "1969-12-30T23:59:59Z");
  CHECK(time_of(86399) == "1970-01-01T23:59:59Z");
  // One writer, consecutive days: the cached date moves on.
  d.time = 86399;
  std::string two = written({}, [&](RecordWriter& w) {
    w.deployment(d);
    d.time = 86400;
    w.deployment(d);
  });
  CHECK(two.find("1970-01-01T23:59:59Z") != std::string::npos);
  CHECK(two.find("1970-01-02T00:00:00Z") != std::string::npos);
}

TEST_CASE("a change merged by a pull request starts where --lead-time-from says, with its number") {
  PullRequest pr;
  pr.number = 120;
  pr.created = 1767430800;       // 2026-01-03T09:00:00Z
  pr.first_commit = 1767344400;  // 2026-01-02T09:00:00Z
  ChangeFacts f;
  auto one = [&](LeadTimeFrom from, const PullRequest* p) {
    RecordFields fields{"", "", EmailMode::kOmit, "", from};
    return written(fields, [&](RecordWriter& w) { w.change(commit("c1", ""), f, false, false, nullptr, p); });
  };
  const std::string tail = R"(,"subject":"say \"hi\"","parents":1,"revert":false,"hotfix":false,"emergency":false})"
                           "\n";
  CHECK(one(LeadTimeFrom::kFirstCommit, &pr) ==
        R"({"type":"change","id":"c1","time":"2026-01-02T09:00:00Z","committed_at":"2026-01-05T10:01:01Z",)"
        R"("pr":120,"pr_created_at":"2026-01-03T09:00:00Z")" + tail);
  CHECK(one(LeadTimeFrom::kPrCreated, &pr) ==
        R"({"type":"change","id":"c1","time":"2026-01-03T09:00:00Z","committed_at":"2026-01-05T10:01:01Z",)"
        R"("pr":120,"pr_created_at":"2026-01-03T09:00:00Z")" + tail);
  CHECK(one(LeadTimeFrom::kFirstCommit, nullptr) ==
        R"({"type":"change","id":"c1","time":"2026-01-05T09:00:00Z","committed_at":"2026-01-05T10:01:01Z")" + tail);
}
