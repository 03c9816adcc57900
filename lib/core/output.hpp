// Buffered stdout writer: large blocks for throughput, flushed by the
// reader whenever it is about to wait for input (DESIGN.md §1).
#pragma once
#include <memory>
#include <string_view>

namespace ndj {

class Output {
 public:
  explicit Output(int fd = 1, size_t capacity = size_t{1} << 20);
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  ~Output();

  void write(std::string_view data) {
    if (data.size() <= capacity_ - used_ && data.size() < capacity_ / 4) {
      std::char_traits<char>::copy(buf_.get() + used_, data.data(), data.size());
      used_ += data.size();
    } else {
      write_slow(data);
    }
  }
  void put(char c) {
    if (used_ == capacity_) flush();
    buf_[used_++] = c;
  }
  // Writes everything buffered. Throws BrokenPipe on EPIPE and
  // Error(1, "writing output failed: ...") on any other error.
  void flush();
  size_t buffered() const { return used_; }

 private:
  void write_slow(std::string_view data);
  void write_all(const char* p, size_t n);

  int fd_;
  size_t capacity_;
  size_t used_ = 0;
  std::unique_ptr<char[]> buf_;
};

// Grows the kernel pipe buffer of fd (if it is a pipe) to 1 MiB: fewer
// context switches between pipeline stages.
void enlarge_pipe(int fd);

}  // namespace ndj
