// inotify on directories rather than files: one watch sees appends to every
// file in it, and also the creations and renames that rotation makes.
#include "tail/dir_watch.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>

namespace ndj {

namespace {
constexpr uint32_t kNameEvents = IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_ATTRIB |
                                 IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW | IN_IGNORED;
}

DirWatch::DirWatch(bool use_inotify) {
  if (use_inotify) fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
}

DirWatch::~DirWatch() {
  if (fd_ >= 0) ::close(fd_);
}

void DirWatch::watch(const std::string& dir) {
  if (fd_ < 0 || watched_.count(dir)) return;
  if (::inotify_add_watch(fd_, dir.c_str(), IN_MODIFY | kNameEvents) >= 0) {
    watched_.insert(dir);
    unwatched_.erase(dir);
  } else {
    unwatched_.insert(dir);
  }
}

DirWatch::Events DirWatch::wait(int timeout_ms) {
  Events ev;
  if (fd_ < 0) {
    if (timeout_ms > 0) ::poll(nullptr, 0, timeout_ms);  // EINTR ends it early
    return ev;
  }
  struct pollfd p = {fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return ev;
  alignas(struct inotify_event) char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (char* q = buf; q < buf + n;) {
      auto* e = reinterpret_cast<struct inotify_event*>(q);
      ev.any = true;
      if (e->mask & kNameEvents) ev.names = true;
      if (e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        // The directory itself went away: watch it again when it is back.
        watched_.clear();
      }
      q += sizeof(struct inotify_event) + e->len;
    }
  }
  return ev;
}

}  // namespace ndj
