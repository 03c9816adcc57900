// ndj-git --prs: an export of merged pull requests (gh pr list --json) or
// merge requests (GitLab's API), so that a change squashed into one commit
// at the merge gets a lead time that starts where its work started.
#pragma once
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/choices.hpp"
#include "git/deployment_walk.hpp"

namespace ndj {

// Where the lead time of a change merged by a pull request starts.
enum class LeadTimeFrom {
  kFirstCommit,  // the earliest author time of its commits; its creation when the export lists none
  kPrCreated,    // its creation
};
extern const Choices<LeadTimeFrom> kLeadTimeFrom;  // first-commit, pr-created

struct PullRequest {
  uint64_t number = 0;                  // gh's "number", GitLab's "iid"
  int64_t created = 0;                  // seconds
  std::optional<int64_t> merged;        // seconds; none when not merged (or not given)
  std::optional<int64_t> first_commit;  // seconds; none when the export lists no commits
  bool names_commit = false;            // gives a merge or squash commit
  bool used = false;                    // and that commit was read from the history

  int64_t start(LeadTimeFrom from) const {
    return from == LeadTimeFrom::kFirstCommit && first_commit ? *first_commit : created;
  }
};

class PullRequests {
 public:
  // Parses `text`, the content of `file` (which error messages name): one
  // JSON array of gh's objects ("number", "createdAt", "mergedAt",
  // "mergeCommit":{"oid"}, "commits":[{"authoredDate"}]) or GitLab's
  // ("iid", "created_at", "merged_at", "merge_commit_sha",
  // "squash_commit_sha"); other members are ignored. Throws
  // Error(kExitDataError) "FILE: [3].mergedAt: expected ..." on anything
  // else, before any record is written.
  static PullRequests parse(std::string_view text, const std::string& file);
  // Reads and parses `file`; Error(kExitFailure) when it cannot be read.
  static PullRequests load(const std::string& file);

  // The pull request whose merge (or squash) commit is `sha`, marked used;
  // nullptr when none is. One hash lookup.
  const PullRequest* match(std::string_view sha);

  // Those merged in [since, until) (seconds) that no match() found, in two
  // counts: naming a commit that was not read, and naming none (GitLab's
  // fast-forward merges without squash).
  struct Unused {
    uint64_t not_read = 0;
    uint64_t no_commit = 0;
  };
  Unused unused(int64_t since, int64_t until) const;

  size_t size() const { return prs_.size(); }

 private:
  static PullRequests parse_padded(const simdjson::padded_string& text, const std::string& file);

  std::vector<PullRequest> prs_;
  ShaMap<uint32_t> by_commit_;  // merge or squash commit -> index in prs_
};

}  // namespace ndj
