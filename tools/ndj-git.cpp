// ndj-git: turn a repository's history into the deployment and change
// records ndj-dora reads, so delivery metrics work without a deploy database.
#include <openssl/evp.h>
#include <re2/re2.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/cli.hpp"
#include "git/deployment_walk.hpp"
#include "core/diag.hpp"
#include "git/git_log.hpp"
#include "json/json.hpp"
#include "core/output.hpp"
#include "core/signals.hpp"
#include "core/timefmt.hpp"

namespace ndj {
namespace {

struct Options {
  std::string repo = ".";
  std::string deploys = "first-parent";
  std::string branch;
  int64_t since = INT64_MIN;  // ns
  int64_t until = INT64_MAX;
  std::vector<std::string> paths;
  std::string service;
  std::string environment;
  std::string emails = "hash";
  std::string hotfix_pattern = R"((?i)\bhot-?fix|\bfix(\([^)]*\))?!:)";
  std::string emergency_pattern = "EMERGENCY";
  // Derived from the above while parsing.
  DeployMode mode = DeployMode::kFirstParent;
  std::string tag_glob;
  std::unique_ptr<RE2> hotfix, emergency;
};

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Write deployment and change records (ndj-dora input) from git history."};
  setup_app(app, "ndj-git");
  app.add_option("REPO", o.repo, "Repository (default: the current directory)")->type_name("");
  app.add_option("--deploys", o.deploys, "first-parent (default), merges or tags=GLOB")
      ->type_name("MODE");
  app.add_option("--branch", o.branch, "Branch to read (default: origin's HEAD, main, master)")
      ->type_name("REV");
  add_time_option(app, "--since", o.since, "Deployments at or after TIME only");
  add_time_option(app, "--until", o.until, "Deployments before TIME only");
  app.add_option("--path", o.paths, "Only changes touching DIR (repeatable)")
      ->type_name("DIR")
      ->allow_extra_args(false);  // one DIR per --path: REPO may follow
  app.add_option("--service", o.service, "Add \"service\":NAME to every record")->type_name("NAME");
  app.add_option("--environment", o.environment, "Add \"environment\":NAME to deployments")
      ->type_name("NAME");
  app.add_option("--emails", o.emails, "Author emails: hash (default), plain or omit")
      ->check(CLI::IsMember({"hash", "plain", "omit"}))
      ->type_name("HOW");
  app.add_option("--hotfix-pattern", o.hotfix_pattern, "Subjects of hotfix commits")->type_name("REGEX");
  app.add_option("--emergency-pattern", o.emergency_pattern, "Subjects of emergency commits")
      ->type_name("REGEX");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;

  if (o.deploys == "merges") o.mode = DeployMode::kMerges;
  else if (o.deploys.rfind("tags=", 0) == 0 && o.deploys.size() > 5) {
    o.mode = DeployMode::kTags;
    o.tag_glob = o.deploys.substr(5);
  } else if (o.deploys != "first-parent")
    return usage_error("--deploys: expected first-parent, merges or tags=GLOB, got '" + o.deploys + "'");
  if (o.since != INT64_MIN && o.until != INT64_MAX && o.since >= o.until)
    return usage_error("--since must be before --until");
  RE2::Options quiet;
  quiet.set_log_errors(false);
  o.hotfix = std::make_unique<RE2>(o.hotfix_pattern, quiet);
  o.emergency = std::make_unique<RE2>(o.emergency_pattern, quiet);
  if (!o.hotfix->ok()) return usage_error("--hotfix-pattern: bad regular expression: " + o.hotfix->error());
  if (!o.emergency->ok())
    return usage_error("--emergency-pattern: bad regular expression: " + o.emergency->error());
  return -1;
}

// sha256 rather than xxh3: the hash stands in for a person's address, so it
// must not be reversible by anything cheaper than guessing the address, and
// it then matches the *_sha256 fields other telemetry already carries.
std::string sha256_hex(std::string_view s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr))
    throw Error(kExitFailure, "sha256 failed");
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 15]);
  }
  return hex;
}

// `Revert "SUBJECT"` or, as squash-merged revert pull requests put it,
// `Revert "SUBJECT" (#125)`: the reverted commit's subject, or empty.
std::string_view reverted_subject(std::string_view subject) {
  constexpr std::string_view kPrefix = "Revert \"";
  if (subject.rfind(kPrefix, 0) != 0) return {};
  size_t close = subject.rfind('"');
  if (close < kPrefix.size()) return {};
  return subject.substr(kPrefix.size(), close - kPrefix.size());
}

// `This reverts commit SHA.`, the line `git revert` writes.
std::string_view reverted_sha(std::string_view body) {
  constexpr std::string_view kMarker = "This reverts commit ";
  size_t at = body.find(kMarker);
  if (at == std::string_view::npos) return {};
  std::string_view rest = body.substr(at + kMarker.size());
  size_t n = 0;
  while (n < rest.size() && std::isxdigit(static_cast<unsigned char>(rest[n]))) ++n;
  return n >= 7 ? rest.substr(0, n) : std::string_view{};
}

std::vector<TagDeploy> list_tags(const GitRepo& repo, const Options& o) {
  std::string out = run_and_capture(repo.command(
      {"for-each-ref", "--format=%(refname:short)%1f%(objecttype)%1f%(objectname)%1f%(*objecttype)%1f"
                       "%(*objectname)%1f%(creatordate:unix)%1f%(contents:subject)",
       "refs/tags/" + o.tag_glob}));
  std::vector<TagDeploy> tags;
  for (const std::string& line : split_lines(out)) {
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t at; (at = line.find('\x1f', start)) != std::string::npos; start = at + 1)
      f.push_back(line.substr(start, at - start));
    f.push_back(line.substr(start));
    if (f.size() != 7) continue;
    bool annotated = f[1] == "tag";
    if ((annotated ? f[3] : f[1]) != "commit") {
      warn("tag " + f[0] + " does not name a commit; ignored");
      continue;
    }
    TagDeploy t;
    t.name = f[0];
    t.commit = annotated ? f[4] : f[2];
    t.time = std::atoll(f[5].c_str());
    std::string text = annotated ? f[0] + "\n" + f[6] : f[0];
    t.emergency = RE2::PartialMatch(text, *o.emergency);
    t.unplanned = t.emergency || RE2::PartialMatch(text, *o.hotfix);
    tags.push_back(std::move(t));
  }
  std::stable_sort(tags.begin(), tags.end(), [](const TagDeploy& a, const TagDeploy& b) {
    return a.time != b.time ? a.time < b.time : a.name < b.name;
  });
  return tags;
}

class RecordWriter {
 public:
  RecordWriter(const Options& o, Output& out) : o_(o), out_(out) {}

  void change(const GitCommit& c, const ChangeFacts& f, bool revert, bool hotfix, const Deployment* d) {
    rec_ = R"({"type":"change","id":)";
    append_json_string(rec_, c.sha);
    field_time("time", c.author_time);
    field_time("committed_at", c.commit_time);
    if (d && f.listed) {
      rec_.append(R"(,"deployment_id":)");
      append_json_string(rec_, d->id);
    }
    service();
    if (o_.emails == "hash") {
      auto it = email_hashes_.find(c.author_email);
      if (it == email_hashes_.end()) {
        std::string lower(c.author_email);
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
        it = email_hashes_.emplace(std::string(c.author_email), sha256_hex(lower)).first;
      }
      rec_.append(R"(,"author_sha256":")").append(it->second).push_back('"');
    } else if (o_.emails == "plain") {
      rec_.append(R"(,"author_email":)");
      append_json_string(rec_, c.author_email);
    }
    rec_.append(R"(,"subject":)");
    append_json_string(rec_, c.subject);
    rec_.append(R"(,"parents":)").append(std::to_string(c.parent_count()));
    rec_.append(R"(,"revert":)").append(revert ? "true" : "false");
    if (!f.reverts.empty()) {
      rec_.append(R"(,"reverts":)");
      append_json_string(rec_, f.reverts);
    }
    rec_.append(R"(,"hotfix":)").append(hotfix ? "true" : "false");
    rec_.append(R"(,"emergency":)").append(f.emergency ? "true" : "false");
    rec_.append("}\n");
    out_.write(rec_);
  }

  void deployment(const Deployment& d) {
    rec_ = R"({"type":"deployment","id":)";
    append_json_string(rec_, d.id);
    field_time("time", d.time);
    service();
    if (!o_.environment.empty()) {
      rec_.append(R"(,"environment":)");
      append_json_string(rec_, o_.environment);
    }
    rec_.append(R"(,"status":)").append(d.rolled_back ? R"("rolled_back")" : R"("success")");
    rec_.append(R"(,"changes":[)");
    for (size_t i = 0; i < d.change_count; ++i) {
      if (i) rec_.push_back(',');
      rec_.push_back('"');
      rec_.append(d.change(i)).push_back('"');
    }
    rec_.push_back(']');
    if (d.emergency) rec_.append(R"(,"change_type":"emergency")");
    rec_.append(R"(,"unplanned":)").append(d.unplanned ? "true" : "false");
    rec_.append("}\n");
    out_.write(rec_);
  }

 private:
  // Commit times cluster in days: the date is formatted once per day, the
  // time of day by hand (snprintf for every field was a tenth of our time).
  void field_time(const char* name, int64_t seconds) {
    int64_t day = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    if (day != cached_day_) {
      cached_date_ = format_rfc3339(day * 86400 * kNsPerSec).substr(0, 11);  // "YYYY-MM-DDT"
      cached_day_ = day;
    }
    int64_t rem = seconds - day * 86400;
    char hms[9] = {char('0' + rem / 36000), char('0' + rem / 3600 % 10), ':',
                   char('0' + rem / 60 % 60 / 10), char('0' + rem / 60 % 10), ':',
                   char('0' + rem % 60 / 10), char('0' + rem % 10), 'Z'};
    rec_.append(",\"").append(name).append("\":\"").append(cached_date_).append(hms, sizeof hms).push_back('"');
  }
  void service() {
    if (o_.service.empty()) return;
    rec_.append(R"(,"service":)");
    append_json_string(rec_, o_.service);
  }

  const Options& o_;
  Output& out_;
  std::string rec_;
  ShaMap<std::string> email_hashes_;  // address -> its hash
  int64_t cached_day_ = INT64_MIN;
  std::string cached_date_;
};

int run(const Options& o) {
  GitRepo repo(o.repo);
  std::string branch = o.branch;
  if (branch.empty()) branch = repo.default_branch().value_or("");
  std::optional<std::string> tip;
  if (!branch.empty()) tip = repo.resolve_commit(branch);
  if (!o.branch.empty() && !tip) throw Error(kExitFailure, o.repo + ": no such branch or commit: " + o.branch);
  if (!tip && o.mode != DeployMode::kTags) {
    warn(o.repo + " has no commits yet");
    return kExitOk;
  }

  std::vector<TagDeploy> tags;
  std::vector<std::string> revs;
  if (o.mode == DeployMode::kTags) {
    tags = list_tags(repo, o);
    if (tags.empty()) warn("no tags match " + o.tag_glob + ": no deployments");
    std::unordered_set<std::string> seen;
    for (const auto& t : tags)
      if (seen.insert(t.commit).second) revs.push_back(t.commit);
  }
  if (tip) revs.push_back(*tip);
  if (revs.empty()) return kExitOk;

  std::unordered_set<std::string, ShaHash, std::equal_to<>> boundary;
  for (auto& sha : repo.shallow_boundary()) boundary.insert(std::move(sha));
  if (!boundary.empty())
    warn(o.repo + " is a shallow clone: commits older than its " + std::to_string(boundary.size()) +
         " boundary commit(s) are missing, so deployments reaching them lack changes and reverts of "
         "older commits are not seen (git fetch --unshallow reads everything)");

  // Both gits start now: the history walk gets going (on another core)
  // while the commits touching --path are collected.
  GitLog log(repo, revs);
  std::unordered_set<std::string, ShaHash, std::equal_to<>> touching;
  if (!o.paths.empty()) {
    std::vector<std::string> specs;
    for (const auto& p : o.paths) specs.push_back(":(top)" + p);
    GitPathFilter(repo, revs, specs).shas([&](std::string_view sha) { touching.emplace(sha); });
  }

  // git's times are whole seconds: t >= since and t < until hold for t
  // exactly when they hold for the bounds rounded up to a second.
  auto ceil_seconds = [](int64_t ns) { return ns / kNsPerSec + (ns % kNsPerSec > 0); };
  const int64_t since = o.since == INT64_MIN ? INT64_MIN : ceil_seconds(o.since);
  const int64_t until = o.until == INT64_MAX ? INT64_MAX : ceil_seconds(o.until);
  auto in_window = [&](int64_t t) { return t >= since && t < until; };

  Output out;
  RecordWriter writer(o, out);
  size_t incomplete = 0;
  auto write_deployment = [&](const Deployment& d) {
    if (!in_window(d.time) || (d.change_count == 0 && !o.paths.empty())) return;
    incomplete += d.incomplete;
    writer.deployment(d);
  };

  DeploymentWalk walk(o.mode, tip.value_or(""), std::move(tags));
  GitCommit c;
  bool stopped = false;
  while (log.next(c)) {
    if (stop_requested()) {
      stopped = true;
      break;
    }
    ChangeFacts f;
    f.kept = o.paths.empty() || touching.count(c.sha);
    // A merge holds no work of its own: listing it would add a zero lead
    // time for every merge. Its subject still counts (hotfix branches).
    f.listed = c.parent_count() < 2;
    f.reverts = reverted_sha(c.body);
    if (f.reverts.empty()) f.reverted_subject = reverted_subject(c.subject);
    bool revert = !f.reverts.empty() || c.subject.rfind("Revert \"", 0) == 0;
    bool hotfix = RE2::PartialMatch(c.subject, *o.hotfix);
    f.emergency = RE2::PartialMatch(c.subject, *o.emergency);
    f.unplanned = revert || hotfix || f.emergency;
    f.shallow_boundary = !boundary.empty() && boundary.count(c.sha);
    const Deployment* d = walk.add(c, f);
    if (f.kept && in_window(d ? d->time : c.commit_time)) writer.change(c, f, revert, hotfix, d);
    walk.take_completed(write_deployment);
    if (since != INT64_MIN && walk.done_before(since)) {
      stopped = true;
      break;
    }
  }
  log.finish(stopped);
  walk.take_all(write_deployment);
  out.flush();
  if (incomplete)
    warn(std::to_string(incomplete) + " deployment(s) reach the shallow boundary: their changes are incomplete");
  if (stop_requested()) return interrupted_exit_code();
  return kExitOk;
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-git", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
