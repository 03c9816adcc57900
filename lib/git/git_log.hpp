// Reading a git repository through the git binary: locating it, resolving
// revisions, and streaming `git log` in a fixed machine-readable format.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/child_process.hpp"

namespace ndj {

// One commit as `git log` printed it. Views into the reader's buffer,
// valid until the next GitLog::next().
struct GitCommit {
  std::string_view sha;
  std::string_view parents;  // space-separated shas, empty for a root
  int64_t author_time = 0;   // seconds since the epoch
  int64_t commit_time = 0;
  std::string_view author_email;  // after .mailmap
  std::string_view subject;  // UTF-8 (invalid bytes replaced by U+FFFD)
  std::string_view body;
  // With GitLog's `names`: the paths it changes against any of its parents
  // (a merge against each in turn); the first `first_parent_names` against
  // its first parent. Views valid until the next GitLog::next().
  std::span<const std::string_view> names;
  size_t first_parent_names = 0;

  size_t parent_count() const;
  std::string_view first_parent() const { return parents.substr(0, parents.find(' ')); }
};

class GitRepo {
 public:
  // Checks that `dir` is inside a work tree or is a git directory (bare
  // repositories included). Throws Error(1) "DIR: not a git repository".
  explicit GitRepo(std::string dir);

  // argv for `git -C DIR ARGS...`, with settings that would change the
  // output format (signatures, colours, pagers) turned off.
  std::vector<std::string> command(const std::vector<std::string>& args) const;

  // The commit a revision names, or nullopt.
  std::optional<std::string> resolve_commit(const std::string& rev) const;
  // The commits whose ids begin with `prefix` (4 or more hex digits), as
  // the repository holds them now: none, one, or several when an
  // abbreviation written long ago has become ambiguous.
  std::vector<std::string> commits_with_prefix(const std::string& prefix) const;
  // The remote's default branch (origin/HEAD), else main, else master,
  // else HEAD; nullopt in a repository without commits.
  std::optional<std::string> default_branch() const;
  // The commits where a shallow clone's history was cut (empty when the
  // clone is complete).
  std::vector<std::string> shallow_boundary() const;

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

// Streams `git log` over `revs`, newest first, children always before
// their parents (--topo-order). With `names`, each commit also carries the
// paths it changes (--name-only against every parent, renames as a delete
// and an add), so one walk can tell which paths every commit touches.
class GitLog {
 public:
  GitLog(const GitRepo& repo, const std::vector<std::string>& revs, bool names = false);
  // False at the end. Throws Error(1) on a record git did not format as
  // asked (which means the output is not what we think it is).
  bool next(GitCommit& c);
  // Waits for git; throws Error(1) with git's message when it failed.
  // `stopped_early`: we stopped reading, git is told to stop.
  void finish(bool stopped_early = false);

 private:
  // With names: the commit's record and its names are read ahead of the
  // next record (git repeats a merge's record once per parent), so they are
  // copies that outlive the child's buffer.
  bool next_with_names(std::string_view& rec);

  std::unique_ptr<ChildProcess> child_;
  std::string repaired_;  // a subject whose invalid UTF-8 was replaced
  std::string repaired_email_;
  uint64_t count_ = 0;
  bool names_ = false;
  std::string head_, ahead_;  // with names: this commit's record, the next one's
  std::string name_bytes_;
  std::vector<size_t> name_ends_;
  std::vector<std::string_view> name_views_;
  size_t first_parent_names_ = 0;
};

// Starts `git log` listing the shas of the commits under `revs` that touch
// `paths` (every such commit: --full-history); read them with shas().
class GitPathFilter {
 public:
  GitPathFilter(const GitRepo& repo, const std::vector<std::string>& revs,
                const std::vector<std::string>& paths);
  // Calls `sink` with each sha, then waits for git (Error(1) if it failed).
  template <typename Sink>
  void shas(Sink&& sink) {
    std::string_view sha;
    while (child_->next(sha, '\0'))
      if (!sha.empty()) sink(sha);
    finish();
  }

 private:
  void finish();
  std::unique_ptr<ChildProcess> child_;
};

// The lines of a command's output (trailing newline dropped).
std::vector<std::string> split_lines(std::string_view text);

}  // namespace ndj
