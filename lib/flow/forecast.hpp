// Monte Carlo forecasts from the observed daily throughput (Vacanti's
// method): each trial draws days at random, with replacement, from the
// history. Seeded std::mt19937_64, whose sequence the C++ standard fixes,
// and an index taken modulo the history's length: the same seed gives
// the same forecast on every platform.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace ndj::flow {

// The confidence levels every forecast gives.
inline constexpr std::array<int, 3> kConfidence = {50, 85, 95};

// How many items are done within `days` days: for each level c, the most
// items that at least c% of the trials reach.
std::array<int64_t, 3> items_within(std::span<const int64_t> daily, int64_t days, uint64_t trials, uint64_t seed);

// How many days `items` items take: for each level c, the fewest days
// within which at least c% of the trials finish; nullopt when that is
// beyond kMaxForecastDays (no throughput, or too little).
inline constexpr int64_t kMaxForecastDays = 3650;
std::array<std::optional<int64_t>, 3> days_for(std::span<const int64_t> daily, uint64_t items, uint64_t trials,
                                               uint64_t seed);

}  // namespace ndj::flow
