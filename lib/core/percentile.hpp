// PERCENTILE_CONT, the one percentile of the report tools: rank
// p/100*(n-1) counted from 0, linear interpolation between the values at
// the two closest ranks (numpy's default, `mlr stats1 -i`).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ndj {

// Where a percentile falls among n sorted values: between rank `lower`
// and the next, `frac` of the way (0: at `lower` exactly).
struct PercentileRank {
  size_t lower = 0;
  double frac = 0;
};

// n > 0, 0 <= p <= 100. A whole p is exact integer arithmetic: a rank
// that is whole never gets a hair of interpolation.
inline PercentileRank percentile_rank(size_t n, double p) {
  if (p == std::floor(p)) {
    const uint64_t scaled = static_cast<uint64_t>(p) * (n - 1);
    return {static_cast<size_t>(scaled / 100), static_cast<double>(scaled % 100) / 100.0};
  }
  const double scaled = p * static_cast<double>(n - 1);
  const size_t lower = std::min(static_cast<size_t>(scaled / 100.0), n - 1);
  return {lower, std::clamp((scaled - static_cast<double>(lower) * 100.0) / 100.0, 0.0, 1.0)};
}

// The percentile from value_at(rank), asked for `lower` first and then
// for the next rank only when it is needed.
template <class At>
double interpolate(PercentileRank r, At value_at) {
  const double x = static_cast<double>(value_at(r.lower));
  if (r.frac == 0) return x;
  return x + r.frac * (static_cast<double>(value_at(r.lower + 1)) - x);
}

// The p-th percentile of the non-empty `v`, which is reordered. When no
// value before `from` is above one from `from` on, and the percentile's
// lower rank is at least `from`, only the values from there on are searched.
template <class T>
double percentile_cont(std::span<T> v, double p, size_t from = 0) {
  const PercentileRank r = percentile_rank(v.size(), p);
  return interpolate(r, [&](size_t rank) {
    if (rank == r.lower) {
      std::nth_element(v.begin() + static_cast<ptrdiff_t>(from), v.begin() + static_cast<ptrdiff_t>(rank), v.end());
      return v[rank];
    }
    // The next rank: the least of the values after the one just selected.
    return *std::min_element(v.begin() + static_cast<ptrdiff_t>(rank), v.end());
  });
}

}  // namespace ndj
