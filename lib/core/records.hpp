// Reading records from FILE arguments (or stdin) with the bad-line policy of
// DESIGN.md §1: every invalid line is reported with FILE:LINE, optionally
// quarantined with --rejects, and makes the tool exit 65 at the end.
#pragma once
#include <simdjson.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.hpp"
#include "core/line_reader.hpp"

namespace CLI {
class App;
}

namespace ndj {

class Output;

struct InputOptions {
  std::vector<std::string> files;  // empty or "-" means stdin
  std::string rejects;             // --rejects FILE
  bool strict = false;             // --strict
  size_t max_line = kDefaultMaxLine;
};

// The help texts of --rejects, --strict and --max-line, for tools that word
// them their own way (completions and man pages are made from them).
struct InputOptionsHelp {
  const char* rejects = "Append invalid lines to FILE (mode 0600)";
  const char* strict = "Stop at the first invalid line (exit 65)";
  const char* max_line = "Longest accepted line (default 16M)";
};

// Adds FILE..., --rejects, --strict and --max-line to a CLI11 app.
void add_input_options(CLI::App& app, InputOptions& opts);
// Adds --rejects, --strict and --max-line only, for tools whose input is
// not a FILE... list.
void add_bad_line_options(CLI::App& app, InputOptions& opts, const InputOptionsHelp& help = {});

// Reports bad lines and quarantines their raw bytes.
class BadLines {
 public:
  explicit BadLines(const InputOptions& opts);
  ~BadLines();
  BadLines(const BadLines&) = delete;
  BadLines& operator=(const BadLines&) = delete;

  // Reports "FILE:LINE: REASON" and appends `raw` to the rejects file.
  // Returns true when the tool must stop now (--strict).
  bool report(std::string_view file, uint64_t line, std::string_view reason, std::string_view raw);
  // Reports without quarantining (the bytes went through quarantine_part).
  bool note(std::string_view file, uint64_t line, std::string_view reason);
  // Streams an over-long line into the rejects file (LineReader overflow sink).
  void quarantine_part(std::string_view part, bool last);
  uint64_t count() const { return count_; }
  bool strict() const { return strict_; }

  // A pipe (not a regular file) ended in a line without a newline that is
  // not valid JSON: its writer was stopped mid-line, typically killed with
  // the rest of a pipeline. Reported as such, neither quarantined nor
  // counted as invalid: upstream resends it from its last mark, so this is
  // a transient failure (75), not a data error (65).
  void cut_short(std::string_view file, uint64_t line);
  // 65 if lines were invalid, else 75 if an input was cut short, else 0.
  int exit_code() const;

 private:
  void append_rejects(std::string_view data);
  std::string rejects_path_;
  int rejects_fd_ = -1;
  bool strict_;
  uint64_t count_ = 0;
  bool cut_short_ = false;
};

struct Record {
  std::string_view text;       // the line, CR/LF and BOM stripped
  bool is_mark = false;        // a well-formed checkpoint mark (cursor.hpp): not a record
  const std::string* file = nullptr;
  uint64_t line = 0;
  bool complete = true;        // false for a last line without newline
};

// Iterates over the input files in order, yielding valid records and marks.
// Blank lines are skipped. Invalid lines go to BadLines. A file that cannot
// be opened is reported and skipped (exit status 1 at the end).
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

  BadLines& bad_lines() { return bad_; }
  // True while the current input is a pipe or terminal (a stream that
  // SIGTERM is the normal way to end), false for regular files.
  bool streaming() const { return streaming_; }
  // 1 if a file could not be opened or read, else 65 if lines were
  // invalid, else 75 if a pipe ended mid-line (BadLines::cut_short), else
  // 0; SIGINT/SIGTERM are the tool's business.
  int exit_code() const;

 private:
  bool open_next();

  const InputOptions& opts_;
  Output& out_;
  Validation validation_;
  JsonParser parser_;
  BadLines bad_;
  size_t index_ = 0;
  int fd_ = -1;
  bool streaming_ = false;
  bool open_failed_ = false;
  std::string name_;
  std::unique_ptr<LineReader> reader_;
  std::function<int()> wait_hook_;
  std::function<bool()> before_bad_line_;
  bool in_overflow_ = false;   // inside an over-long line's bytes
  bool stop_pending_ = false;  // before_bad_line_ asked to stop there
  std::exception_ptr hook_error_;  // thrown by a hook inside the line reader
};

}  // namespace ndj
