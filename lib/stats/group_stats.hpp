// lib/stats/: ndj-stats: grouped aggregates, the quantile sketch, output
// formats (over core/format). Includes core/, json/, expr/ and stats/ only; only
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

#include "expr/record_view.hpp"
#include "json/field_path.hpp"
#include "core/timefmt.hpp"

namespace ndj {

enum class AggKind { kCount, kSum, kMean, kMin, kMax, kPercentile, kDistinct, kRate, kFirst, kLast };

struct AggSpec {
  AggKind kind = AggKind::kCount;
  double percentile = 0;  // 0..100, for kPercentile
  // The colon forms' field (but count's); also a function's argument when
  // it is a plain field path, sum(duration_ms), which names its column
  // and Prometheus family as sum:duration_ms's.
  std::optional<FieldPath> field;
  // The function forms, sum(EXPR): the expression (lib/expr), empty for
  // count() and the colon forms. count(EXPR) counts the records where it
  // holds; the others aggregate its values.
  std::string expr;
  std::string spec;    // as written: "p90:duration_ms", "sum(a + b) AS total"
  std::string column;  // output name: "duration_ms_p90", "count", "total"

  // "count", "sum:F", "mean:F", "min:F", "max:F", "pN:F" (0 <= N <= 100,
  // "p99.9" too), "median:F" (p50), "distinct:F", "rate:F", "first:F",
  // "last:F"; the same names as functions of an expression, "sum(a + b)",
  // "count(success == false)", "count()"; either followed by "AS NAME" to
  // name the column. nullopt with a reason in `why` otherwise (an
  // expression's syntax error with its column and a caret, as --where's).
  static std::optional<AggSpec> parse(std::string_view text, std::string& why);
  // A --agg list split at its commas, but not at those inside parentheses,
  // brackets, strings or regexes of an expression; blanks around each
  // aggregate dropped, empty ones kept (for parse to refuse).
  static std::vector<std::string> split(std::string_view list);
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

class GroupStats;
class Bucketer;

// What records give their groups, extracted on any thread
// (StatsExtractor) and inserted in input order on one (GroupStats::insert):
// each record's group key, time and aggregate inputs, and what the batch
// saw of the watched fields. Inserting batches in input order gives the
// same statistics, to the bit, as adding the records one by one.
class StatsRows {
 public:
  StatsRows();
  ~StatsRows();
  StatsRows(StatsRows&&) noexcept;
  StatsRows& operator=(StatsRows&&) noexcept;
  void clear();
  size_t size() const;

 private:
  friend class GroupStats;
  friend class StatsExtractor;
  struct Data;
  std::unique_ptr<Data> d_;
};

// The pure half of adding records: one per thread, each with its own copy
// of the aggregates' expressions.
class StatsExtractor {
 public:
  explicit StatsExtractor(const GroupStats& stats);
  ~StatsExtractor();
  StatsExtractor(const StatsExtractor&) = delete;
  StatsExtractor& operator=(const StatsExtractor&) = delete;
  // Adds the row of one record: `view` reads it for the expressions,
  // `time` is its time (for insert()'s buckets).
  void extract(simdjson::dom::element record, const RecordView& view, TimeNs time, StatsRows& rows);

 private:
  friend class GroupStats;
  struct Impl;
  std::unique_ptr<Impl> impl_;
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
  // Expression aggregates read the record through `view` (the structural
  // index of its validation), which they need.
  void add(simdjson::dom::element record, TimeNs bucket = 0, const RecordView* view = nullptr);
  // Adds the rows of a batch, in order; each row's time is put in its
  // bucket by `buckets` (when bucketed), or is the bucket's start.
  void insert(const StatsRows& rows, const Bucketer* buckets = nullptr);

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
  // One message per expression aggregate that skipped records, where its
  // expression had no value (a missing field, arithmetic on a missing
  // field or a non-number, a division by zero), was null, or was not a
  // number for sum, mean, min, max and percentiles; and per count(EXPR)
  // whose comparisons met values of unlike types: "--agg 'sum(a + b)':
  // skipped 3 of the 10 records (2 without a value, 1 null)".
  std::vector<std::string> skipped_values() const;

 private:
  friend class StatsExtractor;
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
