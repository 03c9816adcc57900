// lib/stats/: ndj-stats: grouped aggregates, the quantile sketch, output
// formats (over core/format). Includes core/, json/ and stats/ only; only
// ndj-stats includes it.
//
// Grouped aggregation over records in one pass: count, sum, mean, min, max,
// exact percentiles, distinct counts, success rates, first and last values,
// optionally per time bucket (core/time_bucket).
#pragma once
#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/field_path.hpp"
#include "core/timefmt.hpp"

namespace ndj {

enum class AggKind { kCount, kSum, kMean, kMin, kMax, kPercentile, kDistinct, kRate, kFirst, kLast };

struct AggSpec {
  AggKind kind = AggKind::kCount;
  double percentile = 0;  // 0..100, for kPercentile
  std::optional<FieldPath> field;  // every kind but kCount
  std::string spec;    // as written: "p90:duration_ms"
  std::string column;  // output name: "duration_ms_p90", "count"

  // "count", "sum:F", "mean:F", "min:F", "max:F", "pN:F" (0 <= N <= 100,
  // "p99.9" too), "median:F" (p50), "distinct:F", "rate:F", "first:F",
  // "last:F". nullopt with a reason in `why` otherwise.
  static std::optional<AggSpec> parse(std::string_view text, std::string& why);
};

// The time in field `path` of a record: an RFC 3339 string, or a number when
// `epoch` names its unit. nullopt with a reason in `why` otherwise.
std::optional<TimeNs> read_time_field(simdjson::dom::element record, const FieldPath& path,
                                      std::optional<EpochUnit> epoch, std::string& why);

// One output cell.
struct StatValue {
  std::string json = "null";  // JSON text
  std::optional<double> number;
  bool is_string = false;     // json is a string literal
};

struct GroupRow {
  TimeNs bucket = 0;  // bucket start (with --bucket)
  std::vector<StatValue> keys;
  std::vector<StatValue> aggs;
};

class GroupStats {
 public:
  // approx_percentiles: percentiles from a QuantileSketch (1% relative
  // error, memory bounded by the range of the values) instead of every value.
  // bucketed: records come with time buckets (they are groups too).
  GroupStats(std::vector<FieldPath> group_by, std::vector<AggSpec> aggs,
             bool approx_percentiles = false, bool bucketed = false);
  ~GroupStats();
  GroupStats(const GroupStats&) = delete;
  GroupStats& operator=(const GroupStats&) = delete;

  // Adds one record to its group (and bucket, whose start is given).
  void add(simdjson::dom::element record, TimeNs bucket = 0);

  // Rows ordered by bucket, then by group values (null, booleans, numbers
  // by value, strings bytewise, then arrays and objects). Without group
  // fields and buckets there is always one row, as SQL's aggregates over
  // no rows: with no record, count 0, distinct 0 and the others null. With
  // them, no record makes no group and no row.
  std::vector<GroupRow> rows() const;

  uint64_t records() const;
  // One message per --group-by or aggregate field that was in no record
  // (after at least one record), with a guess from the names the records
  // did hold: "field 'duration' was not in any of the 1,234 records (did
  // you mean 'duration_ms'?)".
  std::vector<std::string> missing_fields() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// <0, 0, >0 as the group values of a sort before, with or after b's (the
// order rows() uses within a bucket).
int compare_group_keys(const GroupRow& a, const GroupRow& b);

// Orders the rows of each bucket by aggregate `agg`, largest first (rows
// without a numeric value last, ties in group order) and keeps the first
// `top` of each bucket (0: all). Rows must come from GroupStats::rows().
void rank_rows(std::vector<GroupRow>& rows, size_t agg, size_t top);

}  // namespace ndj
