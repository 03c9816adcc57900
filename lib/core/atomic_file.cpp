// Atomic replacement and locking, as sponge(1) and every careful database
// do, in directories other users may write to, as mkstemp(3) does.
#include "core/atomic_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>

namespace ndj {

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::absolute(path, ec);
  if (ec) return path;
  return p.lexically_normal().string();
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

int open_parent_dir(const std::string& path) {
  return ::open(parent_dir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

SymlinkRefused::SymlinkRefused(const std::string& path)
    : Error(kExitFailure, path + ": is a symbolic link; refusing to follow it"), path_(path) {}

int open_no_follow(const std::string& path, int flags, mode_t mode) {
  int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd >= 0 || errno != ELOOP) return fd;
  // ELOOP also means too many links in the directories above: only a link
  // at the path itself is refused by name.
  int err = errno;
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) throw SymlinkRefused(path);
  errno = err;
  return -1;
}

namespace {

constexpr std::string_view kTempAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr size_t kTempRandomChars = 6;

// Six characters nobody else can predict, as mkstemp(3) makes; the clock is
// only a fallback (O_EXCL keeps us safe whatever the name).
std::string random_suffix() {
  unsigned char bytes[kTempRandomChars];
  ssize_t got;
  do got = ::getrandom(bytes, sizeof bytes, 0);
  while (got < 0 && errno == EINTR);
  if (got != static_cast<ssize_t>(sizeof bytes)) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = static_cast<uint64_t>(ts.tv_nsec) * 0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(ts.tv_sec);
    for (auto& b : bytes) b = static_cast<unsigned char>(x >>= 8);
  }
  std::string s;
  for (unsigned char b : bytes) s.push_back(kTempAlphabet[b % kTempAlphabet.size()]);
  return s;
}

// The PID of a temp file name for `prefix` (NAME.tmp.), or -1 if the name is
// not one: NAME.tmp.PID.XXXXXX, or NAME.tmp.PID as older versions wrote.
pid_t temp_file_pid(std::string_view name, std::string_view prefix) {
  if (name.substr(0, prefix.size()) != prefix) return -1;
  name.remove_prefix(prefix.size());
  auto dot = name.find('.');
  std::string_view pid_text = name.substr(0, dot);
  if (pid_text.empty() || pid_text.size() > 9 || pid_text.find_first_not_of("0123456789") != std::string_view::npos)
    return -1;  // nine digits: above any pid_max, and no overflow
  if (dot != std::string_view::npos) {
    std::string_view random = name.substr(dot + 1);
    if (random.size() != kTempRandomChars || random.find_first_not_of(kTempAlphabet) != std::string_view::npos)
      return -1;
  }
  return static_cast<pid_t>(std::stol(std::string(pid_text)));
}

}  // namespace

int create_temp_at(int dir_fd, const std::string& name, std::string& temp_name) {
  std::string prefix = name + ".tmp." + std::to_string(::getpid()) + ".";
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_name = prefix + random_suffix();
    int fd = ::openat(dir_fd, temp_name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;  // EEXIST: someone is filling the directory with our names
}

void write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
  int dir = open_parent_dir(path);
  if (dir < 0) throw Error(kExitFailure, path + ": " + errno_text(errno));
  std::string name = base_name(path), tmp;
  int fd = create_temp_at(dir, name, tmp);
  if (fd < 0) {
    int err = errno;
    ::close(dir);
    // Named with the directory as the user wrote it.
    throw Error(kExitFailure, path.substr(0, path.size() - name.size()) + tmp + ": " + errno_text(err));
  }
  auto fail = [&](const char* what) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    ::unlinkat(dir, tmp.c_str(), 0);
    ::close(dir);
    throw Error(kExitFailure, path + ": " + what + ": " + errno_text(err));
  };
  ::fchmod(fd, mode);  // created 0600; -o files want 0644
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write failed");
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) fail("fsync failed");
  int closed = ::close(fd);
  fd = -1;
  if (closed != 0) fail("close failed");
  if (::renameat(dir, tmp.c_str(), dir, name.c_str()) != 0) fail("rename failed");
  ::fsync(dir);
  ::close(dir);
}

std::optional<std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw Error(kExitFailure, path + ": " + errno_text(errno));
  }
  try {
    std::string out = read_fd(fd, path);
    ::close(fd);
    return out;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

std::string read_fd(int fd, const std::string& name) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(kExitFailure, name + ": read failed: " + errno_text(errno));
    }
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

void remove_stale_temps(const std::string& path) {
  int dir = open_parent_dir(path);
  if (dir < 0) return;
  remove_stale_temps_at(dir, base_name(path));
  ::close(dir);
}

void remove_stale_temps_at(int dir_fd, const std::string& name) {
  int list_fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (list_fd < 0) return;
  DIR* d = ::fdopendir(list_fd);
  if (!d) {
    ::close(list_fd);
    return;
  }
  std::string prefix = name + ".tmp.";
  while (struct dirent* e = ::readdir(d)) {
    pid_t pid = temp_file_pid(e->d_name, prefix);
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(pid, 0) == 0 || errno == EPERM) continue;  // still running
    // A directory is nobody's temp file; anything else only loses its name.
    struct stat st;
    if (::fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode)) continue;
    ::unlinkat(dir_fd, e->d_name, 0);
  }
  ::closedir(d);
}

bool FileLock::lock_fd(int fd, int timeout_ms) {
  if (timeout_ms < 0) {
    while (::flock(fd, LOCK_EX) != 0)
      if (errno != EINTR) return false;
    return true;
  }
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno != EWOULDBLOCK && errno != EINTR) return false;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1'000'000;
    if (elapsed >= timeout_ms) {
      errno = EWOULDBLOCK;
      return false;
    }
    struct timespec pause = {0, 2'000'000};
    nanosleep(&pause, nullptr);
  }
}

FileLock::FileLock(const std::string& lock_path, int timeout_ms) {
  fd_ = open_no_follow(lock_path, O_RDWR | O_CREAT, 0600);
  if (fd_ < 0) throw Error(kExitFailure, lock_path + ": " + errno_text(errno));
  if (!lock_fd(fd_, timeout_ms)) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    throw Error(kExitFailure, lock_path + ": cannot lock: " +
                                  (err == EWOULDBLOCK ? std::string("timed out") : errno_text(err)));
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace ndj
