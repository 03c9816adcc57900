// DORA metrics as output: the metric records of a computed window (value,
// unit, sample size, tier, extra fields) and their text in the ndj-dora
// formats. Separate from the computation so other views of the same numbers
// (time series, comparisons, other exports) reuse the records.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dora/dora.hpp"

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

// A target for one metric (--goal 'lead_time<=24h'), in the metric's unit.
struct Goal {
  size_t metric;  // index in record order
  enum class Op { kLe, kGe, kLt, kGt } op;
  double target;
  std::string text;  // as given
  bool met_by(double value) const;
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
  const Goal* goal = nullptr;
  std::optional<bool> goal_met = std::nullopt;  // nullopt: no value to judge
};

// The six metric records of one row, in a fixed order.
std::vector<MetricRecord> metric_records(const GroupMetrics& m, double days, bool tiers);
// Sets `compared` of each record from the same metric in `previous`.
void compare_records(std::vector<MetricRecord>& current, const std::vector<MetricRecord>& previous);

// kHtml is a page drawn from a series: see dora_html.hpp.
enum class Format { kNdjson, kJson, kCsv, kTable, kProm, kHtml };
std::optional<Format> parse_format(std::string_view s);

// A recent window and the baseline window just before it (--regressions).
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

struct ReportSettings {
  Window window;
  std::vector<std::pair<std::string, std::string>> tags;  // --tag, after the fixed ones
  bool tiers = true;
  // --compare previous: the rows of the window before, matched by group.
  const std::vector<GroupMetrics>* previous = nullptr;
  Window previous_window;
  std::vector<Goal> goals;  // at most one per metric
  const char* bucket = nullptr;  // --bucket: "day", "week" or "month"
  // --regressions: written after the metrics (ndjson, table, csv) or as
  // the document's "regressions" (json).
  const std::vector<RegressionCheck>* regressions = nullptr;
  RegressionWindows regression_windows;
};

// A row's metric records with the settings' comparison (the previous
// rows' same group: frequency 0 and the rest null when absent) and goals.
std::vector<MetricRecord> row_records(const GroupMetrics& row, const ReportSettings& settings);
// "value", "unit", "status", "n", the extra fields, "tier", the comparison
// and the goal of a metric record, as JSON members.
void append_metric_body(std::string& out, const MetricRecord& r);
// The CSV lines of rows (with the header line first when `header`); the
// columns depend on the settings, not on the rows.
std::string format_csv(const EventStore& store, const std::vector<GroupMetrics>& rows,
                       const ReportSettings& settings, bool header);
// The regression checks as CSV lines in the columns of format_csv.
std::string format_csv_regressions(const EventStore& store, const ReportSettings& settings);

// The whole report for rows from EventStore::compute (overall row first),
// with the regression checks of the settings.
std::string format_report(Format format, const EventStore& store, const std::vector<GroupMetrics>& rows,
                          const ReportSettings& settings);

// A label name Prometheus accepts: [a-zA-Z_][a-zA-Z0-9_]*, other bytes as
// '_', a leading digit or a reserved leading "__" prefixed (e.g. "_0x", "x__").
std::string prom_label_name(std::string_view name);
// A label value with backslash, double quote and newline escaped.
void append_prom_label_value(std::string& out, std::string_view value);

// A number as JSON text: rounded to 6 decimal places, shortest spelling.
void append_number(std::string& out, double v);
// A row's "group" object: {} for the overall row, else field: JSON value.
void append_group_object(std::string& out, const EventStore& store, uint32_t group);
// "30d" for whole days, else the duration spelling ("36h").
std::string window_label(const Window& w);
// RFC 3339 UTC, with nanoseconds only when not whole seconds.
std::string time_text(TimeNs t);
// "deployment frequency", "lead time (median)", ... for people.
const char* metric_label(const char* metric);

}  // namespace ndj::dora
