// Waiting for something to happen in the directories holding followed
// files: inotify when the kernel offers it (an append wakes the reader at
// once), else plain sleeping between polls.
#pragma once
#include <set>
#include <string>

namespace ndj {

class DirWatch {
 public:
  // With use_inotify false, or when inotify is unavailable, wait() sleeps.
  explicit DirWatch(bool use_inotify);
  ~DirWatch();
  DirWatch(const DirWatch&) = delete;
  DirWatch& operator=(const DirWatch&) = delete;

  // Watches a directory (again a no-op). A directory that cannot be watched
  // (missing, or the watch limit reached) is left to polling: polling()
  // turns true until a later watch() of it succeeds.
  void watch(const std::string& dir);
  bool polling() const { return fd_ < 0 || !unwatched_.empty(); }

  struct Events {
    bool any = false;    // something changed (data appended, at least)
    bool names = false;  // files were created, renamed or removed
  };
  // Waits at most timeout_ms (-1: no limit) for events; returns early,
  // with no events, when a signal arrives.
  Events wait(int timeout_ms);

 private:
  int fd_ = -1;
  std::set<std::string> watched_, unwatched_;
};

}  // namespace ndj
