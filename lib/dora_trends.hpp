// DORA metrics over time: regression alerts (a recent window against the
// baseline before it, per metric and group). The metric values come from
// dora_report's metric records, so the definitions stay those of ndj-dora.
#pragma once
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dora.hpp"
#include "dora_report.hpp"

namespace ndj::dora {

inline constexpr size_t kMetricCount = 6;
// The metric names in record order; index of a name, nullopt if unknown.
const std::array<const char*, kMetricCount>& metric_names();
std::optional<size_t> metric_index(std::string_view name);

// Per metric: how far (percent of the baseline value) it may move the worse
// way before an alert; nullopt: not checked. Lower deployment frequency is
// worse, higher values of the other metrics are worse.
using Thresholds = std::array<std::optional<double>, kMetricCount>;
Thresholds default_thresholds();
// "metric=PCT" into `t`; the reason when malformed.
std::optional<std::string> parse_threshold(std::string_view spec, Thresholds& t);

// "METRIC OP VALUE[UNIT]" (--goal): OP one of <= >= < >; hours metrics take
// h (default), d, m or s; percentages an optional %; deployment frequency a
// number per day, or per week with /week. The reason when malformed.
std::optional<std::string> parse_goal(std::string_view spec, Goal& goal);

struct RegressionWindows {
  Window recent;
  Window baseline;  // ends where recent starts
};

// One checked metric of one group: an alert, or why it could not be checked.
struct RegressionCheck {
  uint32_t group;
  size_t metric;
  std::optional<double> recent, baseline, change_pct;
  double threshold_pct;  // signed: negative for deployment frequency
  bool alert = false;
  const char* skipped = nullptr;  // reason it was not compared
};

// Checks every group with data in either window (overall row first, groups
// sorted as in compute()). Only breaches and skipped checks are returned.
std::vector<RegressionCheck> find_regressions(const EventStore& store, const RegressionWindows& w,
                                              const Thresholds& thresholds);

// Alert and note records as NDJSON lines, or as a section of the table.
std::string format_regressions(Format format, const EventStore& store, const std::vector<RegressionCheck>& checks,
                               const RegressionWindows& w);

// --bucket: UTC days, weeks (from Monday, or Sunday) or calendar months.
enum class BucketUnit { kDay, kWeek, kMonth };
std::optional<BucketUnit> parse_bucket_unit(std::string_view s);
const char* bucket_unit_name(BucketUnit unit);
inline constexpr size_t kMaxBuckets = 100000;
// The edges of the buckets covering `w`, the first and last clipped to w;
// empty when there would be more than kMaxBuckets.
std::vector<TimeNs> bucket_edges(Window w, BucketUnit unit, bool week_starts_sunday);

// NDJSON metric records per bucket (oldest first), each bucket's rows as
// in the report, with "bucket"; every group with data in any bucket has
// records in every bucket, with insufficient data where it has none.
std::string format_buckets(const EventStore& store, std::span<const TimeNs> edges, BucketUnit unit,
                           ReportSettings settings);

}  // namespace ndj::dora
