// Aggregate specs and the quantile sketch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "stats/group_stats.hpp"
#include "stats/quantile_sketch.hpp"

using namespace ndj;

TEST_CASE("aggregate specs") {
  std::string why;
  auto p = AggSpec::parse("p99.9:a.b", why);
  REQUIRE(p);
  CHECK(p->kind == AggKind::kPercentile);
  CHECK(p->percentile == Approx(99.9));
  CHECK(p->column == "a.b_p99.9");
  CHECK(AggSpec::parse("median:x", why)->column == "x_p50");
  CHECK(AggSpec::parse("count", why)->column == "count");
  CHECK_FALSE(AggSpec::parse("sum", why));
  CHECK_FALSE(AggSpec::parse("p:x", why));
  CHECK_FALSE(AggSpec::parse("p-1:x", why));
  CHECK_FALSE(AggSpec::parse("mean:", why));
}

TEST_CASE("the quantile sketch stays within 1% of a value near the exact rank") {
  std::vector<double> values;
  QuantileSketch sketch, left, right;
  uint64_t x = 12345;
  for (int i = 0; i < 50000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    double v = std::exp(static_cast<double>(x >> 11) / 9007199254740992.0 * 14) - 3;  // -2 .. 1.2e6
    if (i % 97 == 0) v = 0;
    values.push_back(v);
    sketch.add(v);
    (i % 2 ? left : right).add(v);
  }
  left.merge(right);
  std::sort(values.begin(), values.end());
  const double err = QuantileSketch::kRelativeError;
  for (double p : {0.0, 1.0, 10.0, 25.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    INFO(p);
    size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(values.size() - 1));
    double truth = values[rank];
    double got = *sketch.quantile(p);
    CHECK(std::fabs(got - truth) <= err * std::fabs(truth) + 1e-9);
    CHECK(*left.quantile(p) == got);  // merging loses nothing
  }
  CHECK_FALSE(QuantileSketch().quantile(50));
}
