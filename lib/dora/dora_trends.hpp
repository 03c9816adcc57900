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

#include "dora/dora.hpp"
#include "dora/dora_report.hpp"

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

// Checks every group with data in either window (overall row first, groups
// sorted as in compute()). Only breaches and skipped checks are returned.
std::vector<RegressionCheck> find_regressions(const EventStore& store, const RegressionWindows& w,
                                              const Thresholds& thresholds);

// Alert and note records as NDJSON lines, as a section of the table, or
// (Format::kJson) as a JSON array of the same records.
std::string format_regressions(Format format, const EventStore& store, const std::vector<RegressionCheck>& checks,
                               const RegressionWindows& w);

}  // namespace ndj::dora
