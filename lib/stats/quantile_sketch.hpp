// A DDSketch (Masson, Rim and Lee, VLDB 2019): quantiles with a relative
// error bound in memory that depends on the range of the values, not on
// their number; two sketches merge exactly.
#pragma once
#include <cstdint>
#include <map>
#include <optional>

namespace ndj {

class QuantileSketch {
 public:
  // Relative accuracy: every answer is within this fraction of a true value.
  static constexpr double kRelativeError = 0.01;

  void add(double v);
  void merge(const QuantileSketch& other);
  uint64_t count() const { return count_; }

  // A value within kRelativeError of the element of rank p/100*(n-1)
  // (rounded down) among the n sorted values; nullopt when empty.
  std::optional<double> quantile(double p) const;

 private:
  // Values closer to zero than this are counted as zero.
  static constexpr double kMinMagnitude = 1e-9;
  static int index_of(double magnitude);
  static double value_of(int index);

  std::map<int, uint64_t> positive_, negative_;  // bucket index -> count
  uint64_t zeros_ = 0;
  uint64_t count_ = 0;
};

}  // namespace ndj
