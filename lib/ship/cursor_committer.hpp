// Commits of acknowledged positions to the cursor file, kept off the
// request path: a commit (lock, read-merge-write, two fsyncs) takes a
// millisecond or more, and a loop that made one per mark spent its time
// waiting for the disk instead of driving the transfers. Positions are
// coalesced (the newest per file) and written by a thread of its own at most
// once per interval; what is still pending at the end is written by finish().
#pragma once
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/cursor.hpp"
#include "core/timefmt.hpp"

namespace ndj {

// What the commits since the last CursorCommitter::take_report() did.
struct CommitReport {
  std::optional<CursorState> state;  // the cursor after the latest commit; nullopt: none since
  std::vector<std::string> dropped;  // paths of the entries the sweeps dropped
};

class CursorCommitter {
 public:
  // `interval` 0: every add() commits at once, on the calling thread.
  CursorCommitter(std::string path, TimeNs interval);
  // Stops the thread and commits what is still pending, as finish() does
  // but without sweeping: after an error elsewhere (exit 1) the cursor
  // still holds every acknowledged mark. A failed commit is not reported
  // there (the cursor stays older: duplicates, never loss).
  ~CursorCommitter();
  CursorCommitter(const CursorCommitter&) = delete;
  CursorCommitter& operator=(const CursorCommitter&) = delete;

  const CursorFile& file() const { return file_; }

  // Positions whose records are all acknowledged, oldest first
  // (AckWindow::take_releasable): committed within the interval.
  void add(std::vector<FilePosition> positions);
  // Stops the thread, then commits what is pending, and sweeps the entries
  // of files gone after they were shipped, on the calling thread. After a
  // failed commit it commits nothing: take_report() throws.
  void finish();
  // Rethrows the error of a failed commit (Error(1): the cursor file could
  // not be read or written); after one, nothing more is committed.
  CommitReport take_report();

 private:
  using Clock = std::chrono::steady_clock;
  void run();
  void stop_thread();
  // Writes pending_ (and sweeps when it is time, or `final`); called with
  // mu_ held through `lock`, which it releases while the file is written.
  void commit_pending(std::unique_lock<std::mutex>& lock, bool final);

  CursorFile file_;
  Clock::duration interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  // Guarded by mu_:
  std::vector<FilePosition> pending_;  // one per file (same_file), the newest
  CommitReport report_;
  std::exception_ptr error_;
  bool stopping_ = false;
  Clock::time_point next_commit_ = Clock::time_point::min();
  Clock::time_point next_sweep_ = Clock::time_point::min();
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace ndj
