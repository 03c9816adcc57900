// lib/prune/: ndj-prune: logs under a directory, retention by age and
// size, in-place rewrites that keep what was not shipped. Includes core/,
// json/ and prune/ only; only ndj-prune includes it.
//
// ndj-prune's work: retention for NDJSON logs (by age and size) that never
// drops a record the cursor file has not seen shipped, as a filter or by
// rewriting files in place without losing what writers append meanwhile.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/record_time.hpp"
#include "core/records.hpp"
#include "core/timefmt.hpp"
#include "expr/record_filter.hpp"

namespace ndj {

struct PruneOptions {
  InputOptions input;
  TimeFieldOptions time;
  std::optional<int64_t> older_than;
  TimeNs now = now_ns();
  size_t max_size = 0;  // 0: no size limit
  bool drop_undated = false;
  bool in_place = false;
  bool dry_run = false;
  bool follow_symlinks = false;  // -i rewrites the file a link names
  std::string cursor;
  // --where: only records where it holds may go (and then only shipped ones).
  RecordFilter* where = nullptr;
};

// Prunes every input (files, directories of logs, or stdin) and returns the
// exit status: 0, 1 (a file could not be read or rewritten), 65 (invalid
// lines) or the interruption status.
int prune(const PruneOptions& o);

}  // namespace ndj
