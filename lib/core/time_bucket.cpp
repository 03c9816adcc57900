// Bucket starts from local days: LocalClock maps instants to local dates
// and back.
#include "core/time_bucket.hpp"

#include <CLI/CLI.hpp>

#include "core/cli.hpp"

namespace ndj {

const Choices<BucketUnit> kBucketUnits{
    {{"day", BucketUnit::kDay}, {"week", BucketUnit::kWeek}, {"month", BucketUnit::kMonth}}};

const char* bucket_unit_name(BucketUnit unit) {
  return unit == BucketUnit::kDay ? "day" : unit == BucketUnit::kWeek ? "week" : "month";
}

void add_bucket_options(CLI::App& app, const std::string& help, std::optional<BucketUnit>& unit,
                        std::string& zone, bool& week_starts_sunday) {
  app.add_option_function<std::string>(
         "--bucket",
         [&unit](const std::string& v) {
           if (v.empty()) unit.reset();
           else if (!(unit = kBucketUnits.parse(v))) throw CLI::ValidationError("--bucket", kBucketUnits.expected(v));
         },
         help)
      ->type_name("UNIT");
  // Checked above: an empty --bucket is no bucket.
  with_suggestions(app.get_option("--bucket"), kBucketUnits.names());
  with_choices(app.add_option_function<std::string>(
                   "--week-start", [&week_starts_sunday](const std::string& v) { week_starts_sunday = v == "sunday"; },
                   "First day of --bucket week: monday, sunday"),
               {"monday", "sunday"})
      ->type_name("DAY");
  app.add_option_function<std::string>(
         "--tz",
         [&zone](const std::string& v) {
           if (auto why = check_time_zone(v)) throw CLI::ValidationError("--tz", *why);
           zone = v;
         },
         "Buckets of local days in ZONE, e.g. Europe/Berlin")
      ->type_name("ZONE");
}

Bucketer::Bucketer(BucketUnit unit, bool week_starts_sunday, std::string zone)
    : unit_(unit), sunday_(week_starts_sunday), clock_(std::move(zone)) {}

int64_t Bucketer::first_day(int64_t day) const {
  switch (unit_) {
    case BucketUnit::kDay: return day;
    case BucketUnit::kWeek:
      // 1970-01-01 was a Thursday: 3 days after a Monday, 4 after a Sunday.
      return day - ((day + (sunday_ ? 4 : 3)) % 7 + 7) % 7;
    case BucketUnit::kMonth: {
      int64_t y;
      unsigned m, d;
      civil_from_days(day, y, m, d);
      return days_from_civil(y, m, 1);
    }
  }
  return day;
}

TimeNs Bucketer::start(TimeNs t) const { return clock_.midnight(first_day(clock_.local_day(t))); }

TimeNs Bucketer::next(TimeNs t) const {
  const int64_t first = first_day(clock_.local_day(t));
  switch (unit_) {
    case BucketUnit::kDay: return clock_.midnight(first + 1);
    case BucketUnit::kWeek: return clock_.midnight(first + 7);
    case BucketUnit::kMonth: {
      int64_t y;
      unsigned m, d;
      civil_from_days(first, y, m, d);
      return clock_.midnight(days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1));
    }
  }
  return t;
}

std::string Bucketer::label(TimeNs start) const {
  std::string date = clock_.date_text(start);
  if (unit_ == BucketUnit::kMonth) date.resize(7);  // "2026-01"
  return date;
}

std::vector<TimeNs> bucket_edges(TimeNs since, TimeNs until, const Bucketer& buckets) {
  std::vector<TimeNs> edges{since};
  for (TimeNs t = since; t < until;) {
    TimeNs next = buckets.next(t);
    if (next <= t) next = t + 3600 * kNsPerSec;  // never stuck on a zone's odd day
    if (next >= until) break;
    if (edges.size() > kMaxBuckets) return {};
    edges.push_back(t = next);
  }
  edges.push_back(until);
  return edges;
}

}  // namespace ndj
