// A log file read by position rather than as a stream: its identity
// (device, inode, fingerprint; DESIGN.md §3), the offset just past the
// complete lines consumed, the partial last line held back until its newline
// arrives, and detection of truncation or replacement in place. Many of them
// are read in turn through one shared chunk buffer, so a thousand idle files
// cost a thousand descriptors, not a thousand buffers.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cursor.hpp"
#include "core/line_reader.hpp"

namespace ndj {

// One complete line handed out by LogFile::read.
struct LogLine {
  uint64_t offset = 0;    // where it starts in the file
  std::string_view raw;   // the bytes as in the file, newline included
  std::string_view text;  // without "\n" or "\r\n" (and a BOM at offset 0);
                          // kLinePadding readable bytes follow it
};

// Receives what LogFile::read finds, in file order.
class LogLineSink {
 public:
  virtual ~LogLineSink() = default;
  // Returns false to stop before this line: it is not consumed and the
  // next read starts with it again.
  virtual bool line(const LogLine& line) = 0;
  // A sink that returns true here is handed whole runs of complete lines,
  // each shorter than max_line, through lines() instead (none of them
  // starts with a BOM): the fast path when lines need no parsing.
  virtual bool takes_runs() const { return false; }
  // `raw` starts at file offset `offset`. Returns how many of its bytes
  // were consumed (fewer stops before a line, as line() returning false).
  virtual size_t lines(std::string_view raw, uint64_t offset) {
    (void)raw;
    (void)offset;
    return 0;
  }
  // A line longer than max_line, streamed as it is skipped (never held in
  // memory); `last` ends it. Its raw size and start offset come with
  // overlong() once its newline has been read.
  virtual void overlong_part(std::string_view part, bool last) = 0;
  virtual void overlong(uint64_t raw_size, uint64_t offset) = 0;
};

// The read buffer shared by the LogFiles read in turn.
class ChunkBuffer {
 public:
  explicit ChunkBuffer(size_t size) : data_(new char[size + kLinePadding]), size_(size) {}
  char* data() { return data_.get(); }
  size_t size() const { return size_; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_;
};

class LogFile {
 public:
  // Opens `path` read-only. Throws Error(1) "PATH: reason".
  LogFile(std::string path, size_t max_line);
  // Takes over an open descriptor (a decompressed copy of `path`).
  LogFile(int fd, std::string path, size_t max_line);
  ~LogFile();
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  const std::string& path() const { return path_; }
  // The file was renamed: diagnostics and path_moved() follow the new name.
  void set_path(std::string path) { path_ = std::move(path); }
  uint64_t dev() const { return dev_; }
  uint64_t ino() const { return ino_; }
  // Hex XXH3-64 of the first line; empty while the file has no complete
  // first line (nothing is read from it until then).
  const std::string& fingerprint();
  // End of the last complete line consumed: where a restart must begin.
  uint64_t offset() const { return offset_; }
  // True while bytes past offset() have been read but not handed out
  // (a partial last line, or an over-long line being skipped).
  bool holding() const { return read_pos_ > offset_; }

  // Starts at `offset`, which must be a line start (a cursor offset).
  void start_at(uint64_t offset);
  // Starts after the last complete line now in the file.
  void start_at_end();
  // The end of the last complete line now in the file.
  uint64_t complete_end() const;

  enum class Change { kNone, kTruncated, kReplaced };
  // Detects copytruncate (size below what was read) and rewriting in place
  // (the first line changed); either way reading starts again at 0.
  Change check_rewritten();
  // After a change: the first line and the offset read of the content
  // that was replaced (fp empty when nothing of it had been read).
  struct Before {
    std::string fp;
    uint64_t offset = 0;
  };
  const Before& before_change() const { return before_; }

  // Reads at most one chunk at the read position and hands the complete
  // lines in it to `sink`. Returns the bytes read: 0 at end of file, or
  // when the file has no complete first line yet. Throws Error(1) on a read
  // error.
  size_t read(ChunkBuffer& buf, LogLineSink& sink);

  // The number (1-based) of the line starting at `offset`. Lines are not
  // counted while reading, only when a diagnostic asks (incrementally, so
  // many diagnostics cost one pass over the file).
  uint64_t line_number_at(uint64_t offset);

  // The file has been unlinked (its last name removed).
  bool unlinked() const;
  // `path` now names another file, or nothing: the file was renamed away
  // or deleted.
  bool path_moved() const;
  off_t size() const;

 private:
  void restart_at(uint64_t offset);
  void hold(const char* p, size_t n, LogLineSink& sink);
  bool emit(const char* b, const char* e, LogLineSink& sink);

  std::string path_;
  size_t max_line_;
  int fd_ = -1;
  uint64_t dev_ = 0, ino_ = 0;
  std::string fp_;
  Before before_;
  uint64_t offset_ = 0;    // end of the complete lines consumed
  uint64_t read_pos_ = 0;  // next byte to read
  std::string pending_;    // bytes of a partial line past offset_
  bool skipping_ = false;  // inside an over-long line
  uint64_t skipped_ = 0;
  uint64_t counted_to_ = 0;     // newlines before this offset...
  uint64_t counted_lines_ = 0;  // ...number this many
};

// Where to start reading `file` given the cursor entries (DESIGN.md §3).
struct ResumePoint {
  std::optional<uint64_t> offset;  // nullopt: the cursor knows neither it nor its path
  // The cursor read this file further than it now goes (truncated), or
  // read it, same inode, with another first line (rewritten in place):
  // start at 0 and warn; `read_before` is the entry's offset.
  enum class Reset { kNone, kTruncated, kRewritten } reset = Reset::kNone;
  uint64_t read_before = 0;
  bool known = false;              // an entry has this file's identity
  // The entry of this path and first line whose inode is gone: the file
  // was copied back; its entry moves to the copy.
  std::optional<FilePosition> replaces;
};
// `by_path`: allow that match by path and first line (only for the first
// file seen at a path: a later one replaced it during this run).
ResumePoint find_resume_point(const std::vector<CursorEntry>& entries, LogFile& file, bool by_path);

// The files a PATH argument names now: a regular file, the *.ndjson and
// *.jsonl files of a directory, or the matches of a glob pattern. Sorted.
std::vector<std::string> expand_log_path(const std::string& pattern);
bool is_glob(const std::string& pattern);
// The directory whose changes matter for a PATH argument: the directory
// itself, or the one holding the file or the matches (absolute).
std::string log_path_dir(const std::string& pattern);

}  // namespace ndj
