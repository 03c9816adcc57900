// Which deployment shipped each commit, worked out in one newest-first pass
// over a topologically ordered history (git log --topo-order): a commit
// belongs to the oldest deployment whose commit contains it. Memory holds
// only the open deployments and the frontier of the walk, never the history.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "git/git_log.hpp"

namespace ndj {

enum class DeployMode {
  kFirstParent,  // every commit on the branch's first-parent line
  kMerges,       // merge commits on the branch's first-parent line
  kTags,         // commits named by tags
};

// A tag chosen as a deployment.
struct TagDeploy {
  std::string name;
  std::string commit;
  int64_t time = 0;        // tagger time, or the commit time of a lightweight tag
  bool unplanned = false;  // its name or message matched a pattern
  bool emergency = false;
  // Counts the releases in time order, not counting a tag on a commit an
  // earlier tag names nor one of an older version than an earlier tag: a
  // revert in release N + 1 rolls release N back.
  int64_t release = 0;
};

// What the caller knows about a commit.
struct ChangeFacts {
  bool kept = true;    // counts for its deployment (e.g. it touches --path)
  bool listed = true;  // and is one of its changes (merges are not)
  bool unplanned = false;
  bool emergency = false;
  bool shallow_boundary = false;  // its parents are missing (shallow clone)
  std::string_view reverts;       // the commit it reverts, when named
  // Otherwise the subject of the commit it reverts (`Revert "SUBJECT"`, as
  // squash-merged revert pull requests say it): matched with the next older
  // commit of that subject.
  std::string_view reverted_subject;
};

struct Deployment {
  std::string id;
  int64_t time = 0;  // seconds
  int64_t rank = 0;  // older deployments have smaller ranks
  std::string changes;  // kept change shas, concatenated
  size_t sha_size = 0;  // hex digits per sha (40, or 64 in SHA-256 repositories)
  size_t change_count = 0;
  bool unplanned = false;
  bool emergency = false;
  bool rolled_back = false;
  bool incomplete = false;  // contains a shallow boundary: changes may be missing
  bool mainline = false;

  std::string_view change(size_t i) const { return std::string_view(changes).substr(i * sha_size, sha_size); }

 private:
  friend class DeploymentWalk;
  size_t pending = 0;  // frontier commits that may still join it
};

// Lets maps keyed by std::string be searched with a string_view, without
// building a string for every commit.
struct ShaHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using ShaMap = std::unordered_map<std::string, V, ShaHash, std::equal_to<>>;

class DeploymentWalk {
 public:
  // `branch_tip`: the first commit of the first-parent line (first-parent
  // and merges modes). `tags`: sorted oldest first (tags mode).
  DeploymentWalk(DeployMode mode, std::string branch_tip, std::vector<TagDeploy> tags = {});

  // The next commit of the walk. Returns its deployment, or nullptr when no
  // deployment contains it; the pointer is valid until take_completed().
  const Deployment* add(const GitCommit& c, const ChangeFacts& facts);

  // Hands over every deployment that can no longer change, then forgets it.
  void take_completed(const std::function<void(const Deployment&)>& sink);
  // At the end of the walk: hands over the rest, oldest first.
  void take_all(const std::function<void(const Deployment&)>& sink);

  // True once the first-parent line has gone past `since` and no
  // deployment at or after `since` is still open: the rest of the history
  // cannot change anything in the window.
  bool done_before(int64_t since) const;

 private:
  void open(Deployment d);
  void lower(int64_t rank);

  DeployMode mode_;
  std::string next_mainline_;
  int64_t mainline_rank_ = 0;
  int64_t mainline_time_ = INT64_MAX;  // time of the last first-parent commit seen
  std::vector<TagDeploy> tags_;
  std::unordered_multimap<std::string, size_t, ShaHash, std::equal_to<>> tag_index_;  // commit -> tags_ index
  std::unordered_map<int64_t, Deployment> open_;
  ShaMap<int64_t> frontier_;             // unseen commit -> candidate rank
  // Whether a revert from the deployment of rank `by` rolls back the
  // deployment of rank `rank`: a later deployment, in tags mode the next
  // release.
  bool rolls_back(int64_t by, int64_t rank) const;
  void take_reverts(ShaMap<std::vector<int64_t>>& by, std::string_view key, Deployment& dep);

  ShaMap<std::vector<int64_t>> reverted_by_;          // commit -> ranks of the reverting deployments
  ShaMap<std::vector<int64_t>> reverted_subject_by_;  // subject -> the same
  std::vector<int64_t> touched_;
};

}  // namespace ndj
