// Monte Carlo forecasts: closed forms at constant throughput, the levels'
// order, and the same numbers for the same seed.
#include <catch2/catch.hpp>

#include <vector>

#include "flow/forecast.hpp"

using namespace ndj::flow;

TEST_CASE("constant throughput gives the closed form at every level", "[flow]") {
  // k items a day: d days give k*d items; n items take ceil(n/k) days.
  for (int64_t k : {1, 2, 3, 7}) {
    const std::vector<int64_t> daily(20, k);
    for (int64_t d : {1, 5, 14, 30}) {
      const auto items = items_within(daily, d, 2000, 42);
      for (int64_t v : items) CHECK(v == k * d);
    }
    for (uint64_t n : {1u, 9u, 45u, 100u}) {
      const auto days = days_for(daily, n, 2000, 42);
      for (const auto& v : days) {
        REQUIRE(v);
        CHECK(*v == static_cast<int64_t>((n + static_cast<uint64_t>(k) - 1) / static_cast<uint64_t>(k)));
      }
    }
  }
}

TEST_CASE("the 85% line of a two-valued history matches its binomial tail", "[flow]") {
  // Days of 0 or 1 with equal chance: the items of 10 days are
  // Binomial(10, 1/2). P(X >= 4) = 0.828 and P(X >= 3) = 0.945: at least
  // 85% of the trials reach 3 and not 4; at 50%, 5 (P(X >= 5) = 0.623,
  // P(X >= 6) = 0.377); at 95%, 2 (P(X >= 3) = 0.945 < 0.95).
  const std::vector<int64_t> daily = {0, 1};
  const auto items = items_within(daily, 10, 200000, 1);
  CHECK(items[0] == 5);
  CHECK(items[1] == 3);
  CHECK(items[2] == 2);
}

TEST_CASE("levels are ordered, the seed fixes the result, no throughput never finishes", "[flow]") {
  const std::vector<int64_t> daily = {0, 1, 3, 0, 2, 5, 1};
  const auto a = items_within(daily, 14, 5000, 7);
  CHECK(a[0] >= a[1]);
  CHECK(a[1] >= a[2]);
  CHECK(items_within(daily, 14, 5000, 7) == a);
  const auto d = days_for(daily, 40, 5000, 7);
  REQUIRE(d[2]);
  CHECK(*d[0] <= *d[1]);
  CHECK(*d[1] <= *d[2]);
  CHECK(days_for(daily, 40, 5000, 7) == d);
  const std::vector<int64_t> none = {0, 0, 0};
  for (const auto& v : days_for(none, 1, 100, 1)) CHECK_FALSE(v);
  for (const auto& v : days_for(none, 0, 100, 1)) CHECK(v == 0);
  for (int64_t v : items_within(none, 10, 100, 1)) CHECK(v == 0);
}
