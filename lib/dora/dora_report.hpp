// DORA metrics as output: the metric records of a computed window and the
// regression checks as text in the ndj-dora formats (ndjson, snapshot,
// json, csv, table, prom), with the helpers the series and the page share.
// Other views of the same numbers (time series, the page) build on it.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/choices.hpp"
#include "dora/dora.hpp"
#include "dora/dora_trends.hpp"
#include "dora/metrics.hpp"
#include "dora/source_tags.hpp"

namespace ndj::dora {

// kHtml is a page drawn from a series: see dora_html.hpp. kSnapshot: the
// five DORA records of the overall row in the shape of the control plane's
// metrics snapshot, with the tags of `ReportSettings::source`.
enum class Format { kNdjson, kSnapshot, kJson, kCsv, kTable, kProm, kHtml };
extern const Choices<Format> kFormats;

struct ReportSettings {
  Window window;
  // --tag, after the fixed ones or in their place; an empty value removes the tag.
  std::vector<std::pair<std::string, std::string>> tags;
  const SourceTags* source = nullptr;  // Format::kSnapshot: the detected tags
  bool tiers = true;
  uint64_t min_samples = kDefaultMinSamples;  // --min-samples: fewer is low_n
  // --compare previous: the rows of the window before, matched by group.
  const std::vector<GroupMetrics>* previous = nullptr;
  Window previous_window;
  std::vector<Goal> goals;  // in the order given, none expired
  const char* bucket = nullptr;  // --bucket: "day", "week" or "month"
  // --regressions: written after the metrics (ndjson, table, csv) or as
  // the document's "regressions" (json).
  const std::vector<RegressionCheck>* regressions = nullptr;
  RegressionWindows regression_windows;
  // A bucket cut short by the window or reaching past now: its deployment
  // frequency is over `covered` (the part up to now), without a tier, and
  // none when that is under a day (a rate per day is never extrapolated).
  bool partial = false;
  Window covered;
  // Said in the table, the JSON document, the page and a prom comment: why
  // the report is empty (run.cpp's window_note), or what its lead time
  // measures (lead_time_note).
  std::string note;
  // The definitions set, when not dora: a tag "definitions" says which.
  std::string definitions;
  Shape shape;
};

// A row's metric records with the settings' comparison (the previous
// rows' same group: frequency 0 and the rest null when absent) and goals.
std::vector<MetricRecord> row_records(const GroupMetrics& row, const ReportSettings& settings);
// "value", "unit", "status", "n", the extra fields, "tier", the comparison
// and the goal of a metric record, as JSON members.
void append_metric_body(std::string& out, const MetricRecord& r);
// `,"note":"..."` when the settings have a note.
void append_note(std::string& out, const ReportSettings& s);
// Closes the rows array of a JSON document and the document, with the
// regression checks of `s` between them when it has any.
void append_json_end(std::string& out, const EventStore& store, const ReportSettings& s);
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

// Alert and note records as NDJSON lines, as a section of the table, or
// (Format::kJson) as a JSON array of the same records.
std::string format_regressions(Format format, const EventStore& store, const std::vector<RegressionCheck>& checks,
                               const RegressionWindows& w);

// "acknowledged 2026-03-28T09:00:00Z, silenced until 2026-03-29T09:00:00Z"
// of a suppressed alert.
std::string silenced_text(const RegressionCheck& c);

// A number as JSON text: rounded to 6 decimal places, shortest spelling.
void append_number(std::string& out, double v);
// A row's "group" object: {} for the overall row, else field: JSON value.
void append_group_object(std::string& out, const EventStore& store, uint32_t group);
// "30d" for whole days, else the duration spelling ("36h").
std::string window_label(const Window& w);
// RFC 3339 UTC to the second.
std::string time_text(TimeNs t);
// A record's value as the table shows it, in the scale its size calls for
// (display_text): "1.5/day", "12.5 %", "42 min", "3.2 d"; "-" without one.
std::string value_text(const MetricRecord& r, bool by_week = false);
// Two values of unit `u` in the scale of the larger: "5.6 % -> 25.0 %" with
// `between` " -> ", "0.0 to 3.5/week" with " to " and `both_units` false.
std::string pair_text(Unit u, double a, double b, const char* between, bool both_units, bool by_week = false);
// "previous 4.0 h (-50.0%)": the previous value of a compared record in
// the scale of its value, with the change; "previous: no data".
std::string previous_text(const MetricRecord& r, bool by_week = false);
// The table's note of a goal of `r`: "goal lead_time<=24h met",
// "MISSED goal ...", "goal ...: no data" or "goal ...: too few samples".
std::string goal_note(const MetricRecord& r, const Goal& g);
// The table's note under the metrics when a value is low_n.
std::string low_n_footnote(uint64_t min_samples);
// "all", or the group's "field=value" pairs ("(none)" for an absent value).
std::string group_label(const EventStore& store, uint32_t group);

}  // namespace ndj::dora
