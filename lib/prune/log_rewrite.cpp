// In-place log rewrite: temp file, flock catch-up, rename, all relative to
// the directory's descriptor.
#include "prune/log_rewrite.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "core/atomic_file.hpp"
#include "core/diag.hpp"

namespace ndj {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int err) {
  throw Error(kExitFailure, path + ": " + what + ": " + errno_text(err));
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

LogRewrite::LogRewrite(const std::string& path, bool follow_symlinks) {
  // Without follow_symlinks only the directory is resolved, so that a link
  // at the path itself is seen, and refused, below.
  char* real = ::realpath((follow_symlinks ? path : parent_dir(path)).c_str(), nullptr);
  if (!real) fail(path, "cannot open", errno);
  target_ = real;
  std::free(real);
  if (!follow_symlinks) {
    if (target_ != "/") target_ += '/';
    target_ += base_name(path);
  }
  name_ = base_name(target_);
  dir_ = ::open(parent_dir(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_ < 0) fail(parent_dir(target_), "cannot open", errno);
  struct Cleanup {  // undoes what is done so far if the constructor throws
    LogRewrite* rw;
    ~Cleanup() {
      if (!rw) return;
      if (rw->tmp_ >= 0) ::unlinkat(rw->dir_, rw->temp_name_.c_str(), 0);
      for (int fd : {rw->tmp_, rw->src_, rw->dir_})
        if (fd >= 0) ::close(fd);
    }
  } cleanup{this};
  // Checked before opening: opening a FIFO would block.
  struct stat pre;
  if (::fstatat(dir_, name_.c_str(), &pre, AT_SYMLINK_NOFOLLOW) != 0) fail(path, "cannot open", errno);
  if (S_ISLNK(pre.st_mode)) throw SymlinkRefused(path);
  if (!S_ISREG(pre.st_mode)) throw Error(kExitFailure, path + ": not a regular file");
  if (!FileLock::lock_fd(dir_, -1)) {
    int err = errno;
    fail(parent_dir(target_), "cannot lock", err);
  }
  remove_stale_temps_at(dir_, name_);
  // O_NOFOLLOW and O_NONBLOCK: the name may have been swapped since the check.
  src_ = ::openat(dir_, name_.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (src_ < 0 && errno == ELOOP) throw SymlinkRefused(path);
  if (src_ < 0) fail(path, "cannot open", errno);
  if (::fstat(src_, &src_st_) != 0) fail(path, "stat failed", errno);
  if (!S_ISREG(src_st_.st_mode)) throw Error(kExitFailure, path + ": not a regular file");
  tmp_ = create_temp_at(dir_, name_, temp_name_);
  int err = errno;
  temp_ = parent_dir(target_) + "/" + temp_name_;
  if (tmp_ < 0) fail(temp_, "cannot create", err);
  // Mode and owner of the original: a rewrite must not change who may
  // read or append to the log.
  struct stat tst;
  bool ok = ::fstat(tmp_, &tst) == 0;
  if (ok && (tst.st_uid != src_st_.st_uid || tst.st_gid != src_st_.st_gid))
    ok = ::fchown(tmp_, src_st_.st_uid, src_st_.st_gid) == 0;
  if (ok) ok = ::fchmod(tmp_, src_st_.st_mode & 07777) == 0;
  if (!ok) fail(path, "cannot give the new file the same owner and mode", errno);
  cleanup.rw = nullptr;
}

LogRewrite::~LogRewrite() {
  if (!done_) ::unlinkat(dir_, temp_name_.c_str(), 0);
  if (tmp_ >= 0) ::close(tmp_);
  if (src_ >= 0) ::close(src_);  // closing releases the locks
  if (dir_ >= 0) ::close(dir_);
}

struct stat LogRewrite::temp_stat() const {
  struct stat st {};
  if (::fstat(tmp_, &st) != 0) fail(temp_, "stat failed", errno);
  return st;
}

void LogRewrite::copy_out(uint64_t begin, uint64_t end, bool append_mode) {
  auto in = static_cast<off_t>(begin);
  // copy_file_range keeps the data in the kernel; it needs a non-append
  // descriptor, and some file systems refuse it.
  while (!append_mode && static_cast<uint64_t>(in) < end) {
    ssize_t n = ::copy_file_range(src_, &in, tmp_, nullptr, end - static_cast<uint64_t>(in), 0);
    if (n > 0) continue;
    if (n == 0) throw Error(kExitFailure, target_ + ": file shrank while being rewritten");
    if (errno == EINTR) continue;
    if (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) break;
    fail(temp_, "write failed", errno);
  }
  constexpr size_t kBuf = size_t{1} << 20;
  std::unique_ptr<char[]> buf;
  while (static_cast<uint64_t>(in) < end) {
    if (!buf) buf.reset(new char[kBuf]);
    size_t want = static_cast<size_t>(std::min<uint64_t>(kBuf, end - static_cast<uint64_t>(in)));
    ssize_t n = ::pread(src_, buf.get(), want, in);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(target_, "read failed", errno);
    if (n == 0) throw Error(kExitFailure, target_ + ": file shrank while being rewritten");
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(tmp_, buf.get() + off, static_cast<size_t>(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) fail(temp_, "write failed", errno);
      off += w;
    }
    in += n;
  }
}

void LogRewrite::copy_range(uint64_t begin, uint64_t end) { copy_out(begin, end, false); }

void LogRewrite::start_writeback() {
  ::sync_file_range(tmp_, 0, 0, SYNC_FILE_RANGE_WRITE);  // advisory: errors show at fsync
}

void LogRewrite::sync_temp() {
  if (::fdatasync(tmp_) != 0) fail(temp_, "fsync failed", errno);
}

bool LogRewrite::lock() {
  while (::flock(src_, LOCK_EX) != 0)
    if (errno != EINTR) fail(target_, "cannot lock", errno);
  while (::flock(tmp_, LOCK_EX) != 0)
    if (errno != EINTR) fail(temp_, "cannot lock", errno);
  struct stat now;
  if (::fstatat(dir_, name_.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0) return false;
  return same_file(now, src_st_);
}

uint64_t LogRewrite::copy_appended(uint64_t from) {
  struct stat st;
  if (::fstat(src_, &st) != 0) fail(target_, "stat failed", errno);
  auto size = static_cast<uint64_t>(st.st_size);
  if (size < from) throw Error(kExitFailure, target_ + ": file was truncated while being rewritten");
  copy_out(from, size, false);
  copied_end_ = size;
  return size;
}

void LogRewrite::replace() {
  if (::fsync(tmp_) != 0) fail(temp_, "fsync failed", errno);
  if (::renameat(dir_, temp_name_.c_str(), dir_, name_.c_str()) != 0) fail(target_, "rename failed", errno);
  done_ = true;
  ::fsync(dir_);
  // A writer that does not lock and opened the old file before the rename
  // may have appended to it since copy_appended(); carry that over. Appending
  // (O_APPEND) so non-locking writers of the new file are not overwritten.
  struct stat st;
  if (::fstat(src_, &st) == 0 && static_cast<uint64_t>(st.st_size) > copied_end_) {
    int flags = ::fcntl(tmp_, F_GETFL);
    if (flags >= 0 && ::fcntl(tmp_, F_SETFL, flags | O_APPEND) == 0) {
      copy_out(copied_end_, static_cast<uint64_t>(st.st_size), true);
      copied_end_ = static_cast<uint64_t>(st.st_size);
      ::fsync(tmp_);
    }
  }
}

void LogRewrite::remove() {
  if (::unlinkat(dir_, name_.c_str(), 0) != 0) fail(target_, "cannot remove", errno);
  ::fsync(dir_);
}

}  // namespace ndj
