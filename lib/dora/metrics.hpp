// The DORA metric table: one row per metric with all that formats, trends,
// goals and the HTML page know of it (name, label, unit, direction, tier
// thresholds, default regression threshold, Prometheus help, aggregation,
// table note, how its value comes from a computed row), and the metric
// records of a row. Adding a metric: its counts in GroupMetrics and
// EventStore::compute_buckets (dora.hpp/.cpp); its Metric here and its row
// and measure function in metrics.cpp; tests (and the golden cases' output).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/local_time.hpp"
#include "dora/dora.hpp"

namespace ndj::dora {

// The metrics in record order, the order of every format.
enum class Metric : uint8_t {
  kDeploymentFrequency,
  kLeadTime,
  kChangeFailureRate,
  kRecoveryTime,
  kReworkRate,
  kTimeToRestore
};
inline constexpr size_t kMetricCount = 6;

enum class Unit : uint8_t { kPerDay, kHours, kPercent };
enum class Better : uint8_t { kHigher, kLower };
// Successful deployments per day, percent of the deployments, or the
// median of durations (the records say "aggregation":"median").
enum class Aggregation : uint8_t { kRate, kShare, kMedian };

// The extra fields of metric records, in the order of the CSV columns.
enum class Detail : uint8_t {
  kMean,
  kP90,
  kPerWeek,
  kFailures,
  kTotalDeployments,
  kReworkDeployments,
  kUnrecovered,
  kOpen,
  kNegative
};
inline constexpr size_t kDetailCount = 9;
struct DetailInfo {
  const char* name;
  bool is_count;  // an integer count, else a number that may be null
};
const DetailInfo& detail_info(Detail d);

// A suffix --goal takes after a number of a unit, and its factor to the unit.
struct GoalSuffix {
  const char* suffix;
  double scale;
};

// A unit a value is shown in to people (the table, the page), chosen by
// the value's size: lead time in minutes, hours or days, deployment
// frequency per day, week or month.
struct DisplayScale {
  const char* unit;    // "min", "h", "d", "/day", "/week", "/month", "%"
  const char* suffix;  // after the number: " min", " h", "/day", " %"
  double size;         // in the metric's unit: 24 for a day of hours
  int digits;          // decimals
  double below;        // taken while the rounded number is below this (the last: always)
};

struct UnitInfo {
  const char* name;  // a record's "unit": "per_day", "hours", "percent"
  std::span<const GoalSuffix> goal_suffixes;
  std::span<const DisplayScale> scales;  // smallest first
  // From the unit to the base unit of its Prometheus families (per second,
  // seconds, ratio): 1/86400, 3600, 0.01.
  double prom_scale;
};
const UnitInfo& unit_info(Unit u);

// The scale `v` (in unit `u`) is shown in: the first whose rounded number
// stays below its bound; 0 in the scale of size 1 (the unit itself). With
// `by_week` (the views by week), deployment frequency is always per week.
const DisplayScale& display_scale(Unit u, double v, bool by_week = false);
// `v` in `scale`: the number alone ("6.5"), or with its suffix ("6.5 h").
std::string display_number(double v, const DisplayScale& scale);
std::string display_text(double v, const DisplayScale& scale);
// display_text() in the scale display_scale() picks: "42 min", "6.5 h", "3.5/week".
std::string display_text(Unit u, double v, bool by_week = false);

// The bounds of the elite, high and medium tiers: the least value (higher
// is better) or the most (lower is better); `inclusive`: a value equal to a
// bound is in its tier.
struct TierBounds {
  double elite, high, medium;
  bool inclusive;
};

// A note of the table's detail column: "<count> [of <n>] <text>".
struct Note {
  Detail count;
  bool of_n;
  const char* text;
};

struct MetricRecord;

struct MetricInfo {
  Metric metric;
  const char* name;   // records, --goal, --threshold, Prometheus names: "lead_time"
  const char* label;  // the table and the page: "lead time (median)"
  Unit unit;
  Better better;
  Aggregation aggregation;
  std::optional<TierBounds> tiers;        // nullopt: no DORA tiers
  std::optional<double> regression_pct;   // default --threshold; nullopt: not checked
  // The Prometheus family of the value after "ndj_dora_", named with its
  // base unit as Prometheus asks ("lead_time_seconds"), and its HELP
  // (before the window).
  const char* prom;
  const char* help;
  const char* counted;                    // what n counts: "successful deployments"
  std::optional<Note> note;
  // Sets the value, n and fields of `r` from a row computed over `days`.
  void (*measure)(const GroupMetrics& m, double days, MetricRecord& r);
};

// The table: row i is Metric i.
std::span<const MetricInfo, kMetricCount> metric_table();
const MetricInfo& metric_info(Metric m);
std::optional<Metric> find_metric(std::string_view name);
// "elite", "high", "medium" or "low" for a value of `m` in its unit;
// nullptr when `m` has no tiers.
const char* tier(Metric m, double value);

// The default --min-samples: a value from fewer samples gets no tier.
inline constexpr uint64_t kDefaultMinSamples = 5;

// An extra field of a metric record: a count, or a number that may be null.
struct MetricField {
  Detail detail;
  uint64_t count;
  std::optional<double> number;
};

// The same metric over an earlier window (--compare previous).
struct Comparison {
  std::optional<double> previous;
  std::optional<double> change;      // current - previous
  std::optional<double> change_pct;  // change / previous * 100; null when previous is 0
};

// A target for one statistic of a metric (--goal 'lead_time.p90<=72h'), in
// the unit of that statistic as the records write it.
struct Goal {
  Metric metric;
  // The statistic judged: the record's value, or one of its fields (mean,
  // p90, per_week).
  std::optional<Detail> field;
  // The statistic times this is the value, in the metric's unit: 1 for the
  // value, 1/7 for per_week; 0 for a statistic that is not the value (mean, p90).
  double per_value = 1;
  enum class Op { kLe, kGe, kLt, kGt, kRange } op;
  double target;    // kRange: the low end
  double high = 0;  // kRange: the high end, inclusive
  std::string text;  // as given, without its ",until=..."
  // ",until=TIME": not judged from then on (TimeArg, resolved with --tz and
  // --now into `expires`); `until_text` as given.
  std::optional<TimeArg> until;
  std::string until_text;
  std::optional<TimeNs> expires;
  // `value` and the bounds compared as written (rounded to 6 decimal places).
  bool met_by(double value) const;
};

// "METRIC[.STAT]OP VALUE[,until=TIME]" (--goal): OP one of <= >= < >, or
// "METRIC[.STAT]=LOW..HIGH" (inclusive; a bare LOW takes HIGH's suffix);
// STAT one of the statistics of goal_stats(); VALUE followed by one of its
// unit's goal suffixes. The reason when malformed.
std::optional<std::string> parse_goal(std::string_view spec, Goal& goal);
// The statistics a goal on `m` may name, as text: "value, median, p50, mean or p90".
std::string goal_stats(Metric m);

// How ndjson, json and csv write a metric's value and comparison (the
// definitions' shape): deployment frequency per week, rates as fractions.
struct Shape {
  bool frequency_per_week = false;
  bool rate_as_fraction = false;
};

struct MetricRecord {
  Metric metric{};
  std::optional<double> value;  // nullopt: insufficient data
  uint64_t n = 0;
  // A value from fewer than --min-samples samples: no tier, no goal judged.
  bool low_n = false;
  std::vector<MetricField> fields;
  const char* tier = nullptr;  // nullptr: none (no tier for the metric, --tiers none, no value, low_n)
  std::optional<Comparison> compared = std::nullopt;
  // The goals of the metric, in the order given, and their conjunction:
  // false when one is missed, else nullopt when one cannot be judged.
  std::vector<const Goal*> goals;
  std::optional<bool> goal_met = std::nullopt;

  Shape shape;

  const MetricInfo& info() const { return metric_info(metric); }
  // The unit ndjson, json and csv write the value in ("per_week",
  // "fraction" or the metric's own) and its factor from the metric's unit.
  std::pair<const char*, double> written_unit() const;
  // Field `d` as a number; nullopt when the record has no such field or it is null.
  std::optional<double> field(Detail d) const;
  // Whether `g` holds; nullopt when its statistic is null, or low_n.
  std::optional<bool> met(const Goal& g) const;
  // The goals' texts joined with " and ".
  std::string goal_text() const;
  // Sets `goals` and `goal_met`.
  void judge(std::span<const Goal> all);
};

// The records of one row, one per metric in table order: a value with n
// below `min_samples` is low_n and gets no tier.
std::vector<MetricRecord> metric_records(const GroupMetrics& m, double days, bool tiers, uint64_t min_samples);
// Sets `compared` of each record from the same metric in `previous`.
void compare_records(std::vector<MetricRecord>& current, const std::vector<MetricRecord>& previous);

}  // namespace ndj::dora
