// Files the tools create: replaced atomically, mode 0600 (DESIGN.md §1),
// and advisory locks to serialise writers. Whoever can write a directory the
// tools write in must not be able to make them write anywhere else: temp
// files get new, unguessable names, and no file the tools create or append
// to is opened through a symbolic link.
#pragma once
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/diag.hpp"

namespace ndj {

// Thrown when a path that a tool would open names a symbolic link:
// "PATH: is a symbolic link; refusing to follow it".
class SymlinkRefused : public Error {
 public:
  explicit SymlinkRefused(const std::string& path);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes a new temp file (create_temp_at), fsyncs it, renames it over `path`
// and fsyncs the directory: readers see the old or the new content, whole,
// even after a crash. A symbolic link at `path` is replaced, not followed.
// Throws Error(1) naming the file on failure (the temp file is removed).
void write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0600);

// Creates the temp file that will replace `name` in the directory open at
// dir_fd: NAME.tmp.PID.XXXXXX (XXXXXX random), mode 0600, with
// O_CREAT|O_EXCL|O_NOFOLLOW, so nothing planted at a name (a link to another
// file) is ever opened. The PID lets remove_stale_temps find a killed run's
// file. Returns a descriptor open for reading and writing and sets
// `temp_name` (relative to dir_fd); or -1 with errno, `temp_name` then being
// the last name tried.
int create_temp_at(int dir_fd, const std::string& name, std::string& temp_name);

// open(2) with O_NOFOLLOW|O_CLOEXEC, for the files tools append to or lock:
// throws SymlinkRefused if `path` names a symbolic link; other failures
// return -1 with errno set.
int open_no_follow(const std::string& path, int flags, mode_t mode = 0600);

// The directory holding `path`, opened for use with the *at(2) calls; -1 with
// errno on failure.
int open_parent_dir(const std::string& path);

// Reads a whole file; nullopt if it does not exist; throws Error(1) otherwise.
std::optional<std::string> read_file(const std::string& path);
// Reads an open descriptor to its end (`name` for errors); throws Error(1).
std::string read_fd(int fd, const std::string& name);

// Removes temp files next to `path` (NAME.tmp.PID.XXXXXX, and NAME.tmp.PID
// from older versions) left by processes that no longer exist (a run killed
// between write and rename). Names are only unlinked, never opened: a link
// found there goes, its target is not touched.
void remove_stale_temps(const std::string& path);
// The same for `name` in the directory open at dir_fd.
void remove_stale_temps_at(int dir_fd, const std::string& name);

// flock(2) held for the object's lifetime.
class FileLock {
 public:
  // Opens (creating, 0600) `lock_path` and takes an exclusive lock, waiting
  // at most timeout_ms (-1: for ever). Throws Error(1) on failure or timeout,
  // SymlinkRefused if `lock_path` is a symbolic link.
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
// The last component of a path.
std::string base_name(const std::string& path);
// Absolute, lexically normalised path (symlinks not resolved).
std::string absolute_path(const std::string& path);

}  // namespace ndj
