// ndj-dora's window arithmetic: --days, --since, --until, --compare
// previous, the --regressions windows, bucket edges, and the range limits.
#include <catch2/catch.hpp>

#include <algorithm>

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

TEST_CASE("--days ends at --until, or at the midnight that started today without it") {
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
  CHECK(w.window.since == at("2026-03-01T00:00:00Z"));
  CHECK(w.window.until == at("2026-03-03T00:00:00Z"));
  // --until exactly, even off midnight.
  Options off = until("2026-03-03T12:34:56Z");
  off.days = 2;
  REQUIRE_FALSE(plan_windows(off, 0, w));
  CHECK(w.window.since == at("2026-03-01T12:34:56Z"));
  CHECK(w.window.until == at("2026-03-03T12:34:56Z"));
}

TEST_CASE("--days counts local days of --tz, 23 or 25 hours across a clock change") {
  Options o;
  o.tz = "Europe/Berlin";
  o.days = 30;
  RunWindows w;
  // 14:00 in Berlin on April 10: April 10 has begun, March 11 to April 9 are whole.
  REQUIRE_FALSE(plan_windows(o, at("2026-04-10T12:00:00Z"), w));
  CHECK(w.window.until == at("2026-04-09T22:00:00Z"));
  CHECK(w.window.since == at("2026-03-10T23:00:00Z"));  // midnight, CET
  CHECK(w.window.until - w.window.since == 30 * kNsPerDay - kNsPerHour);
  // 00:30 in Berlin is already the next day there (22:30 UTC).
  REQUIRE_FALSE(plan_windows(o, at("2026-04-09T22:30:00Z"), w));
  CHECK(w.window.until == at("2026-04-09T22:00:00Z"));
  // An --until at a local midnight starts the window at one.
  o = until("2026-11-01T00:00:00+01:00");
  o.tz = "Europe/Berlin";
  o.days = 7;
  REQUIRE_FALSE(plan_windows(o, 0, w));
  CHECK(w.window.since == at("2026-10-25T00:00:00+02:00"));
}

TEST_CASE("--since without --until ends at now; buckets cut short or not over are partial") {
  Options o;
  o.since = at("2026-03-02T00:00:00Z");
  o.has_since = true;
  o.bucket = BucketUnit::kWeek;  // from Monday: March 2 is one
  RunWindows w;
  REQUIRE_FALSE(plan_windows(o, at("2026-03-20T19:47:19Z"), w));
  CHECK(w.window.until == at("2026-03-20T19:47:19Z"));
  CHECK(w.partial == std::vector<bool>{false, false, true});
  o.bucket = BucketUnit::kDay;
  REQUIRE_FALSE(plan_windows(o, at("2026-03-20T19:47:19Z"), w));
  REQUIRE(w.partial.size() == 19);
  CHECK(std::count(w.partial.begin(), w.partial.end(), true) == 1);
  CHECK(w.partial.back());
  // A window cut mid-week, and an --until past now: a whole bucket in the
  // future is partial too.
  o = until("2026-03-23T00:00:00Z");
  o.since = at("2026-03-04T00:00:00Z");
  o.has_since = true;
  o.bucket = BucketUnit::kWeek;
  REQUIRE_FALSE(plan_windows(o, at("2026-03-16T00:00:00Z"), w));
  CHECK(w.partial == std::vector<bool>{true, false, true});
  // --days: whole days, no partial day.
  Options days;
  days.days = 7;
  days.bucket = BucketUnit::kDay;
  REQUIRE_FALSE(plan_windows(days, at("2026-03-20T19:47:19Z"), w));
  CHECK(w.partial == std::vector<bool>(7, false));
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
