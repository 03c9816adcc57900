// Diagnostics and exit codes shared by every ndj tool (DESIGN.md §1).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ndj {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,     // I/O error, file not found, out of disk
  kExitUsage = 2,       // unknown option, bad value
  kExitRegression = 3,  // ndj-dora --fail-on-regression
  kExitDataError = 65,  // invalid input lines, rejected payloads
  kExitLost = 66,       // ndj-tail: a file was gone before all of it was shipped
  kExitTempFail = 75,   // ndj-post: retry budget ran out
  kExitNoPerm = 77,     // ndj-post: deterministic rejection
};

// An error that ends the tool: its message (without the "ndj-X: " prefix)
// and the exit status it maps to. Tools throw it; tool_main prints it.
class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// Thrown by the output writer when the reader of stdout went away.
struct BrokenPipe {};

void set_program_name(std::string_view name);
const std::string& program_name();

// "ndj-X: MESSAGE\n" on stderr, in one write so lines never interleave.
void error(std::string_view message);
// "ndj-X: warning: MESSAGE\n".
void warn(std::string_view message);
// "ndj-X: FILE:LINE: MESSAGE\n".
void line_error(std::string_view file, uint64_t line, std::string_view message);

// The reason a bad input line is reported with: PREFIX WHY, plus a hint
// when it is a last line that ended without a newline (a writer cut short).
std::string bad_line_reason(std::string_view why, bool complete,
                            std::string_view prefix = "invalid JSON: ");

// strerror(errno) as a std::string, for messages.
std::string errno_text(int err);

}  // namespace ndj
