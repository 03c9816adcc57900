// The settled prefix advances as the oldest bodies settle; marks behind it
// are released.
#include "ship/ack_window.hpp"

namespace ndj {

uint64_t AckWindow::add_body() {
  done_.push_back(false);
  ++unsettled_;
  return base_ + done_.size() - 1;
}

void AckWindow::add_mark(FilePosition pos) {
  marks_.push_back({base_ + done_.size(), std::move(pos)});
}

void AckWindow::settle(uint64_t seq) {
  if (seq < base_ || seq - base_ >= done_.size() || done_[seq - base_]) return;
  done_[seq - base_] = true;
  --unsettled_;
  while (!done_.empty() && done_.front()) {
    done_.pop_front();
    ++base_;
  }
}

std::vector<FilePosition> AckWindow::take_releasable() {
  std::vector<FilePosition> out;
  while (!marks_.empty() && marks_.front().bodies_before <= base_) {
    out.push_back(std::move(marks_.front().pos));
    marks_.pop_front();
  }
  return out;
}

}  // namespace ndj
