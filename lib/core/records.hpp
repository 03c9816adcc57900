// lib/core/: what every tool uses: reading records (line reader, bad-line
// policy, marks), writing, diagnostics and exit codes, CLI plumbing,
// signals, time (RFC 3339, durations, zones, buckets, time fields), the
// cursor file, atomic and symlink-safe files, digests, gzip, threads with
// ordered output, report formatting and percentiles. Anything may include
// it; it includes only core/ and json/. Code moves here when a second
// family of tools needs it.
//
// Reading records from FILE arguments (or stdin) with the bad-line policy of
// DESIGN.md §1: every invalid line is reported with FILE:LINE, optionally
// quarantined with --rejects, and makes the tool exit 65 at the end.
#pragma once
#include <simdjson.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.hpp"
#include "core/bad_lines.hpp"
#include "core/line_reader.hpp"

namespace ndj {

class Output;

struct Record {
  std::string_view text;       // the line, CR/LF and BOM stripped
  bool is_mark = false;        // a well-formed checkpoint mark (cursor.hpp): not a record
  const std::string* file = nullptr;
  uint64_t line = 0;
  bool complete = true;        // false for a last line without newline
};

// Iterates over the input files in order, yielding valid records and marks.
// Blank lines are skipped. Invalid lines go to BadLines. A file that cannot
// be opened or read is reported and skipped (exit status 1 at the end).
class RecordReader {
 public:
  enum class Status { kRecord, kEnd, kStopped, kStrictStop };
  // kNone: the caller validates; kSyntax: JsonParser::validate() (no DOM,
  // faster); kDom: JsonParser::parse(), root() gives the document.
  enum class Validation { kNone, kSyntax, kDom };

  RecordReader(const InputOptions& opts, Output& out, Validation validation);
  ~RecordReader();

  Status next(Record& rec);
  // The parsed document of the last record (Validation::kDom only).
  // has_root() is false for valid lines holding numbers beyond the DOM's
  // range (see JsonParser).
  bool has_root() const { return parser_.has_root(); }
  simdjson::dom::element root() const { return parser_.root(); }
  JsonParser& parser() { return parser_; }

  // Called when the reader is about to block; returns a poll timeout in ms
  // (-1 for none). The output is flushed after it returns.
  void set_wait_hook(std::function<int()> hook) { wait_hook_ = std::move(hook); }
  // Called before the reader reports a bad line of its own (too long, or
  // invalid under kSyntax/kDom); returning true makes next() return
  // kStrictStop without reporting it.
  void set_before_bad_line(std::function<bool()> hook) { before_bad_line_ = std::move(hook); }

  // Called on each record (marks aside) that passed the reader's
  // validation; returning false skips it silently (a --where filter, which
  // counts what it skips). With Validation::kNone it sees lines nobody has
  // validated yet: it must keep an invalid one for the tool to report.
  void set_record_filter(std::function<bool(std::string_view text)> keep) { keep_ = std::move(keep); }
  Validation validation() const { return validation_; }

  // Records handed out stay intact while line_buffer() is held (see
  // LineReader::keep_held_lines). Call before the first next().
  void keep_held_lines() { keep_held_ = true; }
  // The buffer the last record lies in.
  std::shared_ptr<const char[]> line_buffer() const { return reader_->buffer(); }

  BadLines& bad_lines() { return bad_; }
  // True while the current input is a pipe or terminal (a stream that
  // SIGTERM is the normal way to end), false for regular files.
  bool streaming() const { return streaming_; }
  // Inputs that could not be opened or read to their end.
  size_t unreadable_inputs() const { return unreadable_; }
  // 1 if a file could not be opened or read, else 65 if lines were
  // invalid, else 75 if a pipe ended mid-line (BadLines::cut_short), else
  // 0; SIGINT/SIGTERM are the tool's business.
  int exit_code() const;
  // The exit status when next() returned `st` and it ends the run early:
  // 65 after a --strict stop, the signal's status when SIGINT or SIGTERM
  // stopped the reading of a regular file; nullopt otherwise (a stream
  // ended by a signal has ended normally).
  std::optional<int> stop_exit_code(Status st) const;

 private:
  bool open_next();
  const char* validate(const Line& line);

  const InputOptions& opts_;
  Output& out_;
  Validation validation_;
  JsonParser parser_;
  BadLines bad_;
  size_t index_ = 0;
  int fd_ = -1;
  bool streaming_ = false;
  size_t unreadable_ = 0;
  std::string name_;
  std::unique_ptr<LineReader> reader_;
  // Validation::kSyntax: the complete lines of the reader's buffer, from
  // the line being validated on, indexed at once (JsonParser::index_lines)
  // while the reader has not refilled it.
  std::string_view bulk_;
  uint64_t bulk_fills_ = 0;
  std::function<int()> wait_hook_;
  std::function<bool()> before_bad_line_;
  std::function<bool(std::string_view)> keep_;
  bool keep_held_ = false;
  bool in_overflow_ = false;   // inside an over-long line's bytes
  bool stop_pending_ = false;  // before_bad_line_ asked to stop there
  std::exception_ptr hook_error_;  // thrown by a hook inside the line reader
};

// Whether a tool may write the report it makes of all its input (ndj-dora,
// ndj-stats, ndj-redact --report) once reading is over: not when an input
// could not be read, since counts over part of the input would pass for
// the whole (a missing file would read as zero deployments): then it says
// "WHAT not written: N input(s) could not be read", and an -o file is to be
// left as it was. Bad lines do not stop the report: each was reported, and
// the report covers the good ones. Ends the bad-line reports first
// (BadLines::finish).
bool may_write_report(RecordReader& reader, std::string_view what = "report");

}  // namespace ndj
