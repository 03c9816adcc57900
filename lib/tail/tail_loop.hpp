// ndj-tail's main loop: Tailer rounds, --autocommit commits, waits for
// events or the --poll interval, rescans of the PATHs, --exit-idle, and the
// exit status of the run.
#pragma once
#include "core/timefmt.hpp"
#include "tail/tailer.hpp"

namespace ndj {

// Reads (and with o.follow, follows) the files of `o` into `out` until
// they are read (without --follow), a signal, --strict or `exit_idle` of
// idleness (0: never); `poll` is the --poll interval (0: inotify). Returns
// the exit status.
int run_tail(const TailOptions& o, TimeNs poll, TimeNs exit_idle, Output& out);

}  // namespace ndj
