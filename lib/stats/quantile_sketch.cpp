// Logarithmic buckets: bucket i holds (gamma^(i-1), gamma^i], and its
// midpoint 2*gamma^i/(gamma+1) is within the relative error of all of it.
#include "stats/quantile_sketch.hpp"

#include <cmath>

namespace ndj {

namespace {
constexpr double kGamma = (1 + QuantileSketch::kRelativeError) / (1 - QuantileSketch::kRelativeError);
const double kLogGamma = std::log(kGamma);
}  // namespace

int QuantileSketch::index_of(double magnitude) {
  return static_cast<int>(std::ceil(std::log(magnitude) / kLogGamma));
}

double QuantileSketch::value_of(int index) {
  return 2 * std::pow(kGamma, index) / (kGamma + 1);
}

void QuantileSketch::add(double v) {
  ++count_;
  if (std::fabs(v) < kMinMagnitude) ++zeros_;
  else if (v > 0) ++positive_[index_of(v)];
  else ++negative_[index_of(-v)];
}

void QuantileSketch::merge(const QuantileSketch& other) {
  for (const auto& [i, n] : other.positive_) positive_[i] += n;
  for (const auto& [i, n] : other.negative_) negative_[i] += n;
  zeros_ += other.zeros_;
  count_ += other.count_;
}

std::optional<double> QuantileSketch::quantile(double p) const {
  if (count_ == 0) return std::nullopt;
  const auto rank = static_cast<uint64_t>(p / 100.0 * static_cast<double>(count_ - 1));
  uint64_t seen = 0;
  // Ascending order: most negative first (largest magnitude), then zero.
  for (auto it = negative_.rbegin(); it != negative_.rend(); ++it) {
    seen += it->second;
    if (seen > rank) return -value_of(it->first);
  }
  seen += zeros_;
  if (seen > rank) return 0.0;
  for (const auto& [i, n] : positive_) {
    seen += n;
    if (seen > rank) return value_of(i);
  }
  return value_of(positive_.rbegin()->first);
}

}  // namespace ndj
