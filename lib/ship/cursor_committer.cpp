// CursorCommitter: the committing thread and the coalescing of positions.
#include "ship/cursor_committer.hpp"

#include <algorithm>
#include <utility>

#include "core/signals.hpp"

namespace ndj {

namespace {
// Entries of files gone after being shipped are looked for this often.
constexpr std::chrono::seconds kSweepEvery{5};
}  // namespace

CursorCommitter::CursorCommitter(std::string path, TimeNs interval)
    : file_(std::move(path)), interval_(std::chrono::nanoseconds(interval)) {
  if (interval_ == Clock::duration::zero()) return;
  BlockSignals blocked;
  thread_ = std::thread([this] { run(); });
}

CursorCommitter::~CursorCommitter() {
  stop_thread();
  std::unique_lock lock(mu_);
  if (!error_ && !pending_.empty()) commit_pending(lock, false);
}

void CursorCommitter::add(std::vector<FilePosition> positions) {
  if (positions.empty()) return;
  std::unique_lock lock(mu_);
  // A file's newer position replaces its older one. Files are told apart by
  // identity, since rotated generations of a log may share a path.
  for (auto& p : positions) {
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const FilePosition& q) { return same_file(p, q); });
    if (it == pending_.end()) pending_.push_back(std::move(p));
    else *it = std::move(p);
  }
  if (thread_.joinable()) wake_.notify_one();
  else if (!error_) commit_pending(lock, false);
}

void CursorCommitter::finish() {
  stop_thread();
  std::unique_lock lock(mu_);
  if (!error_) commit_pending(lock, true);
}

CommitReport CursorCommitter::take_report() {
  std::lock_guard lock(mu_);
  if (error_) std::rethrow_exception(error_);
  return std::exchange(report_, {});
}

void CursorCommitter::stop_thread() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void CursorCommitter::run() {
  std::unique_lock lock(mu_);
  while (!error_) {
    wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    // At most one commit per interval: positions that come meanwhile share
    // the next one.
    wake_.wait_until(lock, next_commit_, [&] { return stopping_; });
    // finish() commits what is still pending, on its own thread.
    if (stopping_) return;
    commit_pending(lock, false);
  }
}

void CursorCommitter::commit_pending(std::unique_lock<std::mutex>& lock, bool final) {
  std::vector<FilePosition> positions = std::exchange(pending_, {});
  Clock::time_point now = Clock::now();
  bool sweep = final || now >= next_sweep_;
  if (sweep) next_sweep_ = now + kSweepEvery;
  next_commit_ = now + interval_;
  lock.unlock();
  std::vector<std::string> dropped;
  std::optional<CursorState> state;
  std::exception_ptr error;
  try {
    state = file_.commit(positions, sweep, &dropped);
  } catch (...) {
    error = std::current_exception();
  }
  lock.lock();
  if (error) {
    error_ = error;
    return;
  }
  report_.state = std::move(state);
  report_.dropped.insert(report_.dropped.end(), dropped.begin(), dropped.end());
}

}  // namespace ndj
