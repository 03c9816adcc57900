// lib/git/: ndj-git: git as a child process, the deployment walk, the
// deployment and change records, pull request exports. Includes core/,
// json/ and git/ only; only ndj-git includes it.
//
// ndj-git's engine: a repository's history read once through git and
// written as the deployment and change records ndj-dora reads.
#pragma once
#include <re2/re2.h>

#include <climits>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/output.hpp"
#include "git/deployment_walk.hpp"
#include "git/pull_requests.hpp"
#include "git/record_writer.hpp"

namespace ndj {

// One service of a monorepo (--service NAME=PATHSPEC): the changes that
// touch one of its pathspecs, and the deployments that hold one of those.
struct ServicePaths {
  std::string name;
  std::vector<std::string> pathspecs;
};

// Whether `path` (from the top of the tree) is under `pathspec` as git
// reads a plain pathspec: the path itself or a directory above it, or with
// a wildcard (* ? [) an fnmatch(3) match where * also crosses slashes.
bool pathspec_matches(std::string_view pathspec, std::string_view path);

struct GitRecordsOptions {
  std::string repo = ".";
  std::string branch;  // empty: GitRepo::default_branch()
  DeployMode mode = DeployMode::kFirstParent;
  std::string tag_glob;        // kTags: the tags that are deployments
  std::vector<std::string> exclude_tags;  // kTags: globs of tags that are not
  bool prereleases = false;    // kTags: pre-release tags are deployments too
  int64_t since = INT64_MIN;   // ns: deployments in [since, until) only
  int64_t until = INT64_MAX;
  std::vector<std::string> paths;  // only changes touching one of these
  // Not with `paths`: each service gets its own changes and deployments,
  // as one run with --path per service would, from one walk.
  std::vector<ServicePaths> services;
  // A CODEOWNERS file (as it is now, for the whole history): changes get
  // "teams", the owners of the paths they touch; deployments their union.
  std::string teams_file;
  RecordFields fields;
  // --prs: the pull requests whose merge commits give changes their start
  // (nullptr: none), read from `prs_file`.
  PullRequests* prs = nullptr;
  std::string prs_file;
  // Subjects (and tag names and messages) of unplanned changes: required.
  const RE2* hotfix = nullptr;
  const RE2* emergency = nullptr;
};

// Writes the records to `out` and flushes it. Warns about what is missing
// (no commits, no matching tags, a shallow clone, pull requests of --prs
// whose commits were not read) and about lead times that can only measure
// merge to deployment (SquashCount). Returns the exit code:
// 0, or 128 + signal when a stop was requested. Throws Error(1) when the
// repository, the branch or git fails.
int write_git_records(const GitRecordsOptions& o, Output& out);

// What a tag's name says of its version: the text before the first digit
// ("jq-", "v", "curl-"), the numbers after it up to the first letter
// ("1.7rc1": 1, 7; "curl-7_80_0": 7, 80, 0), and whether that letter run
// makes it a pre-release (alpha, beta, rc, pre, preview, dev, snapshot,
// nightly, canary: "jq-1.7rc1", "v2.0.0-beta.2", "1.4.0-RC3").
struct TagVersion {
  std::string prefix;
  std::vector<uint64_t> numbers;  // empty: no version in the name
  bool prerelease = false;
};
TagVersion tag_version(std::string_view name);
// True when both name versions of one family (same prefix) and `a`'s is
// older: lower numbers, or the same numbers as a pre-release of `b`.
bool older_version(const TagVersion& a, const TagVersion& b);

// The changes on the branch's first-parent line (the commits that landed
// as they are: squash and rebase merges, direct commits) and how many of
// them have a "time" equal to their commit time, to the second: git kept
// no earlier time for them, so their lead time starts at the merge. Branch
// commits of a merge are left out: made with `git commit`, they are
// authored when committed too, yet their lead time runs from that commit.
struct SquashCount {
  uint64_t changes = 0;
  uint64_t authored_when_committed = 0;

  // At least 20 changes, 80% or more of them authored when committed.
  bool high() const { return changes >= 20 && authored_when_committed * 100 >= changes * 80; }
  // "97% of the 1,929 changes on the first-parent line were authored when
  // committed ...", with what to do; `prs_file`: the --prs export, if any.
  std::string warning(const std::string& prs_file) const;
};

// `Revert "SUBJECT"` or, as squash-merged revert pull requests put it,
// `Revert "SUBJECT" (#125)`: the reverted commit's subject, or empty.
std::string_view reverted_subject(std::string_view subject);

// `This reverts commit SHA.`, the line `git revert` writes: the SHA (7 hex
// digits or more), or empty.
std::string_view reverted_sha(std::string_view body);

}  // namespace ndj
