// The walk: tags and --path commits collected first, then one pass over
// `git log --topo-order` feeding DeploymentWalk, records written as soon as
// each deployment is complete.
#include "git/git_records.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <unordered_set>

#include "core/diag.hpp"
#include "core/format.hpp"
#include "core/signals.hpp"
#include "core/timefmt.hpp"
#include "git/child_process.hpp"

namespace ndj {

std::string_view reverted_subject(std::string_view subject) {
  constexpr std::string_view kPrefix = "Revert \"";
  if (subject.rfind(kPrefix, 0) != 0) return {};
  size_t close = subject.rfind('"');
  if (close < kPrefix.size()) return {};
  return subject.substr(kPrefix.size(), close - kPrefix.size());
}

std::string_view reverted_sha(std::string_view body) {
  constexpr std::string_view kMarker = "This reverts commit ";
  size_t at = body.find(kMarker);
  if (at == std::string_view::npos) return {};
  std::string_view rest = body.substr(at + kMarker.size());
  size_t n = 0;
  while (n < rest.size() && std::isxdigit(static_cast<unsigned char>(rest[n]))) ++n;
  return n >= 7 ? rest.substr(0, n) : std::string_view{};
}

std::string SquashCount::warning(const std::string& prs_file) const {
  std::string text = std::to_string(authored_when_committed * 100 / changes) + "% of the " + grouped_digits(changes) +
                     " changes on the first-parent line were authored when committed";
  if (prs_file.empty())
    return text + " (squash or rebase merges?): lead time from these records measures merge to deployment only; "
                  "--prs FILE gives each change its pull request's times";
  return text + " and are not the merge commit of a pull request in " + prs_file +
         " (squash or rebase merges?): their lead time measures merge to deployment only";
}

namespace {

// "prs.json: 3 of 120 pull requests were not used: ...", or "" when all
// merged in the window were.
std::string unused_warning(const PullRequests& prs, const std::string& file, int64_t since, int64_t until) {
  const auto u = prs.unused(since, until);
  if (!u.not_read && !u.no_commit) return "";
  const uint64_t n = u.not_read + u.no_commit;
  std::string text = file + ": " + grouped_digits(n) + " of " + grouped_digits(prs.size()) + " pull requests" +
                     (n == 1 ? " was" : " were") + " not used: ";
  if (u.not_read)
    text += grouped_digits(u.not_read) + " merged by a commit that is not in the history read (another branch?)";
  if (u.not_read && u.no_commit) text += ", ";
  if (u.no_commit) text += grouped_digits(u.no_commit) + " merged without a merge or squash commit (fast-forward?)";
  return text;
}

// The full id of the commit an abbreviated `prefix` in `reverter`'s message
// names; empty (with a warning) when it names several commits now: a guess
// could mark the wrong deployment rolled back.
std::string resolve_reverted(const GitRepo& repo, std::string_view reverter, std::string_view prefix) {
  std::string lower(prefix);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::vector<std::string> commits = repo.commits_with_prefix(lower);
  if (commits.size() == 1) return commits.front();
  if (commits.size() > 1) {
    std::string names;
    for (const auto& id : commits) names += (names.empty() ? "" : ", ") + id.substr(0, 12);
    warn("commit " + std::string(reverter.substr(0, 12)) + " reverts commit " + std::string(prefix) + ", which names " +
         std::to_string(commits.size()) + " commits (" + names + "): not marked as the revert of either");
  }
  return {};
}

std::vector<TagDeploy> list_tags(const GitRepo& repo, const GitRecordsOptions& o) {
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

}  // namespace

int write_git_records(const GitRecordsOptions& o, Output& out) {
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

  RecordWriter writer(o.fields, out);
  size_t incomplete = 0;
  auto write_deployment = [&](const Deployment& d) {
    if (!in_window(d.time) || (d.change_count == 0 && !o.paths.empty())) return;
    incomplete += d.incomplete;
    writer.deployment(d);
  };

  DeploymentWalk walk(o.mode, tip.value_or(""), std::move(tags));
  std::string next_first_parent = tip.value_or("");  // the branch's first-parent line, for `squash`
  SquashCount squash;
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
    std::string full;  // of an abbreviated f.reverts
    if (!f.reverts.empty() && f.reverts.size() < c.sha.size()) {
      full = resolve_reverted(repo, c.sha, f.reverts);
      if (!full.empty()) f.reverts = full;
    }
    if (f.reverts.empty()) f.reverted_subject = reverted_subject(c.subject);
    bool revert = !f.reverts.empty() || c.subject.rfind("Revert \"", 0) == 0;
    bool hotfix = RE2::PartialMatch(c.subject, *o.hotfix);
    f.emergency = RE2::PartialMatch(c.subject, *o.emergency);
    f.unplanned = revert || hotfix || f.emergency;
    f.shallow_boundary = !boundary.empty() && boundary.count(c.sha);
    const bool first_parent = !next_first_parent.empty() && c.sha == next_first_parent;
    if (first_parent) next_first_parent.assign(c.first_parent());
    const PullRequest* pr = o.prs ? o.prs->match(c.sha) : nullptr;
    const Deployment* d = walk.add(c, f);
    if (f.kept && in_window(d ? d->time : c.commit_time)) {
      writer.change(c, f, revert, hotfix, d, pr);
      if (f.listed && first_parent) {
        ++squash.changes;
        squash.authored_when_committed += !pr && c.author_time == c.commit_time;
      }
    }
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
  if (o.prs)
    if (std::string text = unused_warning(*o.prs, o.prs_file, since, until); !text.empty()) warn(text);
  if (squash.high()) warn(squash.warning(o.prs_file));
  return kExitOk;
}

}  // namespace ndj
