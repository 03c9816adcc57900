// Appending whole lines to a log that other processes write too: O_APPEND,
// one write(2), under an exclusive flock(2) on the log itself (the lock
// ndj-prune takes before it rewrites a log).
#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>

namespace ndj {

// Appends `lines` (one or more complete lines) to `path`, creating it with
// mode 0600 and its missing directories with mode 0700. Waits at most
// timeout_ms for the lock (-1: for ever). If the file was replaced while we
// waited (a prune renamed a new file over it), the new file is opened and
// locked instead. A write that fails part-way is cut back off the file, so
// readers never see a torn line. Throws Error(1) saying why on failure.
void append_locked(const std::string& path, std::string_view lines, int timeout_ms);

// mkdir -p with `mode` for each directory it creates.
void make_dirs(const std::string& dir, mode_t mode);

}  // namespace ndj
