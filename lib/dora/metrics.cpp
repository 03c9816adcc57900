// The DORA metric table and the metric records of a computed row.
#include "dora/metrics.hpp"

#include <charconv>
#include <cmath>

#include "core/format.hpp"

namespace ndj::dora {

namespace {

MetricField count(Detail d, uint64_t n) { return {d, n, std::nullopt}; }
MetricField number(Detail d, std::optional<double> v) { return {d, 0, v}; }

std::optional<double> percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

// The median of `d`, with mean and p90.
void distribution(const Distribution& d, MetricRecord& r) {
  r.n = d.n;
  if (d.n) r.value = d.median;
  r.fields.push_back(number(Detail::kMean, d.n ? std::optional(d.mean) : std::nullopt));
  r.fields.push_back(number(Detail::kP90, d.n ? std::optional(d.p90) : std::nullopt));
}

void deployment_frequency(const GroupMetrics& m, double days, MetricRecord& r) {
  const double per_day = days > 0 ? static_cast<double>(m.successful_deployments) / days : 0;
  r.value = per_day;
  r.n = m.successful_deployments;
  r.fields.push_back(number(Detail::kPerWeek, per_day * 7));
}

void lead_time(const GroupMetrics& m, double, MetricRecord& r) {
  distribution(m.lead_time, r);
  r.fields.push_back(count(Detail::kNegative, m.negative_lead_times));
}

// `part` of the deployments in percent, with the count of each.
void share_of_deployments(uint64_t part, Detail d, const GroupMetrics& m, MetricRecord& r) {
  r.value = percent(part, m.total_deployments);
  r.n = m.total_deployments;
  r.fields.push_back(count(d, part));
  r.fields.push_back(count(Detail::kTotalDeployments, m.total_deployments));
}

void change_failure_rate(const GroupMetrics& m, double, MetricRecord& r) {
  share_of_deployments(m.failed_deployments, Detail::kFailures, m, r);
}

void recovery_time(const GroupMetrics& m, double, MetricRecord& r) {
  distribution(m.recovery, r);
  r.fields.push_back(count(Detail::kUnrecovered, m.unrecovered));
  r.fields.push_back(count(Detail::kNegative, m.negative_recoveries));
}

void rework_rate(const GroupMetrics& m, double, MetricRecord& r) {
  share_of_deployments(m.rework_deployments, Detail::kReworkDeployments, m, r);
}

void time_to_restore(const GroupMetrics& m, double, MetricRecord& r) {
  distribution(m.restore, r);
  r.fields.push_back(count(Detail::kOpen, m.open_incidents));
}

constexpr MetricInfo kMetrics[] = {
    {.metric = Metric::kDeploymentFrequency,
     .name = "deployment_frequency",
     .label = "deployment frequency",
     .unit = Unit::kPerDay,
     .better = Better::kHigher,
     .aggregation = Aggregation::kRate,
     .tiers = TierBounds{1.0, 1.0 / 7, 1.0 / 30, true},
     .regression_pct = 30.0,
     .prom = "deployment_frequency_per_second",
     .help = "DORA deployment frequency, successful deployments per second (times 86400: per day)",
     .counted = "successful deployments",
     .note = std::nullopt,
     .measure = deployment_frequency},
    {.metric = Metric::kLeadTime,
     .name = "lead_time",
     .label = "lead time (median)",
     .unit = Unit::kHours,
     .better = Better::kLower,
     .aggregation = Aggregation::kMedian,
     .tiers = TierBounds{24, 24 * 7, 24 * 30, false},
     .regression_pct = 30.0,
     .prom = "lead_time_seconds",
     .help = "DORA lead time (median), seconds",
     .counted = "changes",
     .note = std::nullopt,
     .measure = lead_time},
    {.metric = Metric::kChangeFailureRate,
     .name = "change_failure_rate",
     .label = "change failure rate",
     .unit = Unit::kPercent,
     .better = Better::kLower,
     .aggregation = Aggregation::kShare,
     .tiers = TierBounds{5, 10, 15, true},
     .regression_pct = 50.0,
     .prom = "change_failure_ratio",
     .help = "DORA change failure rate, failed deployments / deployments",
     .counted = "deployments",
     .note = Note{Detail::kFailures, true, "deployments failed"},
     .measure = change_failure_rate},
    {.metric = Metric::kRecoveryTime,
     .name = "failed_deployment_recovery_time",
     .label = "recovery time (median)",
     .unit = Unit::kHours,
     .better = Better::kLower,
     .aggregation = Aggregation::kMedian,
     .tiers = TierBounds{1, 24, 24 * 7, false},
     .regression_pct = 30.0,
     .prom = "failed_deployment_recovery_time_seconds",
     .help = "DORA failed deployment recovery time (median), seconds",
     .counted = "recovered failed deployments",
     .note = Note{Detail::kUnrecovered, false, "unrecovered"},
     .measure = recovery_time},
    {.metric = Metric::kReworkRate,
     .name = "rework_rate",
     .label = "rework rate",
     .unit = Unit::kPercent,
     .better = Better::kLower,
     .aggregation = Aggregation::kShare,
     .tiers = std::nullopt,
     .regression_pct = 50.0,  // a share of deployments, as change_failure_rate
     .prom = "rework_ratio",
     .help = "DORA rework rate, unplanned deployments / deployments",
     .counted = "deployments",
     .note = Note{Detail::kReworkDeployments, true, "unplanned"},
     .measure = rework_rate},
    {.metric = Metric::kTimeToRestore,
     .name = "time_to_restore",
     .label = "time to restore (median)",
     .unit = Unit::kHours,
     .better = Better::kLower,
     .aggregation = Aggregation::kMedian,
     .tiers = std::nullopt,
     .regression_pct = 30.0,  // as the other times
     .prom = "time_to_restore_seconds",
     .help = "DORA time to restore (median), seconds",
     .counted = "resolved incidents",
     .note = Note{Detail::kOpen, false, "open"},
     .measure = time_to_restore},
};
static_assert(std::size(kMetrics) == kMetricCount);
static_assert([] {
  for (size_t i = 0; i < kMetricCount; ++i)
    if (static_cast<size_t>(kMetrics[i].metric) != i) return false;
  return true;
}(), "row i of the table is Metric i");

constexpr DetailInfo kDetails[] = {
    {"mean", false},
    {"p90", false},
    {"per_week", false},
    {"failures", true},
    {"total_deployments", true},
    {"rework_deployments", true},
    {"unrecovered", true},
    {"open", true},
    {"negative", true},
};
static_assert(std::size(kDetails) == kDetailCount);

constexpr GoalSuffix kPerDaySuffixes[] = {{"", 1}, {"/day", 1}, {"/week", 1.0 / 7}};
constexpr GoalSuffix kHourSuffixes[] = {{"", 1}, {"h", 1}, {"d", 24}, {"m", 1.0 / 60}, {"s", 1.0 / 3600}};
constexpr GoalSuffix kPercentSuffixes[] = {{"", 1}, {"%", 1}};
// per_week counts in weeks: a bare number is per week.
constexpr GoalSuffix kPerWeekSuffixes[] = {{"", 1}, {"/week", 1}, {"/day", 7}};

// A statistic a goal may name: the record's value or one of its fields.
struct GoalStat {
  const char* name;
  std::optional<Aggregation> of;  // the metrics it applies to; nullopt: all
  std::optional<Detail> field;    // nullopt: the value
  double per_value;               // Goal::per_value
  std::span<const GoalSuffix> suffixes;  // empty: the unit's
};
constexpr GoalStat kGoalStats[] = {
    {"value", std::nullopt, std::nullopt, 1, {}},
    {"median", Aggregation::kMedian, std::nullopt, 1, {}},
    {"p50", Aggregation::kMedian, std::nullopt, 1, {}},
    {"mean", Aggregation::kMedian, Detail::kMean, 0, {}},
    {"p90", Aggregation::kMedian, Detail::kP90, 0, {}},
    {"per_day", Aggregation::kRate, std::nullopt, 1, {}},
    {"per_week", Aggregation::kRate, Detail::kPerWeek, 1.0 / 7, kPerWeekSuffixes},
};

// Seconds and minutes whole; a day of hours from 48 h on; a month of 30 days.
constexpr double kAlways = INFINITY;
constexpr DisplayScale kPerDayScales[] = {
    {"/month", "/month", 1.0 / 30, 1, 30.0 / 7}, {"/week", "/week", 1.0 / 7, 1, 7}, {"/day", "/day", 1, 1, kAlways}};
constexpr DisplayScale kHourScales[] = {
    {"s", " s", 1.0 / 3600, 0, 60}, {"min", " min", 1.0 / 60, 0, 60}, {"h", " h", 1, 1, 48}, {"d", " d", 24, 1, kAlways}};
constexpr DisplayScale kPercentScales[] = {{"%", " %", 1, 1, kAlways}};

constexpr UnitInfo kUnits[] = {
    {"per_day", kPerDaySuffixes, kPerDayScales, 1.0 / 86400},
    {"hours", kHourSuffixes, kHourScales, 3600},
    {"percent", kPercentSuffixes, kPercentScales, 0.01},
};

}  // namespace

std::span<const MetricInfo, kMetricCount> metric_table() { return kMetrics; }
const MetricInfo& metric_info(Metric m) { return kMetrics[static_cast<size_t>(m)]; }
const DetailInfo& detail_info(Detail d) { return kDetails[static_cast<size_t>(d)]; }
const UnitInfo& unit_info(Unit u) { return kUnits[static_cast<size_t>(u)]; }

std::pair<const char*, double> MetricRecord::written_unit() const {
  if (metric == Metric::kDeploymentFrequency && shape.frequency_per_week) return {"per_week", 7.0};
  if (info().unit == Unit::kPercent && shape.rate_as_fraction) return {"fraction", 0.01};
  return {unit_info(info().unit).name, 1.0};
}

namespace {
double rounded(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}
}  // namespace

const DisplayScale& display_scale(Unit u, double v, bool by_week) {
  const auto scales = unit_info(u).scales;
  for (const auto& s : scales) {
    if (u == Unit::kPerDay && by_week) {
      if (std::string_view(s.unit) == "/week") return s;
    } else if (v == 0 ? s.size == 1 : rounded(std::fabs(v) / s.size, s.digits) < s.below) {
      return s;
    }
  }
  return scales.back();
}

std::string display_number(double v, const DisplayScale& scale) {
  std::string text = fixed(v / scale.size, scale.digits);
  if (text.find_first_not_of("-0.") == std::string::npos) text = fixed(0, scale.digits);  // no "-0.0"
  return text;
}

std::string display_text(double v, const DisplayScale& scale) { return display_number(v, scale) + scale.suffix; }

std::string display_text(Unit u, double v, bool by_week) { return display_text(v, display_scale(u, v, by_week)); }

std::optional<Metric> find_metric(std::string_view name) {
  for (const auto& info : kMetrics)
    if (name == info.name) return info.metric;
  return std::nullopt;
}

const char* tier(Metric m, double v) {
  const MetricInfo& info = metric_info(m);
  if (!info.tiers) return nullptr;
  const TierBounds& t = *info.tiers;
  auto within = [&](double bound) {
    if (info.better == Better::kHigher) return t.inclusive ? v >= bound : v > bound;
    return t.inclusive ? v <= bound : v < bound;
  };
  return within(t.elite) ? "elite" : within(t.high) ? "high" : within(t.medium) ? "medium" : "low";
}

std::optional<double> MetricRecord::field(Detail d) const {
  for (const auto& f : fields)
    if (f.detail == d) return detail_info(d).is_count ? std::optional(static_cast<double>(f.count)) : f.number;
  return std::nullopt;
}

std::vector<MetricRecord> metric_records(const GroupMetrics& m, double days, bool tiers, uint64_t min_samples) {
  std::vector<MetricRecord> out(kMetricCount);
  for (const auto& info : kMetrics) {
    MetricRecord& r = out[static_cast<size_t>(info.metric)];
    r.metric = info.metric;
    info.measure(m, days, r);
    r.low_n = r.value && r.n < min_samples;
    if (tiers && r.value && !r.low_n) r.tier = tier(info.metric, *r.value);
  }
  return out;
}

void compare_records(std::vector<MetricRecord>& current, const std::vector<MetricRecord>& previous) {
  for (size_t i = 0; i < current.size() && i < previous.size(); ++i) {
    Comparison c;
    c.previous = previous[i].value;
    if (current[i].value && c.previous) {
      c.change = *current[i].value - *c.previous;
      if (*c.previous != 0) c.change_pct = *c.change / *c.previous * 100;
    }
    current[i].compared = c;
  }
}

bool Goal::met_by(double value) const {
  auto written = [](double x) { return std::round(x * 1e6) / 1e6; };
  const double v = written(value), t = written(target);
  switch (op) {
    case Op::kLe: return v <= t;
    case Op::kGe: return v >= t;
    case Op::kLt: return v < t;
    case Op::kGt: return v > t;
    case Op::kRange: return v >= t && v <= written(high);
  }
  return false;
}

std::optional<bool> MetricRecord::met(const Goal& g) const {
  const auto v = g.field ? field(*g.field) : value;
  if (!v || low_n) return std::nullopt;
  return g.met_by(*v);
}

std::string MetricRecord::goal_text() const {
  std::string text;
  for (const Goal* g : goals) text += (text.empty() ? "" : " and ") + g->text;
  return text;
}

void MetricRecord::judge(std::span<const Goal> all) {
  goals.clear();
  goal_met.reset();
  bool unknown = false;
  for (const auto& g : all) {
    if (g.metric != metric) continue;
    goals.push_back(&g);
    auto m = met(g);
    if (m == false) goal_met = false;
    unknown |= !m;
  }
  if (!goals.empty() && goal_met != false && !unknown) goal_met = true;
}

std::string goal_stats(Metric m) {
  std::vector<std::string_view> names;
  for (const auto& s : kGoalStats)
    if (!s.of || *s.of == metric_info(m).aggregation) names.push_back(s.name);
  std::string text;
  for (size_t i = 0; i < names.size(); ++i)
    text.append(i == 0 ? "" : i + 1 == names.size() ? " or " : ", ").append(names[i]);
  return text;
}

namespace {

// A number and the suffix after it: false when there is no non-negative
// finite number at the start.
bool read_amount(std::string_view text, double& v, std::string_view& suffix) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  suffix = std::string_view(end, text.data() + text.size() - end);
  return !text.empty() && ec == std::errc() && end != text.data() && std::isfinite(v) && v >= 0;
}

// The factor of `suffix` among `suffixes`; 0 when it is not one of them.
double suffix_scale(std::span<const GoalSuffix> suffixes, std::string_view suffix) {
  for (const auto& s : suffixes)
    if (suffix == s.suffix) return s.scale;
  return 0;
}

}  // namespace

std::optional<std::string> parse_goal(std::string_view spec, Goal& goal) {
  goal = Goal{};
  std::string_view body = spec;
  if (auto comma = spec.find(','); comma != std::string_view::npos) {
    std::string_view option = spec.substr(comma + 1);
    if (!option.starts_with("until="))
      return "expected ',until=TIME' after the goal in '" + std::string(spec) + "'";
    goal.until_text = option.substr(6);
    goal.until = TimeArg::parse(goal.until_text);
    if (!goal.until)
      return "bad expiry '" + goal.until_text + "' in '" + std::string(spec) + "' (" + kTimeArgForms + ")";
    body = spec.substr(0, comma);
  }
  auto at = body.find_first_of("<>=");
  if (at == std::string_view::npos) return "expected METRIC[.STAT]<=VALUE (or >=, <, >, =LOW..HIGH)";
  std::string_view name = body.substr(0, at), metric_name = name, stat_name = "value";
  if (auto dot = name.find('.'); dot != std::string_view::npos) {
    metric_name = name.substr(0, dot);
    stat_name = name.substr(dot + 1);
  }
  auto metric = find_metric(metric_name);
  if (!metric) return "unknown metric '" + std::string(metric_name) + "'";
  const MetricInfo& info = metric_info(*metric);
  const GoalStat* stat = nullptr;
  for (const auto& s : kGoalStats)
    if (stat_name == s.name && (!s.of || *s.of == info.aggregation)) stat = &s;
  if (!stat)
    return "unknown statistic '" + std::string(stat_name) + "' of " + info.name + ": expected " + goal_stats(*metric);
  const auto suffixes = stat->suffixes.empty() ? unit_info(info.unit).goal_suffixes : stat->suffixes;
  auto misfit = [&](std::string_view unit) {
    return "unit '" + std::string(unit) + "' does not fit " + std::string(name);
  };
  double v = 0;
  std::string_view unit;
  if (body[at] == '=') {
    std::string_view range = body.substr(at + 1);
    auto dots = range.find("..");
    double low = 0;
    std::string_view low_unit;
    if (dots == std::string_view::npos || !read_amount(range.substr(0, dots), low, low_unit) ||
        !read_amount(range.substr(dots + 2), v, unit))
      return "expected LOW..HIGH, two non-negative numbers, after '=' in '" + std::string(spec) + "'";
    // "3..5/week": both ends per week.
    const double high_scale = suffix_scale(suffixes, unit);
    const double low_scale = low_unit.empty() ? high_scale : suffix_scale(suffixes, low_unit);
    if (low_scale == 0) return misfit(low_unit);
    if (high_scale == 0) return misfit(unit);
    goal.op = Goal::Op::kRange;
    goal.target = low * low_scale;
    goal.high = v * high_scale;
    if (goal.target > goal.high) return "the range in '" + std::string(spec) + "' ends below its start";
  } else {
    bool less = body[at] == '<', or_equal = at + 1 < body.size() && body[at + 1] == '=';
    goal.op = less ? (or_equal ? Goal::Op::kLe : Goal::Op::kLt) : (or_equal ? Goal::Op::kGe : Goal::Op::kGt);
    if (!read_amount(body.substr(at + (or_equal ? 2 : 1)), v, unit))
      return "expected a non-negative number after the comparison in '" + std::string(spec) + "'";
    const double scale = suffix_scale(suffixes, unit);
    if (scale == 0) return misfit(unit);
    goal.target = v * scale;
  }
  goal.metric = *metric;
  goal.field = stat->field;
  goal.per_value = stat->per_value;
  goal.text = body;
  return std::nullopt;
}

}  // namespace ndj::dora
