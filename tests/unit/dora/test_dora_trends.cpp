// Regression checks on small data: direction, thresholds and skip reasons.
#include <catch2/catch.hpp>

#include <string>

#include "dora/dora_trends.hpp"
#include "events.hpp"

using namespace ndj;
using namespace ndj::dora;
using test::at;
using test::three_days;

TEST_CASE("default thresholds come from the table; --threshold overrides one") {
  Thresholds t = default_thresholds();
  for (const auto& info : metric_table()) CHECK(t[static_cast<size_t>(info.metric)] == info.regression_pct);
  CHECK(*t[0] == 30);
  // Every metric is checked by default.
  CHECK(*t[static_cast<size_t>(Metric::kReworkRate)] == 50);
  CHECK(*t[static_cast<size_t>(Metric::kTimeToRestore)] == 30);
  REQUIRE_FALSE(parse_threshold("rework_rate=12.5%", t));
  CHECK(*t[static_cast<size_t>(Metric::kReworkRate)] == 12.5);
  REQUIRE_FALSE(parse_threshold("time_to_restore=off", t));
  CHECK_FALSE(t[static_cast<size_t>(Metric::kTimeToRestore)]);
  CHECK(*parse_threshold("speed=5", t) == "unknown metric 'speed'");
  CHECK(*parse_threshold("lead_time=0", t) == "expected a positive percentage or off, got '0'");
  CHECK(*parse_threshold("lead_time", t) == "expected METRIC=PCT or METRIC=off");
}

TEST_CASE("a slower lead time alerts; what cannot be compared says why") {
  EventStore store = three_days();
  const RegressionWindows w{{at("2026-03-03T00:00:00Z"), at("2026-03-04T00:00:00Z")},
                            {at("2026-03-01T00:00:00Z"), at("2026-03-03T00:00:00Z")}};
  auto checks = find_regressions(store, w, default_thresholds(), 0);
  REQUIRE(checks.size() == 5);
  CHECK(checks[0].metric == Metric::kLeadTime);
  CHECK(checks[0].alert);
  CHECK(*checks[0].baseline == 1);
  CHECK(*checks[0].recent == 3);
  CHECK(*checks[0].change_pct == 200);
  CHECK(checks[0].threshold_pct == 30);
  CHECK(checks[1].metric == Metric::kChangeFailureRate);
  CHECK(std::string(checks[1].skipped) == "baseline value is 0: no relative change");
  CHECK(checks[2].metric == Metric::kRecoveryTime);
  CHECK(std::string(checks[2].skipped) == "insufficient data in both windows");
  CHECK(checks[3].metric == Metric::kReworkRate);
  CHECK(std::string(checks[3].skipped) == "baseline value is 0: no relative change");
  CHECK(checks[4].metric == Metric::kTimeToRestore);
  CHECK(std::string(checks[4].skipped) == "insufficient data in both windows");
}

TEST_CASE("fewer deployments alert below a negative threshold") {
  EventStore store = three_days();
  // No successful deployment in the recent half day.
  const RegressionWindows w{{at("2026-03-03T12:00:00Z"), at("2026-03-04T00:00:00Z")},
                            {at("2026-03-02T00:00:00Z"), at("2026-03-03T12:00:00Z")}};
  Thresholds t{};
  t[static_cast<size_t>(Metric::kDeploymentFrequency)] = 30;
  t[static_cast<size_t>(Metric::kLeadTime)] = 30;
  auto checks = find_regressions(store, w, t, 0);
  REQUIRE(checks.size() == 2);
  CHECK(checks[0].metric == Metric::kDeploymentFrequency);
  CHECK(*checks[0].baseline == Approx(2 / 1.5));
  CHECK(checks[0].alert);
  CHECK(checks[0].threshold_pct == -30);
  CHECK(*checks[0].recent == 0);
  CHECK(*checks[0].change_pct == -100);
  CHECK(std::string(checks[1].skipped) == "insufficient data in the recent window");
}

TEST_CASE("a value from too few samples is not compared, and says so") {
  EventStore store = three_days();
  const RegressionWindows w{{at("2026-03-03T00:00:00Z"), at("2026-03-04T00:00:00Z")},
                            {at("2026-03-01T00:00:00Z"), at("2026-03-03T00:00:00Z")}};
  // Baseline: 2 successes, 2 changes; recent: 1 success + 1 failure, 1 change.
  auto checks = find_regressions(store, w, default_thresholds(), 5);
  REQUIRE(checks.size() == 6);
  CHECK(std::string(checks[0].skipped) == "too few successful deployments in the baseline window");
  CHECK(std::string(checks[1].skipped) == "too few samples in both windows");
  CHECK(std::string(checks[2].skipped) == "too few samples in both windows");
  CHECK(std::string(checks[3].skipped) == "insufficient data in both windows");
  CHECK(std::string(checks[4].skipped) == "too few samples in both windows");
  CHECK(std::string(checks[5].skipped) == "insufficient data in both windows");
  checks = find_regressions(store, w, default_thresholds(), 2);
  REQUIRE(checks.size() == 5);
  CHECK(checks[0].metric == Metric::kLeadTime);
  CHECK(std::string(checks[0].skipped) == "too few samples in the recent window");
  CHECK(checks[3].metric == Metric::kReworkRate);
  CHECK(std::string(checks[3].skipped) == "baseline value is 0: no relative change");
  // A recent drop in frequency is real however few deployments remain.
  const RegressionWindows late{{at("2026-03-03T12:00:00Z"), at("2026-03-04T00:00:00Z")},
                               {at("2026-03-02T00:00:00Z"), at("2026-03-03T12:00:00Z")}};
  Thresholds t{};
  t[static_cast<size_t>(Metric::kDeploymentFrequency)] = 30;
  checks = find_regressions(store, late, t, 2);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].alert);
}

TEST_CASE("a group of incidents linked to no deployment is checked only where it has samples") {
  Schema schema;
  schema.group_by = {"team"};
  EventStore store(schema, at("2026-03-01T00:00:00Z"), at("2026-03-04T00:00:00Z"));
  REQUIRE(test::feed(store, {
      R"({"type":"deployment","id":"d1","time":"2026-03-01T10:00:00Z","service":"api","team":"a"})",
      R"({"type":"deployment","id":"d2","time":"2026-03-03T10:00:00Z","service":"api","team":"a"})",
      R"({"type":"incident","time":"2026-03-01T12:00:00Z","resolved_at":"2026-03-01T13:00:00Z","service":"api"})",
      R"({"type":"incident","time":"2026-03-03T12:00:00Z","resolved_at":"2026-03-03T15:00:00Z"})",
  }).empty());
  store.resolve();
  const RegressionWindows w{{at("2026-03-03T00:00:00Z"), at("2026-03-04T00:00:00Z")},
                            {at("2026-03-01T00:00:00Z"), at("2026-03-03T00:00:00Z")}};
  Thresholds t = default_thresholds();
  t[static_cast<size_t>(Metric::kTimeToRestore)] = 30;
  auto checks = find_regressions(store, w, t, 0);
  // The linked incident is team a's; the other one's group has only
  // time to restore to check, with no sample in the baseline.
  std::vector<std::string> none;
  for (const auto& c : checks)
    if (c.group != kOverall && !store.group(c.group)[0].present) none.push_back(metric_info(c.metric).name);
  CHECK(none == std::vector<std::string>{"time_to_restore"});
}
