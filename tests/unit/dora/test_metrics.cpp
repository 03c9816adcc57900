// The DORA metric table: complete rows, unique names, lookups, tiers at the
// table's bounds, goal units, and records built from it.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>

#include "dora/metrics.hpp"

using namespace ndj;
using namespace ndj::dora;

TEST_CASE("every metric row has all its fields") {
  REQUIRE(metric_table().size() == kMetricCount);
  for (size_t i = 0; i < kMetricCount; ++i) {
    const MetricInfo& info = metric_table()[i];
    INFO(info.name);
    CHECK(static_cast<size_t>(info.metric) == i);
    CHECK(&metric_info(info.metric) == &info);
    CHECK(std::string(info.name).size() > 0);
    CHECK(std::string(info.label).size() > 0);
    CHECK(std::string(info.help).rfind("DORA ", 0) == 0);
    CHECK(std::string(info.counted).size() > 0);
    CHECK(std::string(unit_info(info.unit).name).size() > 0);
    CHECK(info.measure != nullptr);
    if (info.regression_pct) CHECK(*info.regression_pct > 0);
    if (info.tiers) {
      const TierBounds& t = *info.tiers;
      if (info.better == Better::kHigher) CHECK((t.elite > t.high && t.high > t.medium));
      else CHECK((t.elite < t.high && t.high < t.medium));
    }
    // The note counts a field the record has.
    auto r = metric_records(GroupMetrics{}, 1, false, 0)[i];
    CHECK(r.metric == info.metric);
    if (info.note) CHECK(r.field(info.note->count).has_value());
    CHECK((info.aggregation == Aggregation::kMedian) == (info.unit == Unit::kHours));
  }
}

TEST_CASE("metric names, labels and details are unique; lookups round-trip") {
  std::set<std::string> names, labels, details;
  for (const auto& info : metric_table()) {
    names.insert(info.name);
    labels.insert(info.label);
    REQUIRE(find_metric(info.name) == info.metric);
  }
  CHECK(names.size() == kMetricCount);
  CHECK(labels.size() == kMetricCount);
  CHECK_FALSE(find_metric("lead"));
  CHECK_FALSE(find_metric(""));
  for (size_t d = 0; d < kDetailCount; ++d) details.insert(detail_info(static_cast<Detail>(d)).name);
  CHECK(details.size() == kDetailCount);
}

TEST_CASE("tiers agree with the table's bounds") {
  for (const auto& info : metric_table()) {
    INFO(info.name);
    if (!info.tiers) {
      CHECK(tier(info.metric, 0) == nullptr);
      continue;
    }
    const TierBounds& t = *info.tiers;
    const double worse = info.better == Better::kHigher ? -INFINITY : INFINITY;
    const char* names[] = {"elite", "high", "medium", "low"};
    const double bounds[] = {t.elite, t.high, t.medium};
    for (int i = 0; i < 3; ++i) {
      const double beyond = std::nextafter(bounds[i], worse);
      CHECK(std::string(tier(info.metric, bounds[i])) == names[t.inclusive ? i : i + 1]);
      CHECK(std::string(tier(info.metric, beyond)) == names[i + 1]);
    }
  }
  CHECK(std::string(tier(Metric::kDeploymentFrequency, 4.0 / 28)) == "high");
  CHECK(std::string(tier(Metric::kChangeFailureRate, 100.0 * 1 / 10)) == "high");
}

TEST_CASE("goals take their metric's unit suffixes") {
  Goal g;
  REQUIRE_FALSE(parse_goal("lead_time<=2d", g));
  CHECK(g.metric == Metric::kLeadTime);
  CHECK(g.op == Goal::Op::kLe);
  CHECK(g.target == 48);
  REQUIRE_FALSE(parse_goal("deployment_frequency>=7/week", g));
  CHECK(g.target == Approx(1));
  CHECK(g.op == Goal::Op::kGe);
  REQUIRE_FALSE(parse_goal("change_failure_rate<15%", g));
  CHECK(g.target == 15);
  CHECK(g.op == Goal::Op::kLt);
  CHECK(*parse_goal("change_failure_rate<15h", g) == "unit 'h' does not fit change_failure_rate");
  CHECK(*parse_goal("speed>1", g) == "unknown metric 'speed'");
  CHECK(*parse_goal("lead_time<=", g) == "expected a non-negative number after the comparison in 'lead_time<='");
}

TEST_CASE("records take value, n and fields from the row") {
  const GroupMetrics m{.successful_deployments = 14, .total_deployments = 20, .failed_deployments = 3,
                       .rework_deployments = 1, .lead_time = {}, .recovery = {}, .restore = {},
                       .open_incidents = 2};
  auto r = metric_records(m, 7, true, 0);
  REQUIRE(r.size() == kMetricCount);
  CHECK(*r[0].value == 2);
  CHECK(*r[0].field(Detail::kPerWeek) == 14);
  CHECK(std::string(r[0].tier) == "elite");
  CHECK(*r[2].value == 15);
  CHECK(r[2].n == 20);
  CHECK(std::string(r[2].tier) == "medium");
  CHECK(*r[2].field(Detail::kFailures) == 3);
  CHECK(*r[4].value == 5);
  CHECK(r[4].tier == nullptr);
  CHECK_FALSE(r[5].value);
  CHECK(*r[5].field(Detail::kOpen) == 2);
  CHECK_FALSE(r[5].field(Detail::kFailures));
}

TEST_CASE("values are shown in the scale their size calls for") {
  CHECK(display_text(Unit::kHours, 0.7) == "42 min");
  CHECK(display_text(Unit::kHours, 0.005) == "18 s");
  CHECK(display_text(Unit::kHours, 0.9999) == "1.0 h");  // 59.99 min would show as 60
  CHECK(display_text(Unit::kHours, 6.5) == "6.5 h");
  CHECK(display_text(Unit::kHours, 47.9) == "47.9 h");
  CHECK(display_text(Unit::kHours, 48) == "2.0 d");
  CHECK(display_text(Unit::kHours, 6773.65) == "282.2 d");
  CHECK(display_text(Unit::kHours, 0) == "0.0 h");
  CHECK(display_text(Unit::kPerDay, 2.5) == "2.5/day");
  CHECK(display_text(Unit::kPerDay, 0.5) == "3.5/week");
  CHECK(display_text(Unit::kPerDay, 1.0 / 30) == "1.0/month");
  CHECK(display_text(Unit::kPerDay, 0) == "0.0/day");
  CHECK(display_text(Unit::kPerDay, 2.5, true) == "17.5/week");
  CHECK(display_text(Unit::kPerDay, 0, true) == "0.0/week");
  CHECK(display_text(Unit::kPercent, 57.142857) == "57.1 %");
  CHECK(display_text(Unit::kHours, 50.0, false) == display_text(Unit::kHours, 50.0, true));
}

TEST_CASE("a value from fewer than min_samples samples is low_n and has no tier") {
  const GroupMetrics m{.successful_deployments = 1, .total_deployments = 1, .failed_deployments = 1,
                       .rework_deployments = 0, .lead_time = {.n = 5, .median = 2, .mean = 2, .p90 = 2},
                       .recovery = {}, .restore = {}};
  auto r = metric_records(m, 30, true, 5);
  CHECK(r[2].low_n);  // change failure rate: 1 deployment
  CHECK(*r[2].value == 100);
  CHECK(r[2].tier == nullptr);
  CHECK(r[0].low_n);
  CHECK_FALSE(r[1].low_n);  // lead time: 5 changes
  CHECK(std::string(r[1].tier) == "elite");
  CHECK_FALSE(r[3].low_n);  // no value: insufficient data, not low_n
  r = metric_records(m, 30, true, 0);
  CHECK_FALSE(r[2].low_n);
  CHECK(std::string(r[2].tier) == "low");
}
