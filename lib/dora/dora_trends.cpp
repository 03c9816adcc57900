// Regression checks of the DORA metrics and their alert and note records.
#include "dora/dora_trends.hpp"

#include <charconv>
#include <cmath>

#include "core/format.hpp"
#include "json/json.hpp"
#include "core/timefmt.hpp"

namespace ndj::dora {

const std::array<const char*, kMetricCount>& metric_names() {
  static const std::array<const char*, kMetricCount> names = {
      "deployment_frequency", "lead_time", "change_failure_rate", "failed_deployment_recovery_time",
      "rework_rate", "time_to_restore"};
  return names;
}

std::optional<size_t> metric_index(std::string_view name) {
  for (size_t i = 0; i < kMetricCount; ++i)
    if (name == metric_names()[i]) return i;
  return std::nullopt;
}

Thresholds default_thresholds() { return {30.0, 30.0, 50.0, 30.0, std::nullopt, std::nullopt}; }

std::optional<std::string> parse_threshold(std::string_view spec, Thresholds& t) {
  auto eq = spec.find('=');
  if (eq == std::string_view::npos) return "expected METRIC=PCT";
  auto metric = metric_index(spec.substr(0, eq));
  if (!metric) return "unknown metric '" + std::string(spec.substr(0, eq)) + "'";
  std::string_view pct = spec.substr(eq + 1);
  if (!pct.empty() && pct.back() == '%') pct.remove_suffix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(pct.data(), pct.data() + pct.size(), v);
  if (pct.empty() || ec != std::errc() || end != pct.data() + pct.size() || !(v > 0) || !std::isfinite(v))
    return "expected a positive percentage, got '" + std::string(spec.substr(eq + 1)) + "'";
  t[*metric] = v;
  return std::nullopt;
}

std::optional<std::string> parse_goal(std::string_view spec, Goal& goal) {
  auto at = spec.find_first_of("<>");
  if (at == std::string_view::npos) return "expected METRIC<=VALUE (or >=, <, >)";
  auto metric = metric_index(spec.substr(0, at));
  if (!metric) return "unknown metric '" + std::string(spec.substr(0, at)) + "'";
  bool less = spec[at] == '<', or_equal = at + 1 < spec.size() && spec[at + 1] == '=';
  goal.op = less ? (or_equal ? Goal::Op::kLe : Goal::Op::kLt) : (or_equal ? Goal::Op::kGe : Goal::Op::kGt);
  std::string_view value = spec.substr(at + (or_equal ? 2 : 1));
  double v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  std::string_view unit(end, value.data() + value.size() - end);
  const std::string_view kind = metric_records(GroupMetrics{}, 1, false)[*metric].unit;
  double scale = 0;
  if (kind == "hours") {
    scale = unit.empty() || unit == "h" ? 1 : unit == "d" ? 24 : unit == "m" ? 1.0 / 60 : unit == "s" ? 1.0 / 3600 : 0;
  } else if (kind == "percent") {
    scale = unit.empty() || unit == "%" ? 1 : 0;
  } else {
    scale = unit.empty() || unit == "/day" ? 1 : unit == "/week" ? 1.0 / 7 : 0;
  }
  if (value.empty() || ec != std::errc() || end == value.data() || !std::isfinite(v) || v < 0)
    return "expected a non-negative number after the comparison in '" + std::string(spec) + "'";
  if (scale == 0) return "unit '" + std::string(unit) + "' does not fit " + metric_names()[*metric];
  goal.metric = *metric;
  goal.target = v * scale;
  goal.text = spec;
  return std::nullopt;
}

namespace {

const GroupMetrics* find_row(const std::vector<GroupMetrics>& rows, uint32_t group) {
  for (const auto& r : rows)
    if (r.group == group) return &r;
  return nullptr;
}

// Why a metric cannot be compared, or nullptr. Deployment frequency always
// has a value (0 without deployments), so it needs deployments in the
// baseline instead; a recent drop to 0 is a real -100%.
const char* skip_reason(size_t metric, const MetricRecord& recent, const MetricRecord& baseline) {
  if (metric == 0) return baseline.n == 0 ? "no successful deployments in the baseline window" : nullptr;
  if (!recent.value && !baseline.value) return "insufficient data in both windows";
  if (!recent.value) return "insufficient data in the recent window";
  if (!baseline.value) return "insufficient data in the baseline window";
  if (*baseline.value == 0) return "baseline value is 0: no relative change";
  return nullptr;
}

}  // namespace

std::vector<RegressionCheck> find_regressions(const EventStore& store, const RegressionWindows& w,
                                              const Thresholds& thresholds) {
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
    auto recent = metric_records(r ? *r : none, w.recent.days(), false);
    auto baseline = metric_records(b ? *b : none, w.baseline.days(), false);
    for (size_t m = 0; m < kMetricCount; ++m) {
      if (!thresholds[m]) continue;
      RegressionCheck c{row.group, m, recent[m].value, baseline[m].value, std::nullopt,
                        m == 0 ? -*thresholds[m] : *thresholds[m]};
      c.skipped = skip_reason(m, recent[m], baseline[m]);
      if (!c.skipped) {
        c.change_pct = (*c.recent - *c.baseline) / *c.baseline * 100;
        // Rounded as written, so the record never shows a change just short of its threshold.
        double shown = std::round(*c.change_pct * 1e6) / 1e6;
        c.alert = m == 0 ? shown <= c.threshold_pct : shown >= c.threshold_pct;
      }
      if (c.alert || c.skipped) out.push_back(c);
    }
  }
  return out;
}

namespace {

void append_optional(std::string& out, const std::optional<double>& v) {
  if (v) append_number(out, *v);
  else out.append("null");
}

std::string group_label(const EventStore& store, uint32_t group) {
  if (group == kOverall) return "all";
  std::string s;
  for (size_t i = 0; i < store.group_fields().size(); ++i) {
    const auto& v = store.group(group)[i];
    s += (i ? ", " : "") + store.group_fields()[i] + "=" + (v.present ? v.text : "(none)");
  }
  return s;
}

}  // namespace

std::string format_regressions(Format format, const EventStore& store, const std::vector<RegressionCheck>& checks,
                               const RegressionWindows& w) {
  std::string out;
  if (format == Format::kTable) {
    out += "\nregressions: " + window_label(w.recent) + " to " + time_text(w.recent.until) + " against the " +
           window_label(w.baseline) + " before\n";
    size_t alerts = 0;
    for (const auto& c : checks) {
      std::string line = "  " + std::string(c.alert ? "ALERT   " : "skipped ") + metric_names()[c.metric] + ", " +
                         group_label(store, c.group) + ": ";
      if (c.alert) {
        ++alerts;
        line += fixed(*c.baseline, 2) + " -> " + fixed(*c.recent, 2) + " (" + fixed(*c.change_pct, 1, true) +
                "%, threshold " + fixed(c.threshold_pct, 0, true) + "%)";
      } else {
        line += c.skipped;
      }
      out += line + "\n";
    }
    if (!alerts) out += "  no regression\n";
    return out;
  }
  const std::string recent_since = time_text(w.recent.since), baseline_since = time_text(w.baseline.since),
                    until = time_text(w.recent.until);
  const bool array = format == Format::kJson;
  if (array) out.push_back('[');
  for (const auto& c : checks) {
    if (array && out.size() > 1) out.push_back(',');
    out.append(c.alert ? "{\"alert\":\"regression\"" : "{\"note\":\"regression_not_checked\"");
    out.append(",\"metric\":\"").append(metric_names()[c.metric]).append("\",\"group\":");
    append_group_object(out, store, c.group);
    if (c.alert) {
      out.append(",\"recent\":");
      append_optional(out, c.recent);
      out.append(",\"baseline\":");
      append_optional(out, c.baseline);
      out.append(",\"change_pct\":");
      append_optional(out, c.change_pct);
      out.append(",\"threshold_pct\":");
      append_number(out, c.threshold_pct);
    } else {
      out.append(",\"reason\":");
      append_json_string(out, c.skipped);
    }
    out.append(",\"recent_since\":\"").append(recent_since).append("\",\"baseline_since\":\"");
    out.append(baseline_since).append("\",\"until\":\"").append(until).append(array ? "\"}" : "\"}\n");
  }
  if (array) out.push_back(']');
  return out;
}

}  // namespace ndj::dora
