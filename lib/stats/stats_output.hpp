// Writing grouped statistics as NDJSON, one JSON array or one JSON document
// nested by bucket and group values, CSV, an aligned text table or
// Prometheus text (gauges named by prom_family); with time buckets the
// table shows one sparkline per group and aggregate.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/choices.hpp"
#include "core/time_bucket.hpp"
#include "stats/group_stats.hpp"

namespace ndj {

class Output;

enum class StatsFormat { kNdjson, kJson, kCsv, kTable, kProm };
extern const Choices<StatsFormat> kStatsFormats;

struct StatsLayout {
  std::vector<std::string> key_names;  // group fields, as written
  std::vector<std::string> agg_names;  // output columns
  const Bucketer* bucket = nullptr;  // with --bucket
  const std::vector<AggSpec>* aggs = nullptr;  // the aggregates, for kProm's names and units
  // kJson: one object nested by the bucket's label, then each group
  // field's value (a string as itself, another value as its JSON text),
  // members in the order of their first row. A null group value adds no
  // level (records of several kinds, each with its own group fields),
  // unless that would put two rows at one place or a row beside deeper
  // levels: then each null is a "null" level. The leaves hold the
  // aggregates that are not null. Values that share a key (1 and "1") are
  // warned about.
  bool nest = false;
};

// The Prometheus family of an aggregate, in base units: count is
// ndj_stats_records; an aggregate over an expression (count(EXPR) too)
// ndj_stats_ and its column in snake_case; rate:F ndj_stats_F_success_ratio; distinct:F
// ndj_stats_F_distinct_values; the others ndj_stats_F (labelled
// stat="sum", "mean", "p90"...), with F's unit, when its name ends in one
// (duration_ms, latency_us, size_bytes, load_pct), taken off F and put
// last in its base unit (ndj_stats_duration_seconds) and the values
// scaled to it, whatever AS names the column. F is snake_case (camelCase
// split, other bytes '_').
struct PromFamily {
  std::string name;
  std::string stat;   // the label's value; empty: no stat label
  double scale = 1;   // the values' factor to the base unit
  std::string unit;   // "seconds", "bytes", "ratio" or ""
};
PromFamily prom_family(const AggSpec& agg);

void write_stats(Output& out, StatsFormat format, const StatsLayout& layout,
                 const std::vector<GroupRow>& rows);

}  // namespace ndj
