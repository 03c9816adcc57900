// Monte Carlo forecasts: sampled days, sorted trial results, nearest ranks.
#include "flow/forecast.hpp"

#include <algorithm>
#include <random>
#include <vector>

namespace ndj::flow {

namespace {

// The number of trials that make up c% of `trials`, rounded up.
uint64_t share(uint64_t trials, int c) { return (trials * static_cast<uint64_t>(c) + 99) / 100; }

}  // namespace

std::array<int64_t, 3> items_within(std::span<const int64_t> daily, int64_t days, uint64_t trials, uint64_t seed) {
  std::array<int64_t, 3> out{0, 0, 0};
  if (daily.empty() || days <= 0 || trials == 0) return out;
  std::mt19937_64 rng(seed);
  std::vector<int64_t> done(trials);
  for (auto& d : done) {
    int64_t sum = 0;
    for (int64_t k = 0; k < days; ++k) sum += daily[rng() % daily.size()];
    d = sum;
  }
  std::sort(done.begin(), done.end());
  // At least c% of the trials reach the value c% from the top.
  for (size_t i = 0; i < out.size(); ++i) out[i] = done[trials - share(trials, kConfidence[i])];
  return out;
}

std::array<std::optional<int64_t>, 3> days_for(std::span<const int64_t> daily, uint64_t items, uint64_t trials,
                                               uint64_t seed) {
  std::array<std::optional<int64_t>, 3> out;
  if (items == 0) {
    out.fill(int64_t{0});
    return out;
  }
  if (daily.empty() || trials == 0 || std::all_of(daily.begin(), daily.end(), [](int64_t d) { return d <= 0; }))
    return out;
  std::mt19937_64 rng(seed);
  std::vector<int64_t> took(trials);
  for (auto& t : took) {
    int64_t sum = 0, day = 0;
    while (sum < static_cast<int64_t>(items) && day <= kMaxForecastDays) {
      sum += daily[rng() % daily.size()];
      ++day;
    }
    t = day;
  }
  std::sort(took.begin(), took.end());
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t d = took[share(trials, kConfidence[i]) - 1];
    if (d <= kMaxForecastDays) out[i] = d;
  }
  return out;
}

}  // namespace ndj::flow
