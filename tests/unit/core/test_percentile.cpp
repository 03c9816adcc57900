// PERCENTILE_CONT: ranks, interpolation, integer and floating-point values.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "core/percentile.hpp"

using namespace ndj;

namespace {
template <class T>
double pct(std::vector<T> v, double p) {
  return percentile_cont(std::span(v), p);
}
}  // namespace

TEST_CASE("percentiles interpolate between the closest ranks") {
  CHECK(pct<int64_t>({7}, 50) == 7);
  CHECK(pct<int64_t>({7}, 90) == 7);
  CHECK(pct<int64_t>({20, 10}, 50) == 15);
  CHECK(pct<int64_t>({20, 10}, 90) == Approx(19));
  const std::vector<int64_t> four{10, 3, 1, 2};  // sorted 1 2 3 10
  CHECK(pct(four, 50) == 2.5);
  CHECK(pct(four, 90) == Approx(7.9));
  CHECK(pct(four, 0) == 1);
  CHECK(pct(four, 100) == 10);
  const std::vector<double> d{400, 100, 300, 200};
  CHECK(pct(d, 50) == Approx(250));
  CHECK(pct(d, 90) == Approx(370));
  CHECK(pct(d, 0) == 100);
  CHECK(pct(d, 100) == 400);
  CHECK(pct<double>({7}, 99) == 7);
}

TEST_CASE("one value is every percentile") {
  for (double p : {0.0, 0.1, 50.0, 99.9, 100.0}) CHECK(pct<double>({-3.5}, p) == -3.5);
}

TEST_CASE("a whole rank is exact, a fractional percentile interpolates") {
  // Rank 0.9 * 20 = 18 exactly: no interpolation with the next value.
  std::vector<int64_t> v;
  for (int i = 0; i <= 20; ++i) v.push_back(i * 100);
  CHECK(pct(v, 90) == 1800);
  CHECK(percentile_rank(21, 90).lower == 18);
  CHECK(percentile_rank(21, 90).frac == 0);
  // p99.9 of 0..1000: rank 999 exactly; p99.95: half way to 1000.
  std::vector<double> w;
  for (int i = 0; i <= 1000; ++i) w.push_back(i);
  CHECK(pct(w, 99.9) == Approx(999));
  CHECK(pct(w, 99.95) == Approx(999.5));
  CHECK(pct(w, 0.05) == Approx(0.5));
  auto r = percentile_rank(4, 12.5);  // rank 0.375
  CHECK(r.lower == 0);
  CHECK(r.frac == Approx(0.375));
}

TEST_CASE("p0 and p100 are the least and the greatest value") {
  std::vector<int64_t> v{5, -2, 9, 9, 0};
  CHECK(pct(v, 0) == -2);
  CHECK(pct(v, 100) == 9);
  CHECK(percentile_rank(5, 100).lower == 4);
  CHECK(percentile_rank(5, 100).frac == 0);
}

TEST_CASE("large n: integer rank arithmetic, and searching from a rank on") {
  const size_t n = 3'000'001;
  std::vector<int64_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<int64_t>((i * 7919) % n);  // a permutation of 0..n-1
  CHECK(pct(v, 50) == 1'500'000);
  CHECK(pct(v, 90) == 2'700'000);
  CHECK(pct(v, 99.99) == Approx(2'999'700));
  // After selecting the median, p90 may search only past it.
  std::vector<int64_t> w = v;
  CHECK(percentile_cont(std::span(w), 50) == 1'500'000);
  CHECK(percentile_cont(std::span(w), 90, percentile_rank(n, 50).lower + 1) == 2'700'000);
  // 2^40 values: the rank of a whole percentile stays exact.
  const size_t big = size_t{1} << 40;
  CHECK(percentile_rank(big, 37).lower == 37 * (big - 1) / 100);
  CHECK(percentile_rank(big, 37).frac == static_cast<double>(37 * (big - 1) % 100) / 100.0);
}
