// DORA metrics as output: the metric records of a computed window (value,
// unit, sample size, tier, extra fields) and their text in the ndj-dora
// formats. Separate from the computation so other views of the same numbers
// (time series, comparisons, other exports) reuse the records.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dora.hpp"

namespace ndj::dora {

// An extra field of a metric record: a count, or a number that may be null.
struct MetricField {
  const char* name;
  bool is_count;
  uint64_t count;
  std::optional<double> number;
};

// The same metric over an earlier window (--compare previous).
struct Comparison {
  std::optional<double> previous;
  std::optional<double> change;      // current - previous
  std::optional<double> change_pct;  // change / previous * 100; null when previous is 0
};

struct MetricRecord {
  const char* metric;  // "lead_time", ...
  const char* unit;    // "per_day", "hours", "percent"
  std::optional<double> value;  // nullopt: insufficient data
  uint64_t n;
  const char* aggregation;  // "median" for distributions, else nullptr
  std::vector<MetricField> fields;
  const char* tier;  // nullptr: none (no tier for the metric, --tiers none, or no value)
  std::optional<Comparison> compared = std::nullopt;
};

// The six metric records of one row, in a fixed order.
std::vector<MetricRecord> metric_records(const GroupMetrics& m, double days, bool tiers);
// Sets `compared` of each record from the same metric in `previous`.
void compare_records(std::vector<MetricRecord>& current, const std::vector<MetricRecord>& previous);

enum class Format { kNdjson, kJson, kCsv, kTable };
std::optional<Format> parse_format(std::string_view s);

struct ReportSettings {
  Window window;
  std::vector<std::pair<std::string, std::string>> tags;  // --tag, after the fixed ones
  bool tiers = true;
  // --compare previous: the rows of the window before, matched by group.
  const std::vector<GroupMetrics>* previous = nullptr;
  Window previous_window;
};

// The whole report for rows from EventStore::compute (overall row first).
std::string format_report(Format format, const EventStore& store, const std::vector<GroupMetrics>& rows,
                          const ReportSettings& settings);

// A number as JSON text: rounded to 6 decimal places, shortest spelling.
void append_number(std::string& out, double v);
// "30d" for whole days, else the duration spelling ("36h").
std::string window_label(const Window& w);

}  // namespace ndj::dora
