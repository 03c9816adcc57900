// Out-of-order acknowledgements, in-order commits (DESIGN.md §2): bodies get
// sequence numbers in input order, marks remember how many bodies came
// before them, and a mark is released only once all of those are settled.
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include "core/cursor.hpp"

namespace ndj {

class AckWindow {
 public:
  // A new body, in input order; returns its sequence number.
  uint64_t add_body();
  // A mark read after every body added so far.
  void add_mark(FilePosition pos);
  // The body is settled (acknowledged, or kept in a dead-letter file).
  // Settling twice, or an unknown number, is ignored.
  void settle(uint64_t seq);

  // Marks whose bodies are all settled, oldest first, removed from the
  // window. Only the newest position per path is worth committing; the
  // caller may merge.
  std::vector<FilePosition> take_releasable();

  // Bodies added and not yet settled.
  uint64_t unsettled() const { return unsettled_; }
  // Marks still waiting.
  size_t waiting_marks() const { return marks_.size(); }

 private:
  struct PendingMark {
    uint64_t bodies_before;
    FilePosition pos;
  };
  uint64_t base_ = 0;        // every body below this is settled
  std::deque<bool> done_;    // settled flags for base_, base_+1, ...
  std::deque<PendingMark> marks_;
  uint64_t unsettled_ = 0;
};

}  // namespace ndj
