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

TEST_CASE("goals name a statistic of their metric") {
  Goal g;
  REQUIRE_FALSE(parse_goal("lead_time.p90<=72h", g));
  CHECK(g.metric == Metric::kLeadTime);
  CHECK(g.field == Detail::kP90);
  CHECK(g.per_value == 0);
  CHECK(g.target == 72);
  CHECK(g.text == "lead_time.p90<=72h");
  REQUIRE_FALSE(parse_goal("time_to_restore.mean<4h", g));
  CHECK(g.field == Detail::kMean);
  for (const char* same : {"lead_time.p50<=1d", "lead_time.median<=1d", "lead_time.value<=1d", "lead_time<=1d"}) {
    REQUIRE_FALSE(parse_goal(same, g));
    CHECK_FALSE(g.field);
    CHECK(g.per_value == 1);
    CHECK(g.target == 24);
  }
  // per_week counts in weeks: a bare number, /week or /day.
  REQUIRE_FALSE(parse_goal("deployment_frequency.per_week>=3", g));
  CHECK(g.field == Detail::kPerWeek);
  CHECK(g.target == 3);
  REQUIRE_FALSE(parse_goal("deployment_frequency.per_week>=1/day", g));
  CHECK(g.target == 7);
  REQUIRE_FALSE(parse_goal("deployment_frequency.per_day>=1", g));
  CHECK_FALSE(g.field);
  CHECK(*parse_goal("lead_time.p99<=1h", g) ==
        "unknown statistic 'p99' of lead_time: expected value, median, p50, mean or p90");
  CHECK(*parse_goal("deployment_frequency.p90>=1", g) ==
        "unknown statistic 'p90' of deployment_frequency: expected value, per_day or per_week");
  CHECK(*parse_goal("rework_rate.mean<5", g) == "unknown statistic 'mean' of rework_rate: expected value");
  CHECK(*parse_goal("deployment_frequency.per_week>=1%", g) == "unit '%' does not fit deployment_frequency.per_week");
}

TEST_CASE("a goal may be a range, inclusive at both ends") {
  Goal g;
  REQUIRE_FALSE(parse_goal("deployment_frequency.per_week=3..5", g));
  CHECK(g.op == Goal::Op::kRange);
  CHECK(g.target == 3);
  CHECK(g.high == 5);
  CHECK(g.met_by(3));
  CHECK(g.met_by(5));
  CHECK_FALSE(g.met_by(2.9999));
  CHECK_FALSE(g.met_by(5.0001));
  // A bare low end takes the high end's suffix; each end may have its own.
  REQUIRE_FALSE(parse_goal("lead_time=1..2d", g));
  CHECK(g.target == 24);
  CHECK(g.high == 48);
  REQUIRE_FALSE(parse_goal("lead_time=30m..2h", g));
  CHECK(g.target == 0.5);
  CHECK(g.high == 2);
  CHECK(*parse_goal("lead_time=5..3", g) == "the range in 'lead_time=5..3' ends below its start");
  CHECK(*parse_goal("lead_time=3", g) == "expected LOW..HIGH, two non-negative numbers, after '=' in 'lead_time=3'");
  CHECK(*parse_goal("lead_time=..3", g) ==
        "expected LOW..HIGH, two non-negative numbers, after '=' in 'lead_time=..3'");
  CHECK(*parse_goal("lead_time=1x..3", g) == "unit 'x' does not fit lead_time");
}

TEST_CASE("a goal may expire") {
  Goal g;
  REQUIRE_FALSE(parse_goal("lead_time<=24h,until=2026-03-31", g));
  CHECK(g.text == "lead_time<=24h");
  CHECK(g.until_text == "2026-03-31");
  REQUIRE(g.until);
  CHECK(g.until->kind == TimeArg::Kind::kDate);
  REQUIRE_FALSE(parse_goal("lead_time<=24h", g));
  CHECK_FALSE(g.until);
  CHECK(parse_goal("lead_time<=24h,until=soon", g)->starts_with("bad expiry 'soon' in 'lead_time<=24h,until=soon'"));
  CHECK(*parse_goal("lead_time<=24h,by=2026-03-31", g) ==
        "expected ',until=TIME' after the goal in 'lead_time<=24h,by=2026-03-31'");
}

TEST_CASE("goals are judged as written, several per metric as a conjunction") {
  Goal ge;
  REQUIRE_FALSE(parse_goal("deployment_frequency>=3/week", ge));
  CHECK(ge.met_by(3.0 / 7));  // 0.428571 against 0.428571
  std::vector<Goal> goals(3);
  REQUIRE_FALSE(parse_goal("lead_time.p50<=24h", goals[0]));
  REQUIRE_FALSE(parse_goal("lead_time.p90<=72h", goals[1]));
  REQUIRE_FALSE(parse_goal("change_failure_rate<=10%", goals[2]));
  MetricRecord r;
  r.metric = Metric::kLeadTime;
  r.value = 20;
  r.fields = {{Detail::kMean, 0, 30}, {Detail::kP90, 0, 70}};
  r.judge(goals);
  REQUIRE(r.goals.size() == 2);
  CHECK(r.goal_text() == "lead_time.p50<=24h and lead_time.p90<=72h");
  CHECK(r.goal_met == true);
  r.fields[1].number = 80;
  r.judge(goals);
  CHECK(r.goal_met == false);
  CHECK(r.met(goals[0]) == true);
  CHECK(r.met(goals[1]) == false);
  // Missed beats unknown; unknown beats met.
  r.value.reset();
  r.judge(goals);
  CHECK(r.goal_met == false);
  r.fields[1].number = 70;
  r.judge(goals);
  CHECK_FALSE(r.goal_met);
  r.value = 20;
  r.low_n = true;
  r.judge(goals);
  CHECK_FALSE(r.goal_met);
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
