// Time buckets (--bucket day|week|month) of the tools that bucket records
// (ndj-dora, ndj-stats): calendar days, weeks from Monday or Sunday
// (--week-start) and months, in UTC or in the local time of a zone (--tz),
// as DESIGN.md §5 says.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/local_time.hpp"
#include "core/timefmt.hpp"

namespace CLI {
class App;
}

namespace ndj {

enum class BucketUnit { kDay, kWeek, kMonth };
extern const Choices<BucketUnit> kBucketUnits;  // day, week, month
const char* bucket_unit_name(BucketUnit unit);

// The most buckets a tool lays out in a window.
inline constexpr size_t kMaxBuckets = 100000;

// Adds --bucket day|week|month (described by `help`; an empty value is no
// bucket), --week-start monday|sunday and --tz ZONE (a zone
// check_time_zone() accepts), all checked while parsing.
void add_bucket_options(CLI::App& app, const std::string& help, std::optional<BucketUnit>& unit,
                        std::string& zone, bool& week_starts_sunday);

// The buckets of one unit, week start and zone. Holds a LocalClock for the
// zone: one Bucketer (or LocalClock) at a time, in one thread.
class Bucketer {
 public:
  // `zone`: checked by check_time_zone(), or empty for UTC.
  Bucketer(BucketUnit unit, bool week_starts_sunday, std::string zone = "");

  BucketUnit unit() const { return unit_; }
  // The start of the bucket holding t.
  TimeNs start(TimeNs t) const;
  // The start of the bucket after the one holding t.
  TimeNs next(TimeNs t) const;
  // The local date a bucket starts on: "2026-01-05" for a day or a week,
  // "2026-01" for a month.
  std::string label(TimeNs start) const;

 private:
  // The local day the bucket holding local day `day` starts on.
  int64_t first_day(int64_t day) const;

  BucketUnit unit_;
  bool sunday_;
  LocalClock clock_;
};

// The edges of the buckets covering [since, until), the first and last
// clipped to it; empty when there would be more than kMaxBuckets.
std::vector<TimeNs> bucket_edges(TimeNs since, TimeNs until, const Bucketer& buckets);

}  // namespace ndj
