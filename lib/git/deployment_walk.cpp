// The walk: git prints every child before its parents, so when a commit
// arrives all the deployments that contain it are known, and its own is the
// oldest of them. Parents inherit that as a candidate; a deployment is
// complete when no unseen commit carries it as a candidate any more.
#include "git/deployment_walk.hpp"

#include <algorithm>

namespace ndj {

namespace {
constexpr int64_t kNone = INT64_MAX;
}

DeploymentWalk::DeploymentWalk(DeployMode mode, std::string branch_tip, std::vector<TagDeploy> tags)
    : mode_(mode), next_mainline_(std::move(branch_tip)), tags_(std::move(tags)) {
  for (size_t i = 0; i < tags_.size(); ++i) tag_index_.emplace(tags_[i].commit, i);
}

void DeploymentWalk::open(Deployment d) {
  touched_.push_back(d.rank);
  open_.emplace(d.rank, std::move(d));
}

void DeploymentWalk::lower(int64_t rank) {
  auto it = open_.find(rank);
  if (it != open_.end() && it->second.pending > 0) {
    --it->second.pending;
    touched_.push_back(rank);
  }
}

const Deployment* DeploymentWalk::add(const GitCommit& c, const ChangeFacts& facts) {
  std::string_view sha = c.sha;
  int64_t rank = kNone;
  if (auto it = frontier_.find(sha); it != frontier_.end()) {
    rank = it->second;
    lower(rank);
    frontier_.erase(it);
  }

  bool on_mainline = mode_ != DeployMode::kTags && c.sha == next_mainline_;
  if (on_mainline) {
    next_mainline_ = std::string(c.first_parent());
    mainline_time_ = c.commit_time;
    if (mode_ == DeployMode::kFirstParent || c.parent_count() > 1) {
      Deployment d;
      d.id = std::string(sha);
      d.time = c.commit_time;
      d.rank = --mainline_rank_;
      d.mainline = true;
      rank = std::min(rank, d.rank);
      open(std::move(d));
    }
  } else if (mode_ == DeployMode::kTags) {
    auto [first, last] = tag_index_.equal_range(sha);
    for (auto it = first; it != last; ++it) {
      const TagDeploy& t = tags_[it->second];
      Deployment d;
      d.id = t.name;
      d.time = t.time;
      d.rank = static_cast<int64_t>(it->second);
      d.unplanned = t.unplanned;
      d.emergency = t.emergency;
      rank = std::min(rank, d.rank);
      open(std::move(d));
    }
  }
  if (rank == kNone) return nullptr;

  Deployment& dep = open_.at(rank);
  touched_.push_back(rank);
  if (facts.kept && facts.listed) {
    dep.sha_size = c.sha.size();
    dep.changes.append(c.sha);
    ++dep.change_count;
  }
  if (facts.kept) {
    dep.unplanned |= facts.unplanned;
    dep.emergency |= facts.emergency;
  }
  dep.incomplete |= facts.shallow_boundary;
  take_reverts(reverted_by_, sha, dep);
  if (!reverted_subject_by_.empty()) take_reverts(reverted_subject_by_, c.subject, dep);
  // A revert outside the changes kept (another service's) does not roll
  // back this one's deployments: their deployment of it is not this one's.
  if (facts.kept && !facts.reverts.empty())
    reverted_by_[std::string(facts.reverts)].push_back(rank);
  else if (facts.kept && !facts.reverted_subject.empty())
    reverted_subject_by_[std::string(facts.reverted_subject)].push_back(rank);

  std::string_view parents = c.parents;
  while (!parents.empty()) {
    size_t sp = parents.find(' ');
    std::string_view p = parents.substr(0, sp);
    parents.remove_prefix(sp == std::string_view::npos ? parents.size() : sp + 1);
    // The next first-parent commit is a deployment of its own, older than
    // this one: handing it this candidate would only delay completion.
    if (mode_ == DeployMode::kFirstParent && on_mainline && p == next_mainline_) continue;
    auto [it, fresh] = frontier_.emplace(std::string(p), rank);
    if (fresh) {
      ++dep.pending;
    } else if (rank < it->second) {
      lower(it->second);
      it->second = rank;
      ++dep.pending;
    }
  }
  return &dep;
}

bool DeploymentWalk::rolls_back(int64_t by, int64_t rank) const {
  // A release is rolled back by a revert in the release after it; a revert
  // shipped several releases later undoes a change, not that release.
  if (mode_ != DeployMode::kTags) return by > rank;
  return tags_[static_cast<size_t>(by)].release == tags_[static_cast<size_t>(rank)].release + 1;
}

void DeploymentWalk::take_reverts(ShaMap<std::vector<int64_t>>& by, std::string_view key, Deployment& dep) {
  auto it = by.find(key);
  if (it == by.end()) return;
  for (int64_t r : it->second) dep.rolled_back |= rolls_back(r, dep.rank);
  by.erase(it);
}

void DeploymentWalk::take_completed(const std::function<void(const Deployment&)>& sink) {
  for (int64_t rank : touched_) {
    auto it = open_.find(rank);
    if (it == open_.end() || it->second.pending > 0) continue;
    sink(it->second);
    open_.erase(it);
  }
  touched_.clear();
}

void DeploymentWalk::take_all(const std::function<void(const Deployment&)>& sink) {
  touched_.clear();
  std::vector<int64_t> ranks;
  for (const auto& [rank, d] : open_) ranks.push_back(rank);
  std::sort(ranks.begin(), ranks.end());
  for (int64_t rank : ranks) sink(open_.at(rank));
  open_.clear();
  frontier_.clear();
}

bool DeploymentWalk::done_before(int64_t since) const {
  if (mode_ == DeployMode::kTags || mainline_time_ >= since) return false;
  for (const auto& [rank, d] : open_)
    if (d.time >= since) return false;
  return true;
}

}  // namespace ndj
