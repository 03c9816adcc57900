// Status classes, Retry-After parsing and backoff arithmetic.
#include <catch2/catch.hpp>

#include "ship/http_retry.hpp"

using namespace ndj;

TEST_CASE("HTTP statuses fall into the documented classes", "[http_retry]") {
  CHECK(classify_http_status(200) == HttpVerdict::kAccepted);
  CHECK(classify_http_status(204) == HttpVerdict::kAccepted);
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L, 599L})
    CHECK(classify_http_status(s) == HttpVerdict::kTransient);
  for (long s : {301L, 302L, 307L, 401L, 403L, 404L, 407L, 100L, 0L, 600L, 999L})
    CHECK(classify_http_status(s) == HttpVerdict::kDenied);
  for (long s : {400L, 405L, 409L, 410L, 413L, 415L, 422L, 451L})
    CHECK(classify_http_status(s) == HttpVerdict::kRejected);
}

TEST_CASE("Retry-After as delta-seconds", "[http_retry]") {
  CHECK(parse_retry_after("0", 0) == 0);
  CHECK(parse_retry_after("120", 0) == 120 * kNsPerSec);
  CHECK(parse_retry_after(" 7 \r", 0) == 7 * kNsPerSec);
  // Huge values saturate at a day instead of overflowing.
  CHECK(parse_retry_after("99999999999999999999999", 0) == 86400 * kNsPerSec);
  CHECK_FALSE(parse_retry_after("", 0));
  CHECK_FALSE(parse_retry_after("-5", 0));
  CHECK_FALSE(parse_retry_after("1.5", 0));
  CHECK_FALSE(parse_retry_after("soon", 0));
  CHECK_FALSE(parse_retry_after("12abc", 0));
}

TEST_CASE("Retry-After as an HTTP date, all three forms", "[http_retry]") {
  // 1994-11-06T08:49:37Z
  const TimeNs t = 784111777 * kNsPerSec;
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == t);
  CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == t);
  CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == t);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", t) == 10 * kNsPerSec);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:27 GMT", t) == 0);  // past: now
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
  CHECK_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994"));
  CHECK_FALSE(parse_http_date(""));
  CHECK_FALSE(parse_http_date(","));
}

TEST_CASE("backoff grows exponentially with full jitter, capped", "[http_retry]") {
  BackoffPolicy p;
  p.base = 500'000'000;
  p.cap = 30 * kNsPerSec;
  const uint64_t max_random = ~uint64_t{0};
  // The ceiling doubles: 0.5s, 1s, 2s, ... up to the cap.
  CHECK(backoff_delay(p, 1, 500'000'000) == 500'000'000);
  CHECK(backoff_delay(p, 2, 1'000'000'000) == 1'000'000'000);
  CHECK(backoff_delay(p, 3, 2'000'000'000) == 2'000'000'000);
  CHECK(backoff_delay(p, 1, 0) == 0);
  for (unsigned attempt = 1; attempt < 200; ++attempt) {
    int64_t d = backoff_delay(p, attempt, max_random - attempt);
    CHECK(d >= 0);
    CHECK(d <= p.cap);
  }
  CHECK(backoff_delay(p, 100, 30 * kNsPerSec) == 30 * kNsPerSec);
  // Retry-After replaces the jitter but is capped too.
  CHECK(backoff_delay(p, 1, 0, 2 * kNsPerSec) == 2 * kNsPerSec);
  CHECK(backoff_delay(p, 1, 0, 3600 * kNsPerSec) == p.cap);
  CHECK(backoff_delay(p, 1, 0, int64_t{0}) == 0);
  // Extreme settings neither overflow nor go negative.
  p.cap = INT64_MAX;
  p.base = INT64_MAX / 3;
  CHECK(backoff_delay(p, 64, max_random) >= 0);
  p.base = 0;
  CHECK(backoff_delay(p, 5, max_random) == 0);
}
