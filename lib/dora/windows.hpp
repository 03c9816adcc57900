// The windows of one ndj-dora run, from its options: the report window,
// the one before it (--compare previous), the regression windows, the
// bucket edges, and from when events must be kept for all of them.
// Times are int64 nanoseconds (1677 to 2262); windows that leave that range
// are usage errors.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dora/options.hpp"

namespace ndj::dora {

struct RunWindows {
  Window window;
  Window before;              // as long as `window`, just before it (empty without --compare)
  RegressionWindows trend;    // --regressions (empty at the window's end without)
  std::vector<TimeNs> edges;  // --bucket: bucket_edges() of `window`
  // Per bucket: cut short by the window's ends, or reaching past `now`.
  std::vector<bool> partial;
  TimeNs now = 0;
  TimeNs keep_from = 0;       // the earliest start of the windows in use
};

// The windows of `o` at `now`; the usage error's message when they are
// empty or do not fit. Without --until, --days N ends at the midnight that
// started today in --tz (N whole days) and --since ends at `now`; a window
// that ends at a midnight starts at one, N local days earlier.
std::optional<std::string> plan_windows(const Options& o, TimeNs now, RunWindows& out);

}  // namespace ndj::dora
