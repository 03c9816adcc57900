// Command-line times (TimeArg): RFC 3339 instants, plain dates and
// today/yesterday as the first instant of a local day, across clock changes.
#include <catch2/catch.hpp>

#include "core/local_time.hpp"

using namespace ndj;

namespace {
TimeNs t(const char* s) { return *parse_rfc3339(s); }
TimeNs resolve(const char* arg, const char* zone, TimeNs now = 0) { return TimeArg::parse(arg)->resolve(zone, now); }
}  // namespace

TEST_CASE("a time argument is an instant, a date, today or yesterday", "[time]") {
  CHECK(TimeArg::parse("2026-11-22T10:00:00Z")->kind == TimeArg::Kind::kInstant);
  CHECK(TimeArg::parse("2026-11-22")->kind == TimeArg::Kind::kDate);
  CHECK(TimeArg::parse("today")->kind == TimeArg::Kind::kToday);
  CHECK(TimeArg::parse("yesterday")->kind == TimeArg::Kind::kYesterday);
  for (const char* bad : {"", "2026-11-31", "2026-02-29", "2026-13-01", "2026-00-10", "2026-1-05", "26-11-22",
                          "2026-11-22T", "2026-11-22x", "Today", "tomorrow", "1677-01-01", "2262-05-01"})
    CHECK_FALSE(TimeArg::parse(bad));
  CHECK(TimeArg::parse("2028-02-29"));  // a leap day
}

TEST_CASE("an instant is itself in any zone", "[time]") {
  CHECK(resolve("2026-11-22T10:00:00.5+02:00", "Europe/Berlin") == t("2026-11-22T08:00:00.5Z"));
}

TEST_CASE("a date is its midnight, UTC or in the zone, across clock changes", "[time]") {
  CHECK(resolve("2026-03-01", "") == t("2026-03-01T00:00:00Z"));
  CHECK(resolve("2026-03-01", "Europe/Berlin") == t("2026-02-28T23:00:00Z"));
  // The days of the clock changes: midnight exists, before the change.
  CHECK(resolve("2026-03-29", "Europe/Berlin") == t("2026-03-28T23:00:00Z"));
  CHECK(resolve("2026-03-30", "Europe/Berlin") == t("2026-03-29T22:00:00Z"));
  CHECK(resolve("2026-10-25", "Europe/Berlin") == t("2026-10-24T22:00:00Z"));
  CHECK(resolve("2026-03-08", "America/New_York") == t("2026-03-08T05:00:00Z"));
  CHECK(resolve("2026-03-09", "America/New_York") == t("2026-03-09T04:00:00Z"));
  // Sao Paulo skipped from 00:00 to 01:00 on 2018-11-04: the day starts at
  // its first instant, 01:00 local (-02:00).
  CHECK(resolve("2018-11-04", "America/Sao_Paulo") == t("2018-11-04T03:00:00Z"));
  CHECK(resolve("2018-11-03", "America/Sao_Paulo") == t("2018-11-03T03:00:00Z"));
}

TEST_CASE("today and yesterday are the local midnights at now", "[time]") {
  const TimeNs now = t("2026-03-08T12:00:00Z");  // 08:00 in New York, after the change
  CHECK(resolve("today", "", now) == t("2026-03-08T00:00:00Z"));
  CHECK(resolve("yesterday", "", now) == t("2026-03-07T00:00:00Z"));
  CHECK(resolve("today", "America/New_York", now) == t("2026-03-08T05:00:00Z"));
  CHECK(resolve("yesterday", "America/New_York", now) == t("2026-03-07T05:00:00Z"));
  // 22:00 on the 7th in New York, already the 8th in UTC.
  CHECK(resolve("today", "America/New_York", t("2026-03-08T03:00:00Z")) == t("2026-03-07T05:00:00Z"));
  CHECK(resolve("today", "", t("2026-03-08T03:00:00Z")) == t("2026-03-08T00:00:00Z"));
  // At midnight exactly, today starts now.
  CHECK(resolve("today", "Europe/Berlin", t("2026-03-28T23:00:00Z")) == t("2026-03-28T23:00:00Z"));
  CHECK(resolve("today", "America/Sao_Paulo", t("2018-11-04T12:00:00Z")) == t("2018-11-04T03:00:00Z"));
}
