// Timestamps, durations and sizes (DESIGN.md §5).
#include <catch2/catch.hpp>

#include "core/timefmt.hpp"

using namespace ndj;

static TimeNs secs(int64_t s) { return s * kNsPerSec; }

TEST_CASE("RFC 3339 basic UTC forms") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == TimeNs{0});
  CHECK(parse_rfc3339("2026-11-22T10:00:00Z") == secs(1795341600));
  CHECK(parse_rfc3339("2026-11-22t10:00:00z") == secs(1795341600));
  CHECK(parse_rfc3339("2026-11-22 10:00:00Z") == secs(1795341600));
}

TEST_CASE("RFC 3339 offsets are normalised to UTC") {
  CHECK(parse_rfc3339("2026-11-22T12:00:00+02:00") == secs(1795341600));
  CHECK(parse_rfc3339("2026-11-22T15:45:00+05:45") == secs(1795341600));
  CHECK(parse_rfc3339("2026-11-22T04:30:00-05:30") == secs(1795341600));
  CHECK(parse_rfc3339("2026-11-22T10:00:00-00:00") == secs(1795341600));
}

TEST_CASE("RFC 3339 fractional seconds") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00.5Z") == TimeNs{500'000'000});
  CHECK(parse_rfc3339("1970-01-01T00:00:01.123Z") == TimeNs{1'123'000'000});
  CHECK(parse_rfc3339("1970-01-01T00:00:00.000000001Z") == TimeNs{1});
  // Digits past nanoseconds are truncated, not rounded.
  CHECK(parse_rfc3339("1970-01-01T00:00:00.0000000019Z") == TimeNs{1});
  CHECK_FALSE(parse_rfc3339("1970-01-01T00:00:00.Z"));
}

TEST_CASE("RFC 3339 leap years and day ranges") {
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z"));
  CHECK(parse_rfc3339("2000-02-29T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2023-02-29T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("1900-02-29T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-04-31T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-13-01T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-00-01T00:00:00Z"));
  CHECK(*parse_rfc3339("2024-03-01T00:00:00Z") - *parse_rfc3339("2024-02-28T00:00:00Z") == secs(2 * 86400));
}

TEST_CASE("RFC 3339: the remembered date never stands in for another") {
  // Each thread keeps its last date: a valid date right after must not
  // make a bad one or a different one pass.
  CHECK(parse_rfc3339("2026-11-22T10:00:00Z") == secs(1795341600));
  CHECK(parse_rfc3339("2026-11-23T10:00:00Z") == secs(1795341600 + 86400));
  CHECK(parse_rfc3339("2026-11-22T10:00:00Z") == secs(1795341600));
  CHECK_FALSE(parse_rfc3339("2026-11-22T25:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-22X10:00:00Z"));
  CHECK_FALSE(parse_rfc3339(std::string_view("\0\0\0\0\0\0\0\0\0\0T00:00:00Z", 20)));
  CHECK_FALSE(parse_rfc3339("2023-02-29T00:00:00Z"));
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == TimeNs{0});
}

TEST_CASE("RFC 3339 malformed input is rejected, never guessed") {
  for (const char* bad : {"", "2026-11-22", "2026-11-22T10:00:00", "2026-11-22T10:00Z",
                          "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:00:61Z",
                          "2026/11/22T10:00:00Z", "2026-11-22T10:00:00+0200", "2026-11-22T10:00:00+24:00",
                          "2026-11-22T10:00:00Z ", " 2026-11-22T10:00:00Z", "2026-11-22X10:00:00Z",
                          "1795341600", "2026-1-22T10:00:00Z", "２026-11-22T10:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339(bad));
  }
}

TEST_CASE("RFC 3339 years beyond the nanoseconds of a TimeNs are no time") {
  CHECK(parse_rfc3339("2262-04-11T23:47:16Z"));
  CHECK_FALSE(parse_rfc3339("2262-04-11T23:47:17Z"));
  CHECK_FALSE(parse_rfc3339("4026-01-01T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("9999-12-31T23:59:59Z"));
  CHECK(parse_rfc3339("1677-09-21T00:12:44Z"));
  CHECK_FALSE(parse_rfc3339("1677-09-21T00:12:43Z"));
  CHECK_FALSE(parse_rfc3339("0001-01-01T00:00:00Z"));
}

TEST_CASE("RFC 3339 leap second rolls into the next minute") {
  CHECK(parse_rfc3339("2016-12-31T23:59:60Z") == parse_rfc3339("2017-01-01T00:00:00Z"));
}

TEST_CASE("format_rfc3339 round-trips") {
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(secs(1795341600)) == "2026-11-22T10:00:00Z");
  CHECK(format_rfc3339(secs(1795341600) + 123'456'789, 3) == "2026-11-22T10:00:00.123Z");
  CHECK(format_rfc3339(secs(1795341600) + 123'456'789, 9) == "2026-11-22T10:00:00.123456789Z");
  CHECK(format_rfc3339(-1, 9) == "1969-12-31T23:59:59.999999999Z");
  for (int64_t t : {int64_t{0}, secs(951782400), secs(4102444800), secs(-86400 * 365)})
    CHECK(parse_rfc3339(format_rfc3339(t)) == t);
}

TEST_CASE("durations") {
  CHECK(parse_duration("90d") == 90 * 86400 * kNsPerSec);
  CHECK(parse_duration("36h") == 36 * 3600 * kNsPerSec);
  CHECK(parse_duration("15m") == 15 * 60 * kNsPerSec);
  CHECK(parse_duration("30s") == 30 * kNsPerSec);
  CHECK(parse_duration("500ms") == 500'000'000);
  CHECK(parse_duration("2w") == 14 * 86400 * kNsPerSec);
  CHECK(parse_duration("1h30m") == 90 * 60 * kNsPerSec);
  CHECK(parse_duration("1d2h3m4s5ms") == ((int64_t{86400 + 7200 + 180 + 4} * 1000) + 5) * 1'000'000);
  CHECK(parse_duration("0s") == 0);
  CHECK(parse_duration("0") == 0);
  for (const char* bad : {"", "10", "00", "01", "h", "1x", "1.5h", "-1h", "1h 30m", "99999999999999999999d", "1H"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad));
  }
  CHECK(format_duration(90 * 60 * kNsPerSec) == "1h30m");
  CHECK(format_duration(500'000'000) == "500ms");
  CHECK(format_duration(0) == "0s");
}

TEST_CASE("epoch units") {
  CHECK(kEpochUnits.parse("ms") == EpochUnit::kMillis);
  CHECK_FALSE(kEpochUnits.parse("sec"));
  CHECK(epoch_to_ns(int64_t{1795341600}, EpochUnit::kSeconds) == secs(1795341600));
  CHECK(epoch_to_ns(int64_t{1795341600123}, EpochUnit::kMillis) == secs(1795341600) + 123'000'000);
  CHECK(epoch_to_ns(1.5, EpochUnit::kSeconds) == TimeNs{1'500'000'000});
  CHECK(epoch_to_ns(int64_t{1795341600123456}, EpochUnit::kMicros) == secs(1795341600) + 123'456'000);
  CHECK_FALSE(epoch_to_ns(int64_t{1} << 62, EpochUnit::kSeconds));
  CHECK_FALSE(epoch_to_ns(1e300, EpochUnit::kMillis));
}

TEST_CASE("sizes") {
  CHECK(parse_size("1000") == 1000u);
  CHECK(parse_size("512k") == 512u * 1024);
  CHECK(parse_size("1M") == 1u << 20);
  CHECK(parse_size("1MiB") == 1u << 20);
  CHECK(parse_size("1MB") == 1000000u);
  CHECK(parse_size("2G") == 2ull << 30);
  CHECK_FALSE(parse_size(""));
  CHECK_FALSE(parse_size("M"));
  CHECK_FALSE(parse_size("1.5M"));
  CHECK_FALSE(parse_size("12q"));
}
