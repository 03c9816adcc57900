// Local days around daylight saving changes.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "dora/dora_series.hpp"
#include "core/local_time.hpp"

using namespace ndj;

TEST_CASE("local days follow the zone's clock changes and restore TZ") {
  REQUIRE_FALSE(check_time_zone("Europe/Berlin"));
  CHECK(check_time_zone("Europe/Atlantis"));
  CHECK(check_time_zone("/etc/passwd"));
  CHECK(check_time_zone("../zoneinfo/UTC"));
  setenv("TZ", "Asia/Tokyo", 1);
  {
    LocalClock berlin("Europe/Berlin");
    const int64_t mar29 = days_from_civil(2026, 3, 29);
    CHECK(berlin.midnight(mar29) == *parse_rfc3339("2026-03-28T23:00:00Z"));
    CHECK(berlin.midnight(mar29 + 1) == *parse_rfc3339("2026-03-29T22:00:00Z"));
    CHECK(berlin.local_day(*parse_rfc3339("2026-03-29T21:59:59Z")) == mar29);
    CHECK(berlin.local_day(*parse_rfc3339("2026-03-29T22:00:00Z")) == mar29 + 1);
    const int64_t oct25 = days_from_civil(2026, 10, 25);
    CHECK(berlin.midnight(oct25 + 1) - berlin.midnight(oct25) == 25 * 3600 * kNsPerSec);
  }
  CHECK(std::string(std::getenv("TZ")) == "Asia/Tokyo");
  unsetenv("TZ");
  LocalClock utc("");
  CHECK(utc.midnight(1) == 86400 * kNsPerSec);
  CHECK(utc.local_day(-1) == -1);
}
