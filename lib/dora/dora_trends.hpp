// DORA metrics over time: regression checks (a recent window against the
// baseline before it, per metric and group); the buckets of a time series
// are core/time_bucket's. The metric values are those of metrics.hpp's records, so the
// definitions stay those of ndj-dora; their text is in dora_report.hpp.
#pragma once
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dora/dora.hpp"
#include "dora/metrics.hpp"

namespace ndj::dora {

// Per metric: how far (percent of the baseline value) it may move the worse
// way (metric_info().better) before an alert; nullopt: not checked.
using Thresholds = std::array<std::optional<double>, kMetricCount>;
// The table's regression_pct of every metric.
Thresholds default_thresholds();
// "metric=PCT" into `t` ("metric=off": not checked); the reason when malformed.
std::optional<std::string> parse_threshold(std::string_view spec, Thresholds& t);

// A recent window and the baseline window just before it (--regressions).
struct RegressionWindows {
  Window recent;
  Window baseline;  // ends where recent starts
};

// One checked metric of one group: an alert, or why it could not be checked.
struct RegressionCheck {
  uint32_t group;
  Metric metric;
  std::optional<double> recent, baseline, change_pct;
  double threshold_pct;  // signed: negative for a metric where higher is better
  bool alert = false;
  const char* skipped = nullptr;  // reason it was not compared
  // An alert acknowledged (--alert-state, --ack) at this time, silenced
  // until `silenced_until`: a note, not an alert.
  std::optional<TimeNs> acknowledged_at = std::nullopt;
  TimeNs silenced_until = 0;
  bool fired() const { return alert && !acknowledged_at; }
};

// Checks every group with data in either window (overall row first, groups
// sorted as in compute()). Only breaches and skipped checks are returned;
// a value with fewer than `min_samples` samples is not compared. A group
// without deployments in either window (incidents linked to none) has no
// check of a metric without samples in both.
std::vector<RegressionCheck> find_regressions(const EventStore& store, const RegressionWindows& w,
                                              const Thresholds& thresholds, uint64_t min_samples);

}  // namespace ndj::dora
