// ndj-dora's report of a resolved store.
#include "dora/run.hpp"

#include <algorithm>

#include "core/diag.hpp"

namespace ndj::dora {

bool write_report(const EventStore& store, const Options& o, const RunWindows& w, bool color, const TextSink& sink) {
  std::optional<Series> series;
  if (o.bucket) series = compute_series(store, w.edges, *o.bucket, o.compare_previous, o.tz);
  // The whole window: a series shows it only in the table and the page;
  // otherwise its buckets' counts are all the warnings need.
  const bool whole = !series || o.format == Format::kTable || o.format == Format::kHtml;
  std::vector<GroupMetrics> rows = whole ? store.compute(w.window) : std::vector{series->summed_overall()};
  const auto& all = rows.front();
  if (all.negative_lead_times)
    warn(std::to_string(all.negative_lead_times) +
         " change(s) with a deployment time before their own time (negative lead time) left out");
  if (all.negative_recoveries)
    warn(std::to_string(all.negative_recoveries) +
         " failed deployment(s) whose incidents were resolved before it (negative recovery time) left out");
  ReportSettings settings{w.window, o.tags, o.tiers, o.min_samples, nullptr, w.before, o.goals, nullptr, nullptr, {}};
  std::vector<GroupMetrics> previous_rows;
  if (o.compare_previous && whole) {
    previous_rows = store.compute(w.before);
    settings.previous = &previous_rows;
  }
  std::vector<RegressionCheck> checks;
  if (o.regressions) {
    checks = find_regressions(store, w.trend, o.thresholds, o.min_samples);
    settings.regressions = &checks;
    settings.regression_windows = w.trend;
  }
  if (!series) sink(format_report(o.format, store, rows, settings));
  else if (o.format == Format::kHtml) sink(format_html(store, *series, rows, settings));
  else write_series(o.format, store, *series, rows, settings, color, sink);
  return std::any_of(checks.begin(), checks.end(), [](const auto& c) { return c.alert; });
}

}  // namespace ndj::dora
