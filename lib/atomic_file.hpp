// Files the tools create: replaced atomically, mode 0600 (DESIGN.md §1),
// and advisory locks to serialise writers.
#pragma once
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace ndj {

// Writes NAME.tmp.PID, fsyncs it, renames it over `path` and fsyncs the
// directory: readers see the old or the new content, whole, even after a
// crash. Throws Error(1) naming the file on failure (the temp file is removed).
void write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0600);

// Reads a whole file; nullopt if it does not exist; throws Error(1) otherwise.
std::optional<std::string> read_file(const std::string& path);

// fsync of the directory holding `path` (after a rename or unlink).
void sync_parent_dir(const std::string& path);

// Removes NAME.tmp.PID files next to `path` left by processes that no longer
// exist (a run killed between write and rename).
void remove_stale_temps(const std::string& path);

// flock(2) held for the object's lifetime.
class FileLock {
 public:
  // Opens (creating, 0600) `lock_path` and takes an exclusive lock, waiting
  // at most timeout_ms (-1: for ever). Throws Error(1) on failure or timeout.
  explicit FileLock(const std::string& lock_path, int timeout_ms = -1);
  // Locks an already open descriptor (not owned).
  static bool lock_fd(int fd, int timeout_ms);
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  int fd_ = -1;
};

// Parent directory of a path ("." for a bare name).
std::string parent_dir(const std::string& path);
// Absolute, lexically normalised path (symlinks not resolved).
std::string absolute_path(const std::string& path);

}  // namespace ndj
