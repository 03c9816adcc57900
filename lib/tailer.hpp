// The reading side of ndj-tail: files matched by PATH arguments, read from
// a cursor in chunks, followed through appends, rotation (rename or delete),
// truncation and rewrites, with a checkpoint mark after each chunk
// (DESIGN.md §2). The tool drives it: scan() for the file set, round() for
// data, commit() for --autocommit.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cursor.hpp"
#include "dir_watch.hpp"
#include "json.hpp"
#include "log_file.hpp"
#include "output.hpp"
#include "records.hpp"
#include "timefmt.hpp"

namespace ndj {

struct TailOptions {
  std::vector<std::string> paths;  // files, directories or globs
  std::string cursor;              // --cursor FILE ("" for none)
  bool autocommit = false;
  bool follow = false;
  bool from_end = false;           // --from end: unknown files start at their end
  bool validate = false;
  bool poll = false;               // poll instead of inotify
  InputOptions input;              // --rejects, --strict, --max-line
};

class Tailer : public LogLineSink {
 public:
  Tailer(const TailOptions& o, Output& out);

  // Expands the PATH arguments, retires the files renamed away or deleted
  // and opens the new ones.
  void scan(bool at_start);

  // Reads one chunk from every open file; returns the bytes read.
  size_t round();

  bool any_open() const;
  // Writes the marks written to stdout since the last commit into the
  // cursor file, once they have left our buffer.
  void commit(bool force);
  // Milliseconds until a retired file may be closed (-1: none waiting).
  int retire_due_ms() const;
  DirWatch& watch() { return watch_; }
  bool strict_stopped() const { return strict_stop_; }
  int exit_code() const;

  bool line(const LogLine& l) override;

  // Without --validate, only lines that look like marks need a look: found
  // by a scan of the run rather than a visit to every line.
  bool takes_runs() const override { return !o_.validate; }
  size_t lines(std::string_view raw, uint64_t offset) override;

  void overlong_part(std::string_view part, bool last) override { bad_.quarantine_part(part, last); }
  void overlong(uint64_t raw_size, uint64_t offset) override;

 private:
  // One file being read: the file at a matched path, or a retired one
  // (renamed away or deleted) read to its end before it is closed.
  struct Source {
    std::unique_ptr<LogFile> file;
    std::string mark_path;  // absolute: the key of its cursor entry ("" for none)
    FilePosition marked;    // the position last marked, or found in the cursor
    TimeNs last_data = 0;
    bool done = false;      // without --follow: read to its end once
  };

  void flush_run();
  // Reports a bad line; false with --strict (the line is left unread).
  bool reject(const LogLine& l, const std::string& why);
  void open(const std::string& path, Source& s, bool at_start);
  // The open file with this identity that moved away from its path.
  Source* find_open(uint64_t dev, uint64_t ino, const Source* except);

  // A file renamed away or deleted is read to its end (and a little
  // longer, for late writers) while the new file at its path is read from 0.
  // Its marks name it where it lives now, so they never overwrite the entry
  // of the new file; a deleted one gets none.
  void retire(Source& s);

  // Files that were rotated while no one was reading: a cursor entry for
  // a file in one of our directories whose inode is still there (under any
  // name no PATH matches) with unread data is finished first.
  void resume_rotated();

  bool matched(uint64_t dev, uint64_t ino) const;
  // Reads one chunk of `s`; closes it at its end (without --follow) or
  // after the grace period (retired).
  size_t step(Source& s);
  // A mark when the file's position moved since the last one.
  void mark(Source& s);

  const TailOptions& o_;
  Output& out_;
  BadLines bad_;
  JsonParser parser_;
  ChunkBuffer buf_;
  DirWatch watch_;
  std::unique_ptr<CursorFile> cursor_;
  std::vector<CursorEntry> entries_;
  std::vector<CursorEntry> pending_;  // --autocommit: marks not yet committed
  TimeNs last_commit_ = 0;
  std::set<std::string> dirs_;        // absolute directories of the PATHs
  std::map<std::string, Source> sources_;
  std::vector<Source> retired_;
  std::set<std::string> seen_;
  std::string_view run_;  // lines of the chunk not yet written
  LogFile* current_ = nullptr;
  bool failed_ = false;
  bool strict_stop_ = false;
};

}  // namespace ndj
