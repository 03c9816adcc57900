// DORA metrics as a time series (--bucket): the rows of every bucket of a
// window, computed in one pass, and their text in the ndjson, json, csv and
// table formats (the table draws a sparkline per metric).
#pragma once
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time_bucket.hpp"
#include "dora/dora.hpp"
#include "dora/dora_report.hpp"
#include "dora/dora_trends.hpp"

namespace ndj::dora {

struct Series {
  BucketUnit unit = BucketUnit::kDay;
  std::string zone;  // --tz the edges were cut in; empty: UTC
  std::vector<TimeNs> edges;  // bucket b is [edges[b], edges[b+1])
  std::vector<bool> partial;  // per bucket: see RunWindows::partial
  TimeNs now = 0;             // a partial bucket covers [edges[b], now) at most
  // Per bucket, oldest first: the overall row, then every group with data
  // in any bucket (the same groups, in the same order, in every bucket).
  std::vector<std::vector<GroupMetrics>> buckets;
  // With compare: per bucket the rows of the bucket before it (for the
  // first bucket, the window of its length just before it).
  std::vector<std::vector<GroupMetrics>> previous;

  size_t size() const { return buckets.size(); }
  bool is_partial(size_t b) const { return b < partial.size() && partial[b]; }
  Window window(size_t b) const { return {edges[b], edges[b + 1]}; }
  Window previous_window(size_t b) const {
    return b ? window(b - 1) : Window{edges[0] - (edges[1] - edges[0]), edges[0]};
  }
  // The overall rows' counts summed over the buckets (the distributions
  // left empty, but for the number of lead times): the window's counts
  // without computing it again.
  GroupMetrics summed_overall() const;
  // The settings of one bucket: its window, comparison and unit name.
  ReportSettings settings_of(size_t b, const ReportSettings& base) const;
};

// `edges` from bucket_edges() (at least two), cut in `zone`. With
// `compare`, the store must hold the events from previous_window(0).since on.
// `partial` (one per bucket, or empty for none) and `now` as plan_windows() gives them.
Series compute_series(const EventStore& store, std::vector<TimeNs> edges, BucketUnit unit, bool compare,
                      const std::string& zone = "", std::vector<bool> partial = {}, TimeNs now = INT64_MAX);

// Receives the text of a report piece by piece (a bucket at a time), so a
// long series is not held whole before it is written.
using TextSink = std::function<void(std::string_view)>;

// The series in `format` (not prom): ndjson and csv as the report per
// bucket; json with "buckets" and per group and metric "points"; the table
// with the metrics of `window_rows` (the whole window) and a sparkline of
// the buckets, in tier colours when `color`. Regression checks of the
// settings follow as in format_report().
void write_series(Format format, const EventStore& store, const Series& series,
                  const std::vector<GroupMetrics>& window_rows, const ReportSettings& settings, bool color,
                  const TextSink& sink);

}  // namespace ndj::dora
