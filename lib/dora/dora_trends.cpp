// Regression checks of the DORA metrics and the buckets of a time series.
#include "dora/dora_trends.hpp"

#include <charconv>
#include <cmath>

#include "core/timefmt.hpp"

namespace ndj::dora {

Thresholds default_thresholds() {
  Thresholds t;
  for (const auto& info : metric_table()) t[static_cast<size_t>(info.metric)] = info.regression_pct;
  return t;
}

std::optional<std::string> parse_threshold(std::string_view spec, Thresholds& t) {
  auto eq = spec.find('=');
  if (eq == std::string_view::npos) return "expected METRIC=PCT or METRIC=off";
  auto metric = find_metric(spec.substr(0, eq));
  if (!metric) return "unknown metric '" + std::string(spec.substr(0, eq)) + "'";
  std::string_view pct = spec.substr(eq + 1);
  if (pct == "off") {
    t[static_cast<size_t>(*metric)].reset();
    return std::nullopt;
  }
  if (!pct.empty() && pct.back() == '%') pct.remove_suffix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(pct.data(), pct.data() + pct.size(), v);
  if (pct.empty() || ec != std::errc() || end != pct.data() + pct.size() || !(v > 0) || !std::isfinite(v))
    return "expected a positive percentage or off, got '" + std::string(spec.substr(eq + 1)) + "'";
  t[static_cast<size_t>(*metric)] = v;
  return std::nullopt;
}

namespace {

const GroupMetrics* find_row(const std::vector<GroupMetrics>& rows, uint32_t group) {
  for (const auto& r : rows)
    if (r.group == group) return &r;
  return nullptr;
}

// Why a metric cannot be compared, or nullptr. A rate (deployment
// frequency) always has a value (0 without deployments), so it needs
// deployments in the baseline instead; a recent drop, even to few or no
// deployments, is a real one.
const char* skip_reason(const MetricInfo& info, const MetricRecord& recent, const MetricRecord& baseline) {
  if (info.aggregation == Aggregation::kRate) {
    if (baseline.n == 0) return "no successful deployments in the baseline window";
    return baseline.low_n ? "too few successful deployments in the baseline window" : nullptr;
  }
  if (!recent.value && !baseline.value) return "insufficient data in both windows";
  if (!recent.value) return "insufficient data in the recent window";
  if (!baseline.value) return "insufficient data in the baseline window";
  if (recent.low_n && baseline.low_n) return "too few samples in both windows";
  if (recent.low_n) return "too few samples in the recent window";
  if (baseline.low_n) return "too few samples in the baseline window";
  if (*baseline.value == 0) return "baseline value is 0: no relative change";
  return nullptr;
}

}  // namespace

std::vector<RegressionCheck> find_regressions(const EventStore& store, const RegressionWindows& w,
                                              const Thresholds& thresholds, uint64_t min_samples) {
  // The union window's rows name every group with data in either window, in order.
  auto all = store.compute({w.baseline.since, w.recent.until});
  auto recent_rows = store.compute(w.recent);
  auto baseline_rows = store.compute(w.baseline);
  std::vector<RegressionCheck> out;
  for (const auto& row : all) {
    GroupMetrics none;
    none.group = row.group;
    const GroupMetrics* r = find_row(recent_rows, row.group);
    const GroupMetrics* b = find_row(baseline_rows, row.group);
    auto recent = metric_records(r ? *r : none, w.recent.days(), false, min_samples);
    auto baseline = metric_records(b ? *b : none, w.baseline.days(), false, min_samples);
    const bool deployed = row.group == kOverall || (r && r->total_deployments) || (b && b->total_deployments);
    for (const auto& info : metric_table()) {
      const size_t m = static_cast<size_t>(info.metric);
      if (!thresholds[m]) continue;
      if (!deployed && recent[m].n == 0 && baseline[m].n == 0) continue;
      const bool higher = info.better == Better::kHigher;
      RegressionCheck c{row.group, info.metric, recent[m].value, baseline[m].value, std::nullopt,
                        higher ? -*thresholds[m] : *thresholds[m]};
      c.skipped = skip_reason(info, recent[m], baseline[m]);
      if (!c.skipped) {
        c.change_pct = (*c.recent - *c.baseline) / *c.baseline * 100;
        // Rounded as written, so the record never shows a change just short of its threshold.
        double shown = std::round(*c.change_pct * 1e6) / 1e6;
        c.alert = higher ? shown <= c.threshold_pct : shown >= c.threshold_pct;
      }
      if (c.alert || c.skipped) out.push_back(c);
    }
  }
  return out;
}

}  // namespace ndj::dora
