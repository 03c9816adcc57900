// ndj-emit's writing: lines to standard output or appended to a log under
// its lock, and --stdin: NDJSON lines validated and appended in blocks.
#pragma once
#include <string>
#include <string_view>

#include "core/bad_lines.hpp"

namespace ndj {

class Output;

struct EmitTarget {
  std::string path;     // -o: the log; "" for standard output
  int lock_timeout_ms;  // --timeout, for append_locked
};

// Writes complete lines to the target: to `out`, flushed, or with
// append_locked.
void write_lines(const EmitTarget& target, Output& out, std::string_view lines);

// --stdin: reads NDJSON from `fd` (reported as "<stdin>"), skips blank lines
// and marks, reports invalid lines by the bad-line policy of `input`, and
// writes the valid ones in blocks of whole lines, each block under one lock
// hold: other emitters wait at most one block, never for our input.
// Validation uses json_check, not simdjson, so the tool does not link it.
// Returns the exit status.
int append_validated_lines(int fd, const InputOptions& input, const EmitTarget& target, Output& out);

}  // namespace ndj
