// Line reader implementation: memchr over big reads, compaction only when a
// line straddles the end of the buffer.
#include "core/line_reader.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/diag.hpp"
#include "core/signals.hpp"

namespace ndj {

namespace {
constexpr size_t kChunk = size_t{4} << 20;

// poll(2) that cannot miss SIGINT/SIGTERM: they are blocked from the last
// check of the stop flag until ppoll unblocks them atomically. A plain poll
// sleeps for ever when the signal lands just before it, e.g. right after the
// wait hook flushed output to a reader that answers with SIGTERM.
int poll_unless_stopped(struct pollfd* p, int timeout_ms) {
  sigset_t stop_signals, old;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old);
  int r = -1;
  if (stop_requested()) {
    errno = EINTR;
  } else {
    struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1'000'000L};
    r = ::ppoll(p, 1, timeout_ms < 0 ? nullptr : &ts, &old);
  }
  int err = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = err;
  return r;
}
}  // namespace

LineReader::LineReader(int fd, std::string name, size_t max_line)
    : fd_(fd), name_(std::move(name)), max_line_(max_line) {
  struct stat st;
  regular_file_ = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  cap_ = std::min(kChunk, max_line_ + 2) ;
  cap_ = std::max(cap_, size_t{4096});
  buf_.reset(new char[cap_ + kLinePadding]);
}

bool LineReader::wait_readable() {
  if (regular_file_) return true;
  struct pollfd p = {fd_, POLLIN, 0};
  for (;;) {
    int r = ::poll(&p, 1, 0);
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return true;  // let read() report it
    if (stop_requested()) return false;
    int timeout = wait_hook_ ? wait_hook_() : -1;
    if (timeout == kStopWaiting) return false;
    r = poll_unless_stopped(&p, timeout);
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return true;
    if (stop_requested()) return false;
  }
}

void LineReader::compact() {
  size_t n = end_ - begin_;
  if (keep_held_ && buf_.use_count() > 1) {
    // Lines of this buffer are still in use: continue in a spare one.
    auto free = std::find_if(spare_.begin(), spare_.end(), [](const auto& b) { return b.use_count() == 1; });
    std::shared_ptr<char[]> next;
    if (free != spare_.end()) next = std::move(*free), spare_.erase(free);
    else next.reset(new char[cap_ + kLinePadding]);
    std::memcpy(next.get(), buf_.get() + begin_, n);
    // A few are kept for reuse; more would only pin memory.
    if (spare_.size() < 2) spare_.push_back(std::move(buf_));
    buf_ = std::move(next);
  } else {
    std::memmove(buf_.get(), buf_.get() + begin_, n);
  }
  end_ -= begin_;
  scan_ -= begin_;
  begin_ = 0;
}

LineReader::Fill LineReader::fill() {
  ++fills_;
  if (begin_ > 0) compact();  // keep the partial line at the front
  if (end_ == cap_) {  // the partial line fills the buffer: grow it
    size_t ncap = std::min(cap_ * 2, max_line_ + 2);
    std::shared_ptr<char[]> nbuf(new char[ncap + kLinePadding]);
    std::memcpy(nbuf.get(), buf_.get(), end_);
    buf_ = std::move(nbuf);
    cap_ = ncap;
    spare_.clear();
  }
  // Checked per refill too: a busy pipe or a regular file never waits.
  if (stop_requested() || !wait_readable()) return Fill::kStopped;
  for (;;) {
    ssize_t n = ::read(fd_, buf_.get() + end_, cap_ - end_);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      return Fill::kData;
    }
    if (n == 0) return Fill::kEof;
    if (errno == EINTR) {
      if (stop_requested()) return Fill::kStopped;
      continue;
    }
    if (errno == EAGAIN) {
      if (!wait_readable()) return Fill::kStopped;
      continue;
    }
    throw Error(kExitFailure, name_ + ": read failed: " + errno_text(errno));
  }
}

LineReader::Status LineReader::next(Line& line) {
  for (;;) {
    char* base = buf_.get();
    if (skipping_) {
      // Discard an over-long line up to its newline, handing it to the sink.
      char* nl = static_cast<char*>(std::memchr(base + begin_, '\n', end_ - begin_));
      size_t stop = nl ? static_cast<size_t>(nl - base) + 1 : end_;
      if (overflow_sink_) overflow_sink_({base + begin_, stop - begin_ - (nl ? 1 : 0)}, nl != nullptr);
      skipped_ += stop - begin_;
      begin_ = scan_ = stop;
      if (nl || eof_) {
        if (!nl && overflow_sink_) overflow_sink_({}, true);
        skipping_ = false;
        offset_ += skipped_;
        line = Line{};
        line.number = line_no_;
        line.raw_size = skipped_;
        line.complete = nl != nullptr;
        return Status::kTooLong;
      }
    } else if (char* nl = static_cast<char*>(std::memchr(base + scan_, '\n', end_ - scan_))) {
      size_t start = begin_;
      size_t stop = static_cast<size_t>(nl - base);
      begin_ = scan_ = stop + 1;
      line.raw_size = begin_ - start;
      offset_ += line.raw_size;
      line.number = ++line_no_;
      line.complete = true;
      line.raw = {base + start, line.raw_size};
      if (stop > start && base[stop - 1] == '\r') --stop;
      if (line.number == 1 && stop - start >= 3 && std::memcmp(base + start, "\xEF\xBB\xBF", 3) == 0) start += 3;
      if (stop - start > max_line_) {
        line.raw = {};
        if (overflow_sink_) overflow_sink_({base + start, stop - start}, true);
        line.text = {};
        return Status::kTooLong;
      }
      line.text = {base + start, stop - start};
      return Status::kLine;
    } else {
      scan_ = end_;
      if (end_ - begin_ > max_line_) {
        // Too long: report the line once we've skipped to its end.
        skipping_ = true;
        skipped_ = 0;
        ++line_no_;
        continue;
      }
    }
    if (eof_) {
      if (begin_ == end_) return Status::kEof;
      // A last line without a newline: hand it out, marked incomplete.
      size_t start = begin_, stop = end_;
      begin_ = scan_ = end_;
      line.raw_size = stop - start;
      offset_ += line.raw_size;
      line.number = ++line_no_;
      line.complete = false;
      line.raw = {};
      if (stop > start && base[stop - 1] == '\r') --stop;
      if (line.number == 1 && stop - start >= 3 && std::memcmp(base + start, "\xEF\xBB\xBF", 3) == 0) start += 3;
      std::memset(base + stop, ' ', kLinePadding);
      line.text = {base + start, stop - start};
      return Status::kLine;
    }
    switch (fill()) {
      case Fill::kData: break;
      case Fill::kEof: eof_ = true; break;
      case Fill::kStopped: return Status::kStopped;
    }
  }
}

}  // namespace ndj
