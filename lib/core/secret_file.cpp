// Reading secrets from files, with one check for every tool.
#include "core/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/diag.hpp"

namespace ndj {

std::optional<std::string> read_secret_file(const std::string& path, std::string_view what) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw Error(kExitFailure, path + ": " + errno_text(errno));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  // The mode of the file we read, not of whatever the path names later.
  struct stat st;
  if (::fstat(fd, &st) != 0) throw Error(kExitFailure, path + ": " + errno_text(errno));
  if (st.st_mode & 077) {
    std::string how = (st.st_mode & 044) ? "readable" : "writable";
    warn(path + ": " + std::string(what) + " is " + how + " by other users (chmod 600)");
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(kExitFailure, path + ": " + errno_text(errno));
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

}  // namespace ndj
