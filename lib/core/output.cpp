// Buffered writer with precise error reporting (a full disk is an error).
#include "core/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/diag.hpp"

namespace ndj {

Output::Output(int fd, size_t capacity)
    : fd_(fd), capacity_(capacity), buf_(new char[capacity]) {
  enlarge_pipe(fd);
}

// Tools flush explicitly at the end of run(); reaching here with data
// means an error is unwinding (say, a --rejects file that cannot be
// created). The complete lines already processed still go out, so the
// error loses nothing before it; a partial line never does. Nothing is
// reported from a destructor: the error in flight is the one to tell.
Output::~Output() {
  if (used_ == 0) return;
  const void* nl = memrchr(buf_.get(), '\n', used_);
  if (!nl) return;
  try {
    write_all(buf_.get(), static_cast<size_t>(static_cast<const char*>(nl) - buf_.get()) + 1);
  } catch (...) {
  }
}

void Output::flush() {
  if (used_ == 0) return;
  size_t n = used_;
  used_ = 0;  // on error, the data is gone either way; don't retry it
  write_all(buf_.get(), n);
}

void Output::write_slow(std::string_view data) {
  flush();
  if (data.size() >= capacity_ / 4) {  // large blocks go out without a copy
    write_all(data.data(), data.size());
  } else {
    std::char_traits<char>::copy(buf_.get(), data.data(), data.size());
    used_ = data.size();
  }
}

void Output::write_all(const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) throw BrokenPipe{};
      throw Error(kExitFailure, "writing output failed: " + errno_text(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void enlarge_pipe(int fd) {
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
#ifdef F_SETPIPE_SZ
    fcntl(fd, F_SETPIPE_SZ, 1 << 20);  // best effort: may exceed pipe-max-size
#endif
  }
}

}  // namespace ndj
