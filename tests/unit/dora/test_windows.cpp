// ndj-dora's window arithmetic: --days, --since, --until, --compare
// previous, the --regressions windows, bucket edges, and the range limits.
#include <catch2/catch.hpp>

#include "dora/windows.hpp"
#include "events.hpp"

using namespace ndj;
using namespace ndj::dora;
using test::at;

namespace {

Options until(const char* t) {
  Options o;
  o.until = at(t);
  o.has_until = true;
  return o;
}

}  // namespace

TEST_CASE("--days ends at --until, or at now without it") {
  Options o = until("2026-03-31T00:00:00Z");
  RunWindows w;
  REQUIRE_FALSE(plan_windows(o, at("2030-01-01T00:00:00Z"), w));
  CHECK(w.window.since == at("2026-03-01T00:00:00Z"));
  CHECK(w.window.until == at("2026-03-31T00:00:00Z"));
  CHECK(w.before.since == w.window.since);
  CHECK(w.before.until == w.window.since);
  CHECK(w.trend.recent.since == w.window.until);
  CHECK(w.trend.baseline.until == w.window.until);
  CHECK(w.keep_from == w.window.since);
  CHECK(w.edges.empty());

  Options now;
  now.days = 2;
  REQUIRE_FALSE(plan_windows(now, at("2026-03-03T12:00:00Z"), w));
  CHECK(w.window.since == at("2026-03-01T12:00:00Z"));
  CHECK(w.window.until == at("2026-03-03T12:00:00Z"));
}

TEST_CASE("--since starts the window; --compare previous keeps the window before") {
  Options o = until("2026-03-04T00:00:00Z");
  o.since = at("2026-03-01T12:00:00Z");
  o.has_since = true;
  o.compare_previous = true;
  RunWindows w;
  REQUIRE_FALSE(plan_windows(o, 0, w));
  CHECK(w.window.since == at("2026-03-01T12:00:00Z"));
  CHECK(w.before.since == at("2026-02-27T00:00:00Z"));
  CHECK(w.before.until == w.window.since);
  CHECK(w.keep_from == w.before.since);
}

TEST_CASE("--regressions: recent then baseline back from --until") {
  Options o = until("2026-03-31T00:00:00Z");
  o.days = 7;
  o.regressions = true;
  RunWindows w;
  REQUIRE_FALSE(plan_windows(o, 0, w));
  CHECK(w.trend.recent.since == at("2026-03-24T00:00:00Z"));
  CHECK(w.trend.recent.until == at("2026-03-31T00:00:00Z"));
  CHECK(w.trend.baseline.since == at("2026-02-24T00:00:00Z"));
  CHECK(w.trend.baseline.until == at("2026-03-24T00:00:00Z"));
  CHECK(w.keep_from == w.trend.baseline.since);  // before the window's own start
}

TEST_CASE("bucket edges cover the window, the ends clipped") {
  Options o = until("2026-04-01T00:00:00Z");
  o.since = at("2026-01-15T06:00:00Z");
  o.has_since = true;
  o.bucket = BucketUnit::kMonth;
  RunWindows w;
  REQUIRE_FALSE(plan_windows(o, 0, w));
  CHECK(w.edges == std::vector<TimeNs>{at("2026-01-15T06:00:00Z"), at("2026-02-01T00:00:00Z"),
                                       at("2026-03-01T00:00:00Z"), at("2026-04-01T00:00:00Z")});
  o.bucket = BucketUnit::kDay;
  REQUIRE_FALSE(plan_windows(o, 0, w));
  CHECK(w.edges.size() == 1 + 16 + 28 + 31 + 1);  // part of 01-15, then every day to 03-31
  o.bucket = BucketUnit::kWeek;
  o.since = at("2026-03-02T00:00:00Z");  // a Monday
  REQUIRE_FALSE(plan_windows(o, 0, w));
  CHECK(w.edges.size() == 6);  // 4 whole weeks and 2 days: 5 buckets
  o.week_starts_sunday = true;
  REQUIRE_FALSE(plan_windows(o, 0, w));
  CHECK(w.edges.size() == 6);  // Monday to Sunday, 3 whole weeks, Sunday to Wednesday
  CHECK(w.edges[1] == at("2026-03-08T00:00:00Z"));
}

TEST_CASE("windows outside the range of times are usage errors") {
  RunWindows w;
  Options o = until("2026-01-01T00:00:00Z");
  o.days = 106752;
  CHECK(*plan_windows(o, 0, w) == "--days: at most 106751 (times run from 1677 to 2262)");
  o.days = 0;
  CHECK(*plan_windows(o, 0, w) == "the window is empty: --since must be before --until");
  o.days = 106751;
  o.compare_previous = true;
  CHECK(*plan_windows(o, 0, w) ==
        "the windows do not fit the times ndj-dora can represent (1677 to 2262, 106751 days)");
  o = until("2026-01-01T00:00:00Z");
  o.regressions = true;
  o.recent = o.baseline = 100000 * kNsPerDay;
  CHECK(plan_windows(o, 0, w).has_value());
  o.regressions = false;
  o.since = at("2026-01-01T00:00:00Z");
  o.until = at("2027-01-01T00:00:00Z");
  o.has_since = true;
  o.bucket = BucketUnit::kDay;
  CHECK_FALSE(plan_windows(o, 0, w));
  CHECK(w.edges.size() == 366);
}
