// The export is read whole (a few thousand requests of a few hundred bytes
// each) and kept as a table of merge commits: one lookup per commit read.
#include "git/pull_requests.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "core/diag.hpp"
#include "core/timefmt.hpp"
#include "json/json.hpp"
#include "json/json_check.hpp"

namespace ndj {

const Choices<LeadTimeFrom> kLeadTimeFrom{
    {{"first-commit", LeadTimeFrom::kFirstCommit}, {"pr-created", LeadTimeFrom::kPrCreated}}};

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Members of one request, named in errors by where they are:
// "[3].mergeCommit.oid".
class ExportReader {
 public:
  explicit ExportReader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const std::string& where, const std::string& why) const {
    throw Error(kExitDataError, file_ + ": " + (where.empty() ? "" : where + ": ") + why);
  }

  // The member, or nullopt when it is absent or null.
  std::optional<element> member(object obj, std::string_view name) const {
    element e;
    if (obj[name].get(e) || e.is_null()) return std::nullopt;
    return e;
  }
  element required(object obj, std::string_view name, const std::string& where) const {
    auto e = member(obj, name);
    if (!e) fail(where, "missing \"" + std::string(name) + "\"");
    return *e;
  }

  object as_object(element e, const std::string& where) const {
    object obj;
    if (e.get(obj)) fail(where, "expected an object");
    return obj;
  }

  uint64_t whole_number(element e, const std::string& where) const {
    uint64_t n;
    if (e.get(n)) fail(where, "expected a whole number");
    return n;
  }

  // Whole seconds: the records' times are.
  int64_t seconds(element e, const std::string& where) const {
    std::string_view s;
    std::optional<TimeNs> t;
    if (e.get(s) || !(t = parse_rfc3339(s))) fail(where, "expected an RFC 3339 time");
    return *t / kNsPerSec - (*t % kNsPerSec < 0);
  }

  // A full commit id, lower-cased as git prints it.
  std::string sha(element e, const std::string& where) const {
    std::string_view s;
    bool hex = !e.get(s) && (s.size() == 40 || s.size() == 64);
    for (size_t i = 0; hex && i < s.size(); ++i) hex = std::isxdigit(static_cast<unsigned char>(s[i]));
    if (!hex) fail(where, "expected a commit id (40 or 64 hex digits)");
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }

 private:
  const std::string& file_;
};

}  // namespace

PullRequests PullRequests::parse(std::string_view text, const std::string& file) {
  return parse_padded(simdjson::padded_string(text), file);
}

PullRequests PullRequests::parse_padded(const simdjson::padded_string& padded, const std::string& file) {
  ExportReader r(file);
  simdjson::dom::parser parser;
  element root;
  if (auto err = parser.parse(padded).get(root)) {
    const std::string_view text = padded;
    size_t at = 0;
    const char* why = json_check(text, at);
    if (!why) r.fail("", std::string("invalid JSON: ") + json_error_reason(err));
    // FILE:LINE:COLUMN, as compilers say it, of the byte where it went wrong.
    const std::string_view before = text.substr(0, at);
    const size_t line = 1 + std::count(before.begin(), before.end(), '\n');
    const size_t column = 1 + at - (before.rfind('\n') + 1);
    throw Error(kExitDataError,
                file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": invalid JSON: " + why);
  }
  simdjson::dom::array items;
  if (root.get(items))
    r.fail("", "expected an array of pull requests (gh pr list --json) or merge requests (GitLab's API)");

  PullRequests out;
  size_t i = 0;
  for (element item : items) {
    // Appends: GCC 12's -Wrestrict misfires on "[" + std::string&& at -O3.
    std::string at = "[";
    at.append(std::to_string(i++)).push_back(']');
    const object obj = r.as_object(item, at);
    PullRequest pr;
    std::vector<std::string> commits;  // its merge and squash commits
    if (auto number = r.member(obj, "number")) {  // gh
      pr.number = r.whole_number(*number, at + ".number");
      pr.created = r.seconds(r.required(obj, "createdAt", at), at + ".createdAt");
      if (auto merged = r.member(obj, "mergedAt")) pr.merged = r.seconds(*merged, at + ".mergedAt");
      if (auto merge = r.member(obj, "mergeCommit")) {
        const std::string where = at + ".mergeCommit";
        commits.push_back(r.sha(r.required(r.as_object(*merge, where), "oid", where), where + ".oid"));
      }
      if (auto list = r.member(obj, "commits")) {
        simdjson::dom::array arr;
        if (list->get(arr)) r.fail(at + ".commits", "expected an array");
        size_t k = 0;
        for (element c : arr) {
          const std::string where = at + ".commits[" + std::to_string(k++) + "]";
          int64_t t = r.seconds(r.required(r.as_object(c, where), "authoredDate", where), where + ".authoredDate");
          if (!pr.first_commit || t < *pr.first_commit) pr.first_commit = t;
        }
      }
    } else if (auto iid = r.member(obj, "iid")) {  // GitLab
      pr.number = r.whole_number(*iid, at + ".iid");
      pr.created = r.seconds(r.required(obj, "created_at", at), at + ".created_at");
      if (auto merged = r.member(obj, "merged_at")) pr.merged = r.seconds(*merged, at + ".merged_at");
      for (const char* name : {"merge_commit_sha", "squash_commit_sha"})
        if (auto sha = r.member(obj, name)) commits.push_back(r.sha(*sha, at + "." + name));
    } else {
      r.fail(at, "neither \"number\" (a pull request from gh) nor \"iid\" (a merge request from GitLab)");
    }
    pr.names_commit = !commits.empty();
    // A commit two requests name (an export written twice over) keeps the first.
    for (auto& sha : commits) out.by_commit_.emplace(std::move(sha), static_cast<uint32_t>(out.prs_.size()));
    out.prs_.push_back(pr);
  }
  return out;
}

PullRequests PullRequests::load(const std::string& file) {
  // Read straight into simdjson's padded buffer: an export of a big
  // project is tens of megabytes, each copy of it a cost.
  errno = 0;
  auto text = simdjson::padded_string::load(file);
  if (text.error()) throw Error(kExitFailure, file + ": " + (errno ? errno_text(errno) : "cannot be read"));
  return parse_padded(text.value_unsafe(), file);
}

const PullRequest* PullRequests::match(std::string_view sha) {
  auto it = by_commit_.find(sha);
  if (it == by_commit_.end()) return nullptr;
  PullRequest& pr = prs_[it->second];
  pr.used = true;
  return &pr;
}

PullRequests::Unused PullRequests::unused(int64_t since, int64_t until) const {
  Unused u;
  for (const auto& pr : prs_) {
    if (pr.used) continue;
    if (pr.names_commit) {
      // Without "mergedAt" in the export, it may have been merged anywhen.
      if (!pr.merged || (*pr.merged >= since && *pr.merged < until)) ++u.not_read;
    } else if (pr.merged && *pr.merged >= since && *pr.merged < until) {
      ++u.no_commit;
    }
  }
  return u;
}

}  // namespace ndj
