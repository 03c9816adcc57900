// git through its command line: fixed formats, NUL-separated records, no
// shell, and the user's configuration kept from changing what we parse.
#include "git/git_log.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

#include <simdjson.h>

#include "core/diag.hpp"

namespace ndj {

namespace {

// Fields separated by US (0x1f), commits by NUL (-z). The body comes last:
// it is the only field that can hold arbitrary text spanning lines.
constexpr const char* kLogFormat = "--format=%H%x1f%P%x1f%at%x1f%ct%x1f%aE%x1f%s%x1f%b";
// With names, a record starts with SOH: git separates the names from the
// next record by NUL alone, and no path of a real tree starts with SOH.
constexpr const char* kNamesLogFormat = "--format=%x01%H%x1f%P%x1f%at%x1f%ct%x1f%aE%x1f%s%x1f%b";

// git flushes its output after every commit when it goes to a pipe, for
// interactive readers; we read in large chunks: fully buffered, `git log`
// through a pipe takes half the time.
const std::vector<std::string> kBuffered = {"GIT_FLUSH=0"};

bool take_field(std::string_view& rest, std::string_view& field) {
  size_t at = rest.find('\x1f');
  if (at == std::string_view::npos) return false;
  field = rest.substr(0, at);
  rest.remove_prefix(at + 1);
  return true;
}

bool parse_seconds(std::string_view s, int64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Replaces each byte that is not part of valid UTF-8 with U+FFFD, so the
// JSON we write is valid whatever encoding a commit message was in.
void repair_utf8(std::string_view s, std::string& out) {
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len && i + len <= s.size() && simdjson::validate_utf8(s.data() + i, len)) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append("\xef\xbf\xbd");
      ++i;
    }
  }
}

}  // namespace

size_t GitCommit::parent_count() const {
  if (parents.empty()) return 0;
  size_t n = 1;
  for (char c : parents) n += c == ' ';
  return n;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    lines.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

GitRepo::GitRepo(std::string dir) : dir_(std::move(dir)) {
  struct stat st;
  if (stat(dir_.c_str(), &st) != 0) throw Error(kExitFailure, dir_ + ": " + errno_text(errno));
  ChildProcess git(command({"rev-parse", "--git-dir"}));
  std::string_view line;
  while (git.next(line, '\n')) {
  }
  if (git.wait() != 0) {
    // git's own reason: not a repository, or one it refuses to read
    // (safe.directory ownership checks, a corrupt HEAD).
    std::string why = git.error_text();
    if (why.rfind("fatal: ", 0) == 0) why.erase(0, 7);
    throw Error(kExitFailure, dir_ + ": " + (why.empty() ? "not a git repository" : why));
  }
}

std::vector<std::string> GitRepo::command(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"git", "-C", dir_, "-c", "log.showSignature=false",
                                   "-c", "color.ui=false", "--no-pager", "--no-replace-objects"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::optional<std::string> GitRepo::resolve_commit(const std::string& rev) const {
  std::string out;
  if (run_and_capture(command({"rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"}), out) != 0)
    return std::nullopt;
  auto lines = split_lines(out);
  if (lines.empty()) return std::nullopt;
  return lines[0];
}

std::vector<std::string> GitRepo::commits_with_prefix(const std::string& prefix) const {
  std::string out;
  if (run_and_capture(command({"rev-parse", "--disambiguate=" + prefix}), out) != 0) return {};
  std::vector<std::string> commits;
  for (const std::string& id : split_lines(out)) {
    std::string type;
    if (run_and_capture(command({"cat-file", "-t", id}), type) == 0 && type.rfind("commit", 0) == 0)
      commits.push_back(id);
  }
  return commits;
}

std::optional<std::string> GitRepo::default_branch() const {
  std::string out;
  if (run_and_capture(command({"symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"}), out) == 0) {
    auto lines = split_lines(out);
    if (!lines.empty() && resolve_commit(lines[0])) return lines[0];
  }
  for (const char* name : {"refs/heads/main", "refs/heads/master", "HEAD"})
    if (resolve_commit(name)) return std::string(name);
  return std::nullopt;
}

std::vector<std::string> GitRepo::shallow_boundary() const {
  std::string out = run_and_capture(command({"rev-parse", "--is-shallow-repository"}));
  if (out.rfind("true", 0) != 0) return {};
  std::string path = split_lines(run_and_capture(command({"rev-parse", "--git-path", "shallow"}))).at(0);
  if (path.empty() || path[0] != '/') path = dir_ + "/" + path;
  std::vector<std::string> shas;
  if (FILE* f = std::fopen(path.c_str(), "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
      std::string_view s(line);
      while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
      if (!s.empty()) shas.emplace_back(s);
    }
    std::fclose(f);
  }
  return shas;
}

GitLog::GitLog(const GitRepo& repo, const std::vector<std::string>& revs, bool names) : names_(names) {
  std::vector<std::string> args = {"log", "--topo-order", "-z", "--no-color", "--encoding=UTF-8",
                                   "--no-show-signature", names ? kNamesLogFormat : kLogFormat};
  // Every parent (-m), the root commit's files (--root), paths from the
  // top and both sides of a rename, whatever diff.* settings say: a commit
  // touches a path here exactly when `git log --full-history -- PATH` lists it.
  if (names) args.insert(args.end(), {"--name-only", "-m", "--root", "--no-renames", "--no-relative"});
  args.insert(args.end(), revs.begin(), revs.end());
  args.push_back("--");
  child_ = std::make_unique<ChildProcess>(repo.command(args), kBuffered);
}

GitPathFilter::GitPathFilter(const GitRepo& repo, const std::vector<std::string>& revs,
                             const std::vector<std::string>& paths) {
  std::vector<std::string> args = {"log", "-z", "--full-history", "--format=%H"};
  args.insert(args.end(), revs.begin(), revs.end());
  args.push_back("--");
  args.insert(args.end(), paths.begin(), paths.end());
  child_ = std::make_unique<ChildProcess>(repo.command(args), kBuffered);
}

void GitPathFilter::finish() {
  if (int status = child_->wait(); status != 0) {
    std::string why = child_->error_text();
    throw Error(kExitFailure, "git log failed" + (why.empty() ? " (exit " + std::to_string(status) + ")" : ": " + why));
  }
}

bool GitLog::next_with_names(std::string_view& rec) {
  if (ahead_.empty()) {
    std::string_view first;
    if (!child_->next(first, '\0')) return false;
    ahead_.assign(first);
  }
  head_.swap(ahead_);
  ahead_.clear();
  if (head_.empty() || head_[0] != '\x01')
    throw Error(kExitFailure, "git log: record " + std::to_string(count_ + 1) + " is not in the expected format");
  const std::string_view sha_field = std::string_view(head_).substr(0, head_.find('\x1f') + 1);  // SOH, sha, US
  name_bytes_.clear();
  name_ends_.clear();
  first_parent_names_ = SIZE_MAX;
  bool after_record = true;  // git puts a newline before a record's first name
  std::string_view t;
  while (child_->next(t, '\0')) {
    if (!t.empty() && t[0] == '\x01') {
      if (t.substr(0, sha_field.size()) != sha_field) {
        ahead_.assign(t);
        break;
      }
      first_parent_names_ = std::min(first_parent_names_, name_ends_.size());  // the merge again, next parent
      after_record = true;
      continue;
    }
    if (after_record && !t.empty() && t[0] == '\n') t.remove_prefix(1);
    after_record = false;
    if (t.empty()) continue;
    name_bytes_.append(t);
    name_ends_.push_back(name_bytes_.size());
  }
  first_parent_names_ = std::min(first_parent_names_, name_ends_.size());
  name_views_.clear();
  for (size_t i = 0, begin = 0; i < name_ends_.size(); begin = name_ends_[i++])
    name_views_.push_back(std::string_view(name_bytes_).substr(begin, name_ends_[i] - begin));
  rec = std::string_view(head_).substr(1);
  return true;
}

bool GitLog::next(GitCommit& c) {
  std::string_view rec;
  if (names_ ? !next_with_names(rec) : !child_->next(rec, '\0')) return false;
  ++count_;
  c.names = name_views_;
  c.first_parent_names = first_parent_names_;
  std::string_view at, ct;
  if (!take_field(rec, c.sha) || !take_field(rec, c.parents) || !take_field(rec, at) ||
      !take_field(rec, ct) || !take_field(rec, c.author_email) || !take_field(rec, c.subject) ||
      !parse_seconds(at, c.author_time) || !parse_seconds(ct, c.commit_time) || c.sha.empty())
    throw Error(kExitFailure, "git log: record " + std::to_string(count_) + " is not in the expected format");
  c.body = rec;
  if (!simdjson::validate_utf8(c.subject.data(), c.subject.size())) {
    repair_utf8(c.subject, repaired_);
    c.subject = repaired_;
  }
  if (!simdjson::validate_utf8(c.author_email.data(), c.author_email.size())) {
    repair_utf8(c.author_email, repaired_email_);
    c.author_email = repaired_email_;
  }
  return true;
}

void GitLog::finish(bool stopped_early) {
  int status = child_->wait(stopped_early);
  if (status != 0) {
    std::string why = child_->error_text();
    throw Error(kExitFailure, "git log failed" + (why.empty() ? " (exit " + std::to_string(status) + ")" : ": " + why));
  }
}

}  // namespace ndj
