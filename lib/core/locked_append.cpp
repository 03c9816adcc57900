// Lock-then-append, re-checking the file's identity after the lock is held.
#include "core/locked_append.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "core/atomic_file.hpp"
#include "core/diag.hpp"

namespace ndj {

namespace {

int64_t monotonic_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// Never through a link: whoever can write the directory could aim one at
// any file.
int open_for_append(const std::string& path) {
  int fd = open_no_follow(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (fd < 0 && errno == ENOENT) {
    make_dirs(parent_dir(path), 0700);
    fd = open_no_follow(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
  }
  if (fd < 0) throw Error(kExitFailure, path + ": " + errno_text(errno));
  return fd;
}

// True if `path` still names the file open at fd.
bool still_linked(int fd, const std::string& path) {
  struct stat by_fd, by_path;
  if (::fstat(fd, &by_fd) != 0 || ::lstat(path.c_str(), &by_path) != 0) return false;
  return by_fd.st_dev == by_path.st_dev && by_fd.st_ino == by_path.st_ino;
}

}  // namespace

void make_dirs(const std::string& dir, mode_t mode) {
  if (dir.empty() || dir == "." || dir == "/") return;
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) return;
  make_dirs(parent_dir(dir), mode);
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST)
    throw Error(kExitFailure, dir + ": cannot create directory: " + errno_text(errno));
}

void append_locked(const std::string& path, std::string_view lines, int timeout_ms) {
  const int64_t deadline = monotonic_ms() + timeout_ms;
  int fd;
  for (;;) {
    fd = open_for_append(path);
    int wait = timeout_ms < 0 ? -1 : static_cast<int>(std::max<int64_t>(0, deadline - monotonic_ms()));
    if (!FileLock::lock_fd(fd, wait)) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK)
        throw Error(kExitFailure, path + ": cannot lock: still locked by another process after " +
                                      std::to_string(timeout_ms) + "ms");
      throw Error(kExitFailure, path + ": cannot lock: " + errno_text(err));
    }
    if (still_linked(fd, path)) break;
    ::close(fd);  // replaced while we waited: append to the new file
  }
  struct stat st;
  off_t size_before = ::fstat(fd, &st) == 0 ? st.st_size : -1;
  std::string_view left = lines;
  while (!left.empty()) {
    ssize_t n = ::write(fd, left.data(), left.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : ENOSPC;
      // We hold the lock: nobody appended after us, so cutting back is safe.
      if (size_before >= 0) (void)::ftruncate(fd, size_before);
      ::close(fd);
      throw Error(kExitFailure, path + ": write failed: " + errno_text(err));
    }
    left.remove_prefix(static_cast<size_t>(n));
  }
  if (::close(fd) != 0) throw Error(kExitFailure, path + ": close failed: " + errno_text(errno));
}

}  // namespace ndj
