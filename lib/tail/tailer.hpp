// lib/tail/: ndj-tail's reading: logs found by glob or directory watch,
// read by identity across rotation, registered in the cursor before they
// are read. Includes core/, json/ and tail/ only; only ndj-tail includes it.
//
// The reading side of ndj-tail: files matched by PATH arguments, read from
// a cursor in chunks, followed through appends, rotation (rename or delete),
// truncation and rewrites, with a checkpoint mark after each chunk
// (DESIGN.md §2). run_tail (tail_loop.hpp) drives it: scan() for the file
// set, round() for data, commit() for --autocommit.
#pragma once
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/cursor.hpp"
#include "core/diag.hpp"
#include "tail/dir_watch.hpp"
#include "json/json.hpp"
#include "tail/log_file.hpp"
#include "core/output.hpp"
#include "core/records.hpp"
#include "core/timefmt.hpp"
#include "tail/record_tags.hpp"

namespace ndj {

struct TailOptions {
  std::vector<std::string> paths;  // files, directories or globs
  std::string cursor;              // --cursor FILE ("" for none)
  bool autocommit = false;
  bool follow = false;
  bool from_end = false;           // --from end: unknown files start at their end
  bool validate = false;
  bool poll = false;               // poll instead of inotify
  bool rotated_gzip = false;       // finish rotated files logrotate compressed
  bool verbose = false;
  InputOptions input;              // --rejects, --strict, --max-line
  std::string id_field;            // --id-field NAME ("" for none)
  std::string source_field;        // --source-field NAME ("" for none)
  std::vector<StreamRule> streams; // --stream NAME=GLOB
  // Records are changed: each is validated and gets the members.
  bool adds_members() const { return !id_field.empty() || !source_field.empty(); }
  // --where/--since/--until: false for a line not to pass on (it sees
  // every line; it keeps those it cannot judge).
  std::function<bool(std::string_view)> keep;
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
  // Writes into the cursor file the marks written to stdout since the last
  // commit (--autocommit), once they have left our buffer, and the sizes of
  // files read to an end they will not grow past.
  void commit(bool force);
  // Milliseconds until a retired file may be closed (-1: none waiting).
  int retire_due_ms() const;
  DirWatch& watch() { return watch_; }
  bool strict_stopped() const { return strict_stop_; }
  int exit_code() const;

  bool line(const LogLine& l) override;

  // Without --validate, only lines that look like marks need a look: found
  // by a scan of the run rather than a visit to every line.
  bool takes_runs() const override { return !o_.validate && !o_.adds_members() && !o_.keep; }
  size_t lines(std::string_view raw, uint64_t offset) override;

  void overlong_part(std::string_view part, bool last) override { bad_.quarantine_part(part, last); }
  void overlong(uint64_t raw_size, uint64_t offset) override;

 private:
  // One file being read: the file at a matched path, or a retired one
  // (renamed away or deleted) read to its end before it is closed.
  struct Source {
    std::unique_ptr<LogFile> file;
    std::string mark_path;  // absolute: where its marks say it is ("" for none)
    FilePosition marked;    // the position last marked, or found in the cursor
    // The cursor entry this source carries on when it is not the file
    // itself: a copytruncate copy or a decompressed .gz holds the data of
    // a file that is gone, and its marks move that file's entry.
    std::optional<FilePosition> stands_for;
    // Its cursor entry exists; until then nothing of it is read, so a file
    // ndj-tail has read from is never unknown to the next run.
    bool registered = false;
    std::optional<FilePosition> replaces;  // the entry its registration takes over
    TimeNs last_data = 0;
    bool done = false;      // without --follow: read to its end once
    std::string stream;     // --source-field: its stream's name as a JSON string
  };

  void flush_run();
  // --id-field, --source-field: the record with its members, or false
  // (and the line reported) if it is not a JSON object.
  bool write_tagged(const LogLine& l);
  // Reports a bad line; false with --strict (the line is left unread).
  bool reject(const LogLine& l, const std::string& why);
  void open(const std::string& path, Source& s, bool at_start);
  // The open file with this identity that moved away from its path.
  Source* find_open(uint64_t dev, uint64_t ino, const Source* except);
  // The cursor identity of what a source reads.
  FilePosition identity(Source& s) const;
  // True if a source already reads the file of this cursor entry.
  bool reading(const FilePosition& pos);

  // Writes the cursor entries of the files opened but not yet registered
  // (one cursor write for all of them), before any of their lines is read.
  void register_sources();
  // Without --autocommit, a cursor that cannot be written is read only.
  void cursor_unwritable(const Error& e);

  // A file renamed away or deleted is read to its end (and a little
  // longer, for late writers) while the new file at its path is read from 0.
  // Its marks name it where it lives now (its last name once it is deleted).
  void retire(Source& s);
  // Reads `file` from `offset` to its end as a retired source.
  void finish(std::unique_ptr<LogFile> file, uint64_t offset, std::optional<FilePosition> stands_for);

  // At start, the cursor entries for files in our directories that no PATH
  // matches: rotated files with unshipped data are finished first, wherever
  // they live now (renamed, copied by copytruncate, or compressed, with
  // --rotated-gzip); entries of files gone after being fully shipped are
  // dropped; files gone with unshipped data are reported lost.
  void resume_rotated();
  // A copy of a file whose content was replaced (copytruncate): a file in
  // the same directory, read by no one, no PATH matches, with the same first
  // line and at least `pos.offset` bytes.
  std::string find_copy(const FilePosition& pos);
  // A .gz in the same directory whose content starts with the first line of `pos`.
  std::string find_gzip(const FilePosition& pos);
  void report_loss(const CursorEntry& e, uint64_t bytes, const std::string& gz);

  // Reads one chunk of `s`; closes it at its end (without --follow) or
  // after the grace period (retired).
  size_t step(Source& s, bool retired);
  // Finds a copy of a file that was truncated under us, so what it held
  // past our position is read from the copy.
  void rescue_truncated(Source& s);
  // Closes a source read to its end; `final`: it grows no more.
  void closed(Source& s, bool final);
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
  std::vector<FilePosition> pending_;  // --autocommit: marks not yet committed
  struct SizeNote {
    FilePosition file;
    uint64_t size;
    bool final;
  };
  std::vector<SizeNote> sizes_;  // what the cursor learns of files' lengths
  TimeNs last_commit_ = 0;
  TimeNs last_sweep_ = 0;
  std::set<std::string> dirs_;        // absolute directories of the PATHs
  std::map<std::string, Source> sources_;
  std::list<Source> retired_;  // a list: finish() adds to it while round() walks it
  std::set<std::string> seen_;
  std::string_view run_;  // lines of the chunk not yet written
  LogFile* current_ = nullptr;
  Source* current_source_ = nullptr;
  std::string id_key_, source_key_;  // the member names as JSON strings ("" for none)
  std::string tagged_, id_;  // a record with its members, and its id
  bool failed_ = false;
  bool lost_ = false;
  bool cursor_read_only_ = false;  // registration failed once: warned
  bool strict_stop_ = false;
};

}  // namespace ndj
