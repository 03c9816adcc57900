// Writing grouped statistics as NDJSON, CSV or an aligned text table; with
// time buckets the table shows one sparkline per group and aggregate.
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

enum class StatsFormat { kNdjson, kCsv, kTable };
extern const Choices<StatsFormat> kStatsFormats;

struct StatsLayout {
  std::vector<std::string> key_names;  // group fields, as written
  std::vector<std::string> agg_names;  // output columns
  const Bucketer* bucket = nullptr;  // with --bucket
};

void write_stats(Output& out, StatsFormat format, const StatsLayout& layout,
                 const std::vector<GroupRow>& rows);

}  // namespace ndj
