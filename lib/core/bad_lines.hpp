// The bad-line policy of DESIGN.md §1, apart from reading: the input
// options every tool shares (FILE..., --rejects, --strict, --max-line,
// --max-errors) and BadLines, which reports invalid lines as FILE:LINE,
// quarantines their bytes and gives the exit code. No JSON parser here:
// ndj-emit links this without simdjson.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/line_reader.hpp"

namespace CLI {
class App;
}

namespace ndj {

struct InputOptions {
  std::vector<std::string> files;  // empty or "-" means stdin
  std::string rejects;             // --rejects FILE
  bool strict = false;             // --strict
  size_t max_line = kDefaultMaxLine;
  size_t max_errors = 100;         // --max-errors: messages per input, 0: all
};

// The help texts of --rejects, --strict and --max-line, for tools that word
// them their own way (completions and man pages are made from them).
struct InputOptionsHelp {
  const char* rejects = "Append invalid lines to FILE (mode 0600)";
  const char* strict = "Stop at the first invalid line (exit 65)";
  const char* max_line = "Longest accepted line (default 16M)";
};

// Adds FILE..., --rejects, --strict, --max-line and --max-errors to a
// CLI11 app.
void add_input_options(CLI::App& app, InputOptions& opts);
// Adds --rejects, --strict, --max-line and --max-errors only, for tools
// whose input is not a FILE... list.
void add_bad_line_options(CLI::App& app, InputOptions& opts, const InputOptionsHelp& help = {});

// Reports bad lines and quarantines their raw bytes. At most --max-errors
// lines of one input are reported one by one; that input's others are
// counted, and finish() gives one line with the count per input. Every bad
// line is still quarantined and counted for the exit code.
class BadLines {
 public:
  explicit BadLines(const InputOptions& opts);
  // Calls finish().
  ~BadLines();
  BadLines(const BadLines&) = delete;
  BadLines& operator=(const BadLines&) = delete;

  // Reports "FILE:LINE: REASON" (counts it, past --max-errors) and appends
  // `raw` to the rejects file.
  // Returns true when the tool must stop now (--strict).
  bool report(std::string_view file, uint64_t line, std::string_view reason, std::string_view raw);
  // Reports without quarantining (the bytes went through quarantine_part).
  bool note(std::string_view file, uint64_t line, std::string_view reason);
  // Streams an over-long line into the rejects file (LineReader overflow sink).
  void quarantine_part(std::string_view part, bool last);
  uint64_t count() const { return count_; }
  bool strict() const { return strict_; }
  // Reports how many bad lines of each input went unreported
  // (--max-errors), if any. Reports after it start new counts.
  void finish();

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
  size_t max_errors_;
  uint64_t count_ = 0;
  bool cut_short_ = false;
  // Per input (told apart by name; ndj-tail interleaves its files), in the
  // order of their first bad line: lines reported one by one, and others.
  struct InputCount {
    std::string name;
    uint64_t shown = 0, hidden = 0;
  };
  std::vector<InputCount> inputs_;
  size_t last_input_ = 0;  // bad lines come in runs from one input
};

// The reason given for a line longer than --max-line:
// "line too long (N bytes, --max-line is M)".
std::string too_long_reason(uint64_t raw_size, size_t max_line);

}  // namespace ndj
