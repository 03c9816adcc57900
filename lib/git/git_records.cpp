// The walk: tags and --path commits collected first, then one pass over
// `git log --topo-order` feeding DeploymentWalk, records written as soon as
// each deployment is complete.
#include "git/git_records.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <unordered_set>

#include "core/child_process.hpp"
#include "core/diag.hpp"
#include "core/format.hpp"
#include "core/signals.hpp"
#include "core/timefmt.hpp"
#include "json/json.hpp"
#include "git/codeowners.hpp"

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

TagVersion tag_version(std::string_view name) {
  TagVersion v;
  size_t i = 0;
  while (i < name.size() && !std::isdigit(static_cast<unsigned char>(name[i]))) ++i;
  v.prefix = std::string(name.substr(0, i));
  while (i < name.size()) {
    unsigned char ch = static_cast<unsigned char>(name[i]);
    if (std::isdigit(ch)) {
      uint64_t n = 0;
      for (; i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])); ++i)
        n = std::min<uint64_t>(n * 10 + static_cast<uint64_t>(name[i] - '0'), UINT64_MAX / 10);
      v.numbers.push_back(n);
    } else if (ch == '.' || ch == '_' || ch == '-') {
      ++i;
    } else {
      break;
    }
  }
  size_t start = i;
  while (i < name.size() && std::isalpha(static_cast<unsigned char>(name[i]))) ++i;
  std::string word(name.substr(start, i - start));
  for (char& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const char* pre : {"alpha", "beta", "rc", "pre", "preview", "dev", "snapshot", "nightly", "canary"})
    if (word == pre) v.prerelease = true;
  return v;
}

bool older_version(const TagVersion& a, const TagVersion& b) {
  if (a.prefix != b.prefix || a.numbers.empty() || b.numbers.empty()) return false;
  if (a.numbers != b.numbers) return a.numbers < b.numbers;
  return a.prerelease && !b.prerelease;
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
    if (!o.prereleases && tag_version(f[0]).prerelease) continue;
    if (std::any_of(o.exclude_tags.begin(), o.exclude_tags.end(),
                    [&](const std::string& glob) { return fnmatch(glob.c_str(), f[0].c_str(), 0) == 0; }))
      continue;
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
  // Releases follow tag time; a tag made after a newer version of its
  // family (jq-1.0 tagged after jq-1.1) holds only what no earlier tag has.
  std::vector<std::pair<TagVersion, const std::string*>> newest;  // per prefix
  std::unordered_set<std::string> named;                           // commits of earlier tags
  int64_t release = -1;
  for (auto& t : tags) {
    bool counts = named.insert(t.commit).second;
    TagVersion v = tag_version(t.name);
    if (!v.numbers.empty()) {
      auto it = std::find_if(newest.begin(), newest.end(), [&](const auto& n) { return n.first.prefix == v.prefix; });
      if (it == newest.end()) {
        newest.emplace_back(std::move(v), &t.name);
      } else if (older_version(v, it->first)) {
        warn("tag " + t.name + " was made after " + *it->second +
             " but names an older version: releases are taken in tag time order, so it holds only the commits "
             "no earlier tag has (--exclude-tags leaves it out)");
        counts = false;
      } else {
        *it = {std::move(v), &t.name};
      }
    }
    if (counts || release < 0) ++release;
    t.release = release;
  }
  return tags;
}

}  // namespace

bool pathspec_matches(std::string_view pathspec, std::string_view path) {
  while (pathspec.rfind("./", 0) == 0) pathspec.remove_prefix(2);
  while (!pathspec.empty() && pathspec.back() == '/') pathspec.remove_suffix(1);
  if (pathspec.empty() || pathspec == ".") return true;
  if (pathspec.find_first_of("*?[") != std::string_view::npos)
    return fnmatch(std::string(pathspec).c_str(), std::string(path).c_str(), 0) == 0;
  return path.substr(0, pathspec.size()) == pathspec && (path.size() == pathspec.size() || path[pathspec.size()] == '/');
}

namespace {

// The services of each path, worked out once per path: a monorepo's
// commits touch the same few thousand paths again and again.
class ServiceMatcher {
 public:
  explicit ServiceMatcher(const std::vector<ServicePaths>& services) : services_(services) {}

  uint64_t services_of(std::span<const std::string_view> paths) {
    uint64_t mask = 0;
    for (std::string_view path : paths) mask |= of(path);
    return mask;
  }

 private:
  uint64_t of(std::string_view path) {
    if (auto it = cache_.find(path); it != cache_.end()) return it->second;
    uint64_t mask = 0;
    for (size_t i = 0; i < services_.size(); ++i)
      for (const auto& spec : services_[i].pathspecs)
        if (pathspec_matches(spec, path)) mask |= uint64_t{1} << i;
    cache_.emplace(std::string(path), mask);
    return mask;
  }

  const std::vector<ServicePaths>& services_;
  ShaMap<uint64_t> cache_;
};

// The records of one service (or of the whole repository): its own walk,
// since which deployments hold which changes depends on the changes kept.
struct Stream {
  Stream(const RecordFields& f, Output& out, DeployMode mode, const std::string& tip, std::vector<TagDeploy> tags)
      : fields(f), writer(fields, out), walk(mode, tip, std::move(tags)) {}
  RecordFields fields;
  RecordWriter writer;
  DeploymentWalk walk;
  std::function<void(const Deployment&)> write_deployment;
  // What its open deployments' changes bring, by rank.
  struct Extra {
    std::vector<uint32_t> owners;
    std::vector<const std::string*> authors;
  };
  std::unordered_map<int64_t, Extra> extras;
};

// "teams" of a change: the owners of the paths it changes (a merge: against
// its first parent, what it brought in).
class TeamsOfChange {
 public:
  explicit TeamsOfChange(CodeOwners owners) : owners_(std::move(owners)) {}

  // Fills `ids` and returns the JSON array, valid until the next of().
  std::string_view of(const GitCommit& c, std::vector<uint32_t>& ids) {
    ids.clear();
    for (std::string_view path : c.names.first(c.first_parent_names)) {
      auto set = owners_.owners_of(path);
      ids.insert(ids.end(), set.begin(), set.end());
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    render(ids, change_json_);
    return change_json_;
  }

  // The JSON array of owners `ids` (sorted, unique), valid until the next json().
  std::string_view json(const std::vector<uint32_t>& ids) {
    render(ids, json_);
    return json_;
  }

 private:
  void render(const std::vector<uint32_t>& ids, std::string& out) const {
    out = "[";
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(out, owners_.owner(ids[i]));
    }
    out.push_back(']');
  }

  CodeOwners owners_;
  std::string change_json_, json_;  // of() and json() apart: changes are written between deployments
};

}  // namespace

int write_git_records(const GitRecordsOptions& o, Output& out) {
  if (o.services.size() > 64) throw Error(kExitUsage, "at most 64 services in one run");
  std::optional<TeamsOfChange> teams;
  if (!o.teams_file.empty()) teams.emplace(CodeOwners::load(o.teams_file));
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
  // while the commits touching --path are collected. Services and teams
  // need every commit's paths, which the walk's own git log then lists.
  const bool split = !o.services.empty();
  GitLog log(repo, revs, split || teams);
  std::unordered_set<std::string, ShaHash, std::equal_to<>> touching;
  if (!o.paths.empty()) {
    std::vector<std::string> specs;
    for (const auto& p : o.paths) specs.push_back(":(top)" + p);
    GitPathFilter(repo, revs, specs).shas([&](std::string_view sha) { touching.emplace(sha); });
  }
  ServiceMatcher matcher(o.services);

  // git's times are whole seconds: t >= since and t < until hold for t
  // exactly when they hold for the bounds rounded up to a second.
  auto ceil_seconds = [](int64_t ns) { return ns / kNsPerSec + (ns % kNsPerSec > 0); };
  const int64_t since = o.since == INT64_MIN ? INT64_MIN : ceil_seconds(o.since);
  const int64_t until = o.until == INT64_MAX ? INT64_MAX : ceil_seconds(o.until);
  auto in_window = [&](int64_t t) { return t >= since && t < until; };

  std::vector<std::unique_ptr<Stream>> streams;
  if (!split) streams.push_back(std::make_unique<Stream>(o.fields, out, o.mode, tip.value_or(""), std::move(tags)));
  for (const auto& service : o.services) {
    RecordFields fields = o.fields;
    fields.service = service.name;
    fields.id_prefix = service.name + ":";
    streams.push_back(std::make_unique<Stream>(fields, out, o.mode, tip.value_or(""), tags));
  }
  size_t incomplete = 0;
  const bool filtered = split || !o.paths.empty();
  for (auto& st : streams)
    st->write_deployment = [&, &s = *st](const Deployment& d) {
      Stream::Extra extra;
      if (auto it = s.extras.find(d.rank); it != s.extras.end()) {
        extra = std::move(it->second);
        s.extras.erase(it);
      }
      if (!in_window(d.time) || (d.change_count == 0 && filtered)) return;
      incomplete += d.incomplete;
      std::string_view teams_json;
      if (teams) {
        std::sort(extra.owners.begin(), extra.owners.end());
        extra.owners.erase(std::unique(extra.owners.begin(), extra.owners.end()), extra.owners.end());
        teams_json = teams->json(extra.owners);
      }
      s.writer.deployment(d, teams_json, std::move(extra.authors));
    };
  std::vector<uint32_t> change_teams;

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
    const uint64_t services = split ? matcher.services_of(c.names) : 0;
    std::string_view teams_json = teams ? teams->of(c, change_teams) : std::string_view{};
    bool done = since != INT64_MIN, written = false;
    for (size_t s = 0; s < streams.size(); ++s) {
      Stream& st = *streams[s];
      f.kept = split ? (services >> s & 1) : o.paths.empty() || touching.count(c.sha);
      const Deployment* d = st.walk.add(c, f);
      if (d && f.kept && f.listed) {
        Stream::Extra& extra = st.extras[d->rank];
        extra.owners.insert(extra.owners.end(), change_teams.begin(), change_teams.end());
        if (const std::string* author = st.writer.author_key(c)) extra.authors.push_back(author);
      }
      if (f.kept && in_window(d ? d->time : c.commit_time)) {
        st.writer.change(c, f, revert, hotfix, d, pr, teams_json);
        written = true;
      }
      st.walk.take_completed(st.write_deployment);
      done = done && st.walk.done_before(since);
    }
    // Once per commit, however many services wrote it.
    if (written && f.listed && first_parent) {
      ++squash.changes;
      squash.authored_when_committed += !pr && c.author_time == c.commit_time;
    }
    if (done) {
      stopped = true;
      break;
    }
  }
  log.finish(stopped);
  for (auto& st : streams) st->walk.take_all(st->write_deployment);
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
