// In-place rewrite of a log file that other processes may be appending to.
// The new content goes to a temp file in the same directory
// (create_temp_at: a new, unguessable name, never a planted link) given the
// mode and owner of the original, which replaces PATH by rename: a reader,
// or a crash at any moment, sees the old file or the new one, whole
// (DESIGN.md §1). Every name is used relative to the directory, opened once,
// so a name swapped for a link meanwhile is never followed.
//
// Appenders: the caller streams the new content, then lock() takes flock(2)
// on the file and copy_appended() copies whatever was written after the part
// it read, so a writer that locks the file (and reopens it when the path
// names another inode once it holds the lock) never loses a record. A writer
// that does not lock is caught up to the moment of the rename.
#pragma once
#include <sys/stat.h>

#include <cstdint>
#include <string>

namespace ndj {

class LogRewrite {
 public:
  // Opens `path` and creates the temp file next to it. A symbolic link at
  // `path` throws SymlinkRefused, unless follow_symlinks: then the file it
  // names is rewritten (next to itself, so a link stays a link). Rewrites in
  // the same directory are serialised by flock(2) on the directory (writers
  // never lock it), so two runs never race on one file. Removes temp files
  // left by killed runs. Throws Error(1) naming the file.
  explicit LogRewrite(const std::string& path, bool follow_symlinks = false);
  LogRewrite(const LogRewrite&) = delete;
  LogRewrite& operator=(const LogRewrite&) = delete;
  // Removes the temp file unless it replaced the original.
  ~LogRewrite();

  int source_fd() const { return src_; }
  // Open for reading and writing; the caller writes the new content here.
  int temp_fd() const { return tmp_; }
  const struct stat& source_stat() const { return src_st_; }
  struct stat temp_stat() const;

  // Copies source bytes [begin, end) to the end of the temp file (a record
  // kept as it is without passing through memory).
  void copy_range(uint64_t begin, uint64_t end);

  // Starts writing the temp file's dirty pages to disk without waiting, so
  // that sync_temp() finds little left to do (call every few MiB written).
  void start_writeback();

  // fsync of the temp file, outside the lock: the bulk of the I/O.
  void sync_temp();

  // Waits for flock(2) on the source (and takes it on the temp file, so
  // locking writers of the new file wait for the catch-up below). False if
  // the path no longer names the source: another process replaced it.
  bool lock();

  // Under lock(): copies source bytes from `from` to the source's current
  // end (records appended since they were read) and returns that end.
  uint64_t copy_appended(uint64_t from);

  // Under lock(): fsync, rename over the path, fsync of the directory; then
  // copies what a non-locking writer still appended to the old file.
  void replace();

  // Under lock(): removes the path instead (nothing is left to keep).
  void remove();

 private:
  void copy_out(uint64_t begin, uint64_t end, bool append_mode);

  std::string target_;  // the file, its directory's symlinks resolved
  std::string temp_;    // the temp file's path, for messages
  std::string name_;    // target_ and temp_ within dir_
  std::string temp_name_;
  int dir_ = -1;
  int src_ = -1;
  int tmp_ = -1;
  struct stat src_st_ {};
  uint64_t copied_end_ = 0;  // source bytes up to here are in the temp file
  bool done_ = false;
};

}  // namespace ndj
