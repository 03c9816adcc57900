// ndj-tail's main loop.
#include "tail/tail_loop.hpp"

#include <algorithm>

#include "core/diag.hpp"
#include "core/signals.hpp"

namespace ndj {

namespace {
// How often the patterns are expanded again when no event says so.
constexpr TimeNs kRescanEvery = kNsPerSec;
}  // namespace

int run_tail(const TailOptions& o, TimeNs poll, TimeNs exit_idle, Output& out) {
  Tailer t(o, out);
  t.scan(true);
  TimeNs last_data = now_ns(), last_scan = now_ns();
  for (;;) {
    size_t n = t.round();
    TimeNs now = now_ns();
    if (n) last_data = now;
    if (stop_requested() || t.strict_stopped()) break;
    t.commit(false);
    if (!o.follow) {
      if (!t.any_open()) break;
      continue;
    }
    DirWatch::Events ev;
    if (n == 0) {
      t.commit(true);
      out.flush();
      if (exit_idle && now - last_data >= exit_idle) break;
      int timeout = static_cast<int>((poll ? poll : kRescanEvery) / 1'000'000);
      if (exit_idle) timeout = std::min<int64_t>(timeout, (last_data + exit_idle - now) / 1'000'000 + 1);
      if (int due = t.retire_due_ms(); due >= 0) timeout = std::min(timeout, due);
      ev = t.watch().wait(timeout);
    } else {
      ev = t.watch().wait(0);  // while busy too: a new file may be rotated away soon
    }
    bool polled = n == 0 && t.watch().polling();
    if (!ev.names && !polled && now_ns() - last_scan < kRescanEvery) continue;
    t.scan(false);
    last_scan = now_ns();
  }
  t.commit(true);
  out.flush();
  if (t.strict_stopped()) return kExitDataError;
  int status = t.exit_code();
  if (status == kExitLost) return status;  // never hidden behind how the run ended
  if (stop_requested() && !o.follow) return interrupted_exit_code();
  return status;
}

}  // namespace ndj
