// Running a helper program (git, ...) without a shell: its standard output
// read through a pipe in large chunks and split into records, its standard
// error kept aside so the tool can report it in its own diagnostic format.
#pragma once
#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

class ChildProcess {
 public:
  // Starts argv[0] (looked up in PATH) with stdin from /dev/null and our
  // environment, with `env` ("NAME=VALUE") added or replacing. Throws
  // Error(1) "cannot run PROG: REASON" when it cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills (SIGTERM) and reaps a child that was not waited for.
  ~ChildProcess();

  // The next record of its output ending with `delim` (the delimiter is not
  // included; a last record without one is returned too). The view is valid
  // until the next call. False at the end of the output.
  bool next(std::string_view& record, char delim);

  // Closes the pipe and waits. Returns the exit status (128 + signal when
  // killed). `stopped_early` kills the child first: the caller has read
  // enough, and the status is then 0 unless it failed on its own.
  int wait(bool stopped_early = false);

  // What the child wrote on standard error (after wait), trimmed, last line
  // only: git ends with the line that says what went wrong. `all_lines`:
  // every line, for a child whose first line says it (a usage error).
  std::string error_text(bool all_lines = false) const;

 private:
  bool fill();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;  // an unlinked temporary file: it never blocks the child
  std::string program_;
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;
  size_t begin_ = 0, end_ = 0, scan_ = 0;
  bool eof_ = false;
};

// Runs argv to completion and returns its whole standard output. Throws
// Error(1) naming the program and its last error line when it fails.
std::string run_and_capture(const std::vector<std::string>& argv);

// The same, returning the exit status and filling `out` instead of throwing
// when the program fails (it still throws when it cannot be started).
int run_and_capture(const std::vector<std::string>& argv, std::string& out);

}  // namespace ndj
