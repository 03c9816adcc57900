// Window arithmetic of ndj-dora, checked against the range of TimeNs.
#include "dora/windows.hpp"

#include <algorithm>
#include <cstdint>

#include "core/time_bucket.hpp"

namespace ndj::dora {

namespace {

// a - b, false when it would leave the range of TimeNs.
bool earlier(TimeNs a, int64_t b, TimeNs& out) { return !__builtin_sub_overflow(a, b, &out); }

}  // namespace

std::optional<std::string> plan_windows(const Options& o, TimeNs now, RunWindows& out) {
  Window& w = out.window;
  w.until = o.has_until ? o.until : now;
  // Times and window lengths are int64 nanoseconds: 1677 to 2262, 106751 days.
  const uint64_t max_days = std::min<uint64_t>(
      INT64_MAX / kNsPerDay, (static_cast<uint64_t>(w.until) - static_cast<uint64_t>(INT64_MIN)) / kNsPerDay);
  if (!o.has_since && o.days > max_days)
    return "--days: at most " + std::to_string(max_days) + " (times run from 1677 to 2262)";
  w.since = o.has_since ? o.since : w.until - static_cast<TimeNs>(o.days) * kNsPerDay;
  if (w.since >= w.until) return "the window is empty: --since must be before --until";
  // The window before, as long as this one, for --compare previous, and
  // the --regressions windows.
  out.before = {w.since, w.since};
  out.trend = {{w.until, w.until}, {w.until, w.until}};
  int64_t span = 0;
  if (!earlier(w.until, w.since, span) || (o.compare_previous && !earlier(w.since, span, out.before.since)) ||
      (o.regressions && !earlier(w.until, o.recent, out.trend.recent.since)) ||
      (o.regressions && !earlier(out.trend.recent.since, o.baseline, out.trend.baseline.since)))
    return "the windows do not fit the times ndj-dora can represent (1677 to 2262, 106751 days)";
  out.trend.baseline.until = out.trend.recent.since;
  if (o.bucket && (out.edges = bucket_edges(w.since, w.until, Bucketer(*o.bucket, o.week_starts_sunday, o.tz))).empty())
    return "--bucket: more than " + std::to_string(kMaxBuckets) + " buckets in the window";

  out.keep_from = o.compare_previous ? out.before.since : w.since;
  if (o.regressions) out.keep_from = std::min(out.keep_from, out.trend.baseline.since);
  return std::nullopt;
}

}  // namespace ndj::dora
