// Time buckets: UTC and zone days across clock changes, Monday and Sunday
// weeks, months, labels and the edges of a window.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/time_bucket.hpp"

using namespace ndj;

namespace {
TimeNs t(const char* s) { return *parse_rfc3339(s); }
}  // namespace

TEST_CASE("bucket units by name") {
  CHECK(kBucketUnits.parse("day") == BucketUnit::kDay);
  CHECK(kBucketUnits.parse("week") == BucketUnit::kWeek);
  CHECK(kBucketUnits.parse("month") == BucketUnit::kMonth);
  CHECK_FALSE(kBucketUnits.parse("year"));
  CHECK(std::string(bucket_unit_name(BucketUnit::kWeek)) == "week");
}

TEST_CASE("weeks start on Monday, UTC; months on the 1st") {
  Bucketer weeks(BucketUnit::kWeek, false);
  auto week = [&](const char* s) { return weeks.label(weeks.start(t(s))); };
  CHECK(week("2026-01-05T00:00:00Z") == "2026-01-05");  // a Monday
  CHECK(week("2026-01-11T23:59:59Z") == "2026-01-05");  // the Sunday after
  CHECK(week("2026-01-12T00:00:00Z") == "2026-01-12");
  CHECK(week("2026-01-01T12:00:00Z") == "2025-12-29");  // across a year
  CHECK(week("1969-12-31T12:00:00Z") == "1969-12-29");  // before the epoch
  CHECK(week("2026-01-12T01:00:00+02:00") == "2026-01-05");  // UTC decides
  CHECK(weeks.next(t("2026-01-07T00:00:00Z")) == t("2026-01-12T00:00:00Z"));
  Bucketer months(BucketUnit::kMonth, false);
  TimeNs m = months.start(t("2024-02-29T10:00:00Z"));
  CHECK(months.label(m) == "2024-02");
  CHECK(months.label(months.next(m)) == "2024-03");
  TimeNs dec = months.start(t("2025-12-31T23:00:00Z"));
  CHECK(months.label(months.next(dec)) == "2026-01");
  Bucketer days(BucketUnit::kDay, false);
  CHECK(days.label(days.start(t("2026-03-01T00:00:00Z") - 1)) == "2026-02-28");
  CHECK(days.start(t("2026-03-01T13:14:15Z")) == t("2026-03-01T00:00:00Z"));
}

TEST_CASE("Sunday weeks") {
  Bucketer weeks(BucketUnit::kWeek, true);
  CHECK(weeks.label(weeks.start(t("2026-01-10T23:59:59Z"))) == "2026-01-04");  // a Saturday
  CHECK(weeks.label(weeks.start(t("2026-01-11T00:00:00Z"))) == "2026-01-11");  // a Sunday
  CHECK(weeks.next(t("2026-01-11T00:00:00Z")) == t("2026-01-18T00:00:00Z"));
  CHECK(weeks.label(weeks.start(t("1970-01-01T00:00:00Z"))) == "1969-12-28");
}

TEST_CASE("days in a zone follow its clock changes") {
  Bucketer days(BucketUnit::kDay, false, "Europe/Berlin");
  // 2026-03-29 has 23 hours in Berlin, 2026-10-25 has 25.
  CHECK(days.start(t("2026-03-29T12:00:00Z")) == t("2026-03-28T23:00:00Z"));
  CHECK(days.next(t("2026-03-29T12:00:00Z")) == t("2026-03-29T22:00:00Z"));
  CHECK(days.label(days.start(t("2026-03-29T21:59:59Z"))) == "2026-03-29");
  CHECK(days.label(days.start(t("2026-03-29T22:00:00Z"))) == "2026-03-30");
  CHECK(days.next(t("2026-10-25T12:00:00Z")) - days.start(t("2026-10-25T12:00:00Z")) == 25 * 3600 * kNsPerSec);
  // Late evening UTC is the next local day.
  CHECK(days.label(days.start(t("2026-01-05T23:30:00Z"))) == "2026-01-06");
}

TEST_CASE("weeks and months in a zone") {
  {
    Bucketer weeks(BucketUnit::kWeek, true, "America/New_York");
    // Sunday 2026-03-08 02:00 local the clocks go forward.
    CHECK(weeks.start(t("2026-03-10T12:00:00Z")) == t("2026-03-08T05:00:00Z"));
    CHECK(weeks.next(t("2026-03-10T12:00:00Z")) == t("2026-03-15T04:00:00Z"));
  }
  Bucketer months(BucketUnit::kMonth, false, "Asia/Tokyo");
  CHECK(months.label(months.start(t("2026-01-31T16:00:00Z"))) == "2026-02");
  CHECK(months.start(t("2026-01-31T16:00:00Z")) == t("2026-01-31T15:00:00Z"));
}

TEST_CASE("bucket edges are clipped to the window and bounded") {
  Bucketer weeks(BucketUnit::kWeek, false);
  auto edges = bucket_edges(t("2026-01-07T00:00:00Z"), t("2026-01-20T00:00:00Z"), weeks);
  CHECK(edges == std::vector<TimeNs>{t("2026-01-07T00:00:00Z"), t("2026-01-12T00:00:00Z"),
                                     t("2026-01-19T00:00:00Z"), t("2026-01-20T00:00:00Z")});
  Bucketer days(BucketUnit::kDay, false);
  CHECK(bucket_edges(t("2026-01-01T00:00:00Z"), t("2026-01-01T00:00:01Z"), days).size() == 2);
  CHECK(bucket_edges(t("1700-01-01T00:00:00Z"), t("2200-01-01T00:00:00Z"), days).empty());  // > kMaxBuckets
}
