// Window arithmetic of ndj-dora, checked against the range of TimeNs.
#include "dora/windows.hpp"

#include <algorithm>
#include <cstdint>

#include "core/time_bucket.hpp"

namespace ndj::dora {

namespace {

// a - b, false when it would leave the range of TimeNs.
bool earlier(TimeNs a, int64_t b, TimeNs& out) { return !__builtin_sub_overflow(a, b, &out); }

// The report window of `o` at `now`; the usage error's message when
// --days does not fit.
std::optional<std::string> report_window(const Options& o, TimeNs now, Window& w) {
  LocalClock clock(o.tz);
  // Whole days: a day still running would make deployment frequency a
  // count over part of a day, and two runs on one day disagree.
  // A --since window ends now, at the next whole second: its length and
  // bounds print to the second, and no record up to now is left out.
  const TimeNs now_s = now % kNsPerSec == 0 || now > INT64_MAX - kNsPerSec ? now : now - now % kNsPerSec + kNsPerSec;
  w.until = o.has_until ? o.until : o.has_since ? now_s : clock.midnight(clock.local_day(now));
  if (o.has_since) {
    w.since = o.since;
    return std::nullopt;
  }
  // Times and window lengths are int64 nanoseconds: 1677 to 2262, 106751 days.
  const uint64_t max_days = std::min<uint64_t>(
      INT64_MAX / kNsPerDay, (static_cast<uint64_t>(w.until) - static_cast<uint64_t>(INT64_MIN)) / kNsPerDay);
  if (o.days > max_days) return "--days: at most " + std::to_string(max_days) + " (times run from 1677 to 2262)";
  w.since = w.until - static_cast<TimeNs>(o.days) * kNsPerDay;
  // Ending at a midnight, N local days (23 or 25 hours across a clock
  // change), when that stays well inside the range.
  const int64_t last = clock.local_day(w.until);
  if (w.since > INT64_MIN + 2 * kNsPerDay && clock.midnight(last) == w.until)
    w.since = clock.midnight(last - static_cast<int64_t>(o.days));
  return std::nullopt;
}

}  // namespace

std::optional<std::string> plan_windows(const Options& o, TimeNs now, RunWindows& out) {
  out = RunWindows{};
  Window& w = out.window;
  out.now = now;
  if (auto why = report_window(o, now, w)) return why;
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
  if (o.bucket) {
    Bucketer buckets(*o.bucket, o.week_starts_sunday, o.tz);
    out.edges = bucket_edges(w.since, w.until, buckets);
    if (out.edges.empty()) return "--bucket: more than " + std::to_string(kMaxBuckets) + " buckets in the window";
    for (size_t b = 0; b + 1 < out.edges.size(); ++b) {
      const TimeNs from = out.edges[b], to = out.edges[b + 1];
      out.partial.push_back(buckets.start(from) != from || buckets.next(from) != to || to > now);
    }
  }

  out.keep_from = o.compare_previous ? out.before.since : w.since;
  if (o.regressions) out.keep_from = std::min(out.keep_from, out.trend.baseline.since);
  return std::nullopt;
}

}  // namespace ndj::dora
