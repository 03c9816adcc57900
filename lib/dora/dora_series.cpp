// Bucketed DORA metrics: one-pass computation and the series formats.
#include "dora/dora_series.hpp"

#include <algorithm>
#include <cmath>

#include "core/format.hpp"
#include "json/json.hpp"

namespace ndj::dora {

ReportSettings Series::settings_of(size_t b, const ReportSettings& base) const {
  ReportSettings s = base;
  s.window = window(b);
  s.bucket = bucket_unit_name(unit);
  s.regressions = nullptr;
  if (is_partial(b)) {
    s.partial = true;
    s.covered = {edges[b], std::clamp(now, edges[b], edges[b + 1])};
  }
  if (!previous.empty()) {
    s.previous = &previous[b];
    s.previous_window = previous_window(b);
  }
  return s;
}

GroupMetrics Series::summed_overall() const {
  GroupMetrics sum;
  sum.group = kOverall;
  for (const auto& rows : buckets) {
    sum.add_counts(rows.front());
    sum.lead_time.n += rows.front().lead_time.n;  // for the note on instant lead times
  }
  return sum;
}

Series compute_series(const EventStore& store, std::vector<TimeNs> edges, BucketUnit unit, bool compare,
                      const std::string& zone, std::vector<bool> partial, TimeNs now) {
  Series s;
  s.unit = unit;
  s.zone = zone;
  s.edges = std::move(edges);
  s.partial = std::move(partial);
  s.now = now;
  std::vector<TimeNs> all = s.edges;
  if (compare) all.insert(all.begin(), s.previous_window(0).since);
  auto buckets = store.compute_buckets(all);
  const size_t first = compare ? 1 : 0;
  // Row positions are the same in every bucket: keep a group everywhere
  // when it has data in some bucket of the window.
  std::vector<bool> keep(buckets.empty() ? 0 : buckets.front().size(), false);
  for (size_t b = first; b < buckets.size(); ++b)
    for (size_t i = 0; i < buckets[b].size(); ++i)
      if (buckets[b][i].group == kOverall || buckets[b][i].has_data()) keep[i] = true;
  auto kept = [&](std::vector<GroupMetrics>& rows) {
    std::vector<GroupMetrics> out;
    for (size_t i = 0; i < rows.size(); ++i)
      if (keep[i]) out.push_back(rows[i]);
    return out;
  };
  for (size_t b = first; b < buckets.size(); ++b) {
    if (compare) s.previous.push_back(kept(buckets[b - 1]));
    s.buckets.push_back(kept(buckets[b]));
  }
  return s;
}

namespace {

const char* tier_color(const char* tier) {
  if (!tier) return nullptr;
  std::string_view t = tier;
  return t == "elite" ? "\x1b[32m" : t == "high" ? "\x1b[36m" : t == "medium" ? "\x1b[33m" : "\x1b[31m";
}

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kAlarm = "\x1b[1;31m";

std::string json_series(const EventStore& store, const Series& series, const ReportSettings& s) {
  std::string out = "{\"since\":\"" + time_text(s.window.since) + "\",\"until\":\"" + time_text(s.window.until) +
                    "\",\"days\":";
  append_number(out, s.window.days());
  out.append(",\"min_samples\":").append(std::to_string(s.min_samples));
  append_note(out, s);
  out.append(",\"bucket\":\"").append(bucket_unit_name(series.unit)).append("\",\"group_by\":[");
  for (size_t i = 0; i < store.group_fields().size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, store.group_fields()[i]);
  }
  out.append("],\"buckets\":[");
  for (size_t b = 0; b < series.size(); ++b) {
    out.append(b ? ",{\"since\":\"" : "{\"since\":\"").append(time_text(series.edges[b]));
    out.append("\",\"until\":\"").append(time_text(series.edges[b + 1]));
    out.append(series.is_partial(b) ? "\",\"partial\":true}" : "\"}");
  }
  out.append("],\"series\":[");
  // records[b][row]: every bucket's records, then read row by row.
  std::vector<std::vector<std::vector<MetricRecord>>> records(series.size());
  std::vector<ReportSettings> settings;
  settings.reserve(series.size());  // records point at the settings' goals
  for (size_t b = 0; b < series.size(); ++b) {
    settings.push_back(series.settings_of(b, s));
    for (const auto& row : series.buckets[b]) records[b].push_back(row_records(row, settings.back()));
  }
  const size_t nrows = series.size() ? series.buckets.front().size() : 0;
  for (size_t row = 0; row < nrows; ++row) {
    out.append(row ? ",{\"group\":" : "{\"group\":");
    append_group_object(out, store, series.buckets.front()[row].group);
    out.append(",\"metrics\":{");
    for (size_t m = 0; m < kMetricCount; ++m) {
      const MetricRecord& head = records.front()[row][m];
      out.append(m ? ",\"" : "\"").append(head.info().name).append("\":{\"unit\":\"");
      out.append(unit_info(head.info().unit).name).append("\"");
      if (!head.goals.empty()) {
        out.append(",\"goal\":");
        append_json_string(out, head.goal_text());
      }
      out.append(",\"points\":[");
      for (size_t b = 0; b < series.size(); ++b) {
        out.append(b ? ",{\"since\":\"" : "{\"since\":\"").append(time_text(series.edges[b]));
        out.append(series.is_partial(b) ? "\",\"partial\":true," : "\",");
        append_metric_body(out, records[b][row][m]);
        out.push_back('}');
      }
      out.append("]}");
    }
    out.append("}}");
  }
  append_json_end(out, store, s);
  return out;
}

std::string table_series(const EventStore& store, const Series& series, const std::vector<GroupMetrics>& window_rows,
                         const ReportSettings& s, bool color) {
  const size_t shown = std::min(series.size(), kMaxSparkline), skip = series.size() - shown;
  const char* unit = bucket_unit_name(series.unit);
  std::string out = "DORA metrics by " + std::string(unit) + ", " + time_text(s.window.since) + " to " +
                    time_text(s.window.until) + " (" + window_label(s.window) + ", " +
                    std::to_string(series.size()) + " " + unit + (series.size() == 1 ? "" : "s");
  if (skip) out += ", the last " + std::to_string(shown) + " drawn";
  if (!s.definitions.empty()) out += ", definitions " + s.definitions;
  std::string partial;  // the footnote's list
  for (size_t b = 0; b < series.size(); ++b)
    if (series.is_partial(b))
      partial += (partial.empty() ? "" : ", ") + time_text(series.edges[b]) + " to " + time_text(series.edges[b + 1]);
  out += partial.empty() ? ")\n" : ", *partial)\n";
  if (!s.note.empty()) out += "note: " + s.note + "\n";
  std::vector<ReportSettings> settings;
  settings.reserve(series.size());
  for (size_t b = 0; b < series.size(); ++b) settings.push_back(series.settings_of(b, s));
  const ReportSettings& whole = s;
  const size_t trend_width = std::max<size_t>(shown, 5);
  // Deployment frequency per week in the views by week.
  const bool by_week = series.unit == BucketUnit::kWeek;
  bool low_n = false;
  const size_t nrows = series.size() ? series.buckets.front().size() : 0;
  for (size_t row = 0; row < nrows; ++row) {
    const uint32_t group = series.buckets.front()[row].group;
    std::vector<std::vector<MetricRecord>> records;  // [b][metric]
    for (size_t b = skip; b < series.size(); ++b) records.push_back(row_records(series.buckets[b][row], settings[b]));
    GroupMetrics none;
    none.group = group;
    const GroupMetrics* total = &none;
    for (const auto& r : window_rows)
      if (r.group == group) total = &r;
    auto window_records = row_records(*total, whole);

    out.append("\n").append(group_label(store, group)).append("\n");
    out.append("  ").append(pad("metric", 26, false)).append(pad("trend", trend_width, false));
    out.append(pad("window", 12, true)).append(pad("n", 8, true)).append("  tier    detail\n");
    for (size_t m = 0; m < kMetricCount; ++m) {
      const MetricRecord& r = window_records[m];
      const Unit u = r.info().unit;
      low_n |= r.low_n;
      std::vector<std::optional<double>> values;
      for (const auto& b : records) values.push_back(b[m].value);
      auto levels = sparkline_levels(values);
      std::string spark;
      const char* current = nullptr;  // colour in effect: one escape per run of a colour
      for (size_t i = 0; i < levels.size(); ++i) {
        if (color) {
          const char* c = levels[i] < 0 ? kDim : tier_color(records[i][m].tier);
          if (c != current) spark.append(current ? kReset : "").append(c ? c : "");
          current = c;
        }
        spark.append(sparkline_bar(levels[i]));
      }
      if (current) spark.append(kReset);
      std::string detail;
      auto note = [&](const std::string& text) { detail += (detail.empty() ? "" : ", ") + text; };
      double lo = INFINITY, hi = -INFINITY;
      size_t missing = 0, unrated = 0;
      for (size_t b = skip; b < series.size(); ++b) {
        const auto& rec = records[b - skip][m];
        if (!rec.value && series.is_partial(b) && rec.n) ++unrated;
        else if (!rec.value) ++missing;
        else lo = std::min(lo, *rec.value), hi = std::max(hi, *rec.value);
      }
      if (hi >= lo) note("range " + pair_text(u, lo, hi, " to ", false, by_week));
      if (missing) note(std::to_string(missing) + " " + unit + (missing == 1 ? "" : "s") + " without data");
      if (unrated) note(std::to_string(unrated) + " partial " + unit + (unrated == 1 ? "" : "s") + " without a rate");
      if (r.compared) note(previous_text(r, by_week));
      for (size_t i = 0; i < r.goals.size(); ++i) {
        // The buckets' records hold the same goals in the same order.
        size_t missed = 0, judged = 0;
        for (const auto& b : records)
          if (auto met = b[m].met(*b[m].goals[i])) ++judged, missed += !*met;
        std::string g = goal_note(r, *r.goals[i]);
        if (judged) g += " (missed in " + std::to_string(missed) + " of " + std::to_string(judged) + " " + unit + "s)";
        if (color && r.met(*r.goals[i]) == false) g = kAlarm + g + kReset;
        note(g);
      }
      if (!r.value) note("insufficient data");
      std::string mark = r.goal_met == false ? (color ? std::string(kAlarm) + "!" + kReset : "!") : " ";
      const char* label = r.info().label;
      out.append(mark).append(" ").append(pad(label, 26, false));
      out.append(pad(spark, trend_width, false, levels.size())).append(pad(value_text(r, by_week), 12, true));
      out.append(pad(std::to_string(r.n), 8, true)).append(r.low_n ? "* " : "  ");
      std::string tier = r.tier ? r.tier : "-";
      const char* tc = color ? tier_color(r.tier) : nullptr;
      out.append(tc ? tc + tier + kReset : tier).append(tier.size() < 6 ? std::string(6 - tier.size(), ' ') : "");
      out.append("  ").append(detail);
      while (out.back() == ' ') out.pop_back();
      out.append("\n");
    }
  }
  if (low_n) out += low_n_footnote(s.min_samples);
  if (!partial.empty())
    out += (low_n ? "* partial " : "\n* partial ") + std::string(unit) + "s (cut by the window or not over yet): " +
           partial + "; deployment frequency there is over the time up to now, without a tier, and none under a day\n";
  if (s.regressions) out += format_regressions(Format::kTable, store, *s.regressions, s.regression_windows);
  return out;
}

}  // namespace

void write_series(Format format, const EventStore& store, const Series& series,
                  const std::vector<GroupMetrics>& window_rows, const ReportSettings& settings, bool color,
                  const TextSink& sink) {
  if (format == Format::kJson) return sink(json_series(store, series, settings));
  if (format == Format::kTable) return sink(table_series(store, series, window_rows, settings, color));
  for (size_t b = 0; b < series.size(); ++b) {
    ReportSettings s = series.settings_of(b, settings);
    if (format == Format::kCsv) {
      s.regressions = settings.regressions;  // for the columns
      sink(format_csv(store, series.buckets[b], s, b == 0));
    } else {
      sink(format_report(Format::kNdjson, store, series.buckets[b], s));
    }
  }
  if (!settings.regressions) return;
  if (format == Format::kCsv) {
    ReportSettings s = settings;
    s.bucket = bucket_unit_name(series.unit);
    if (!series.previous.empty()) s.previous = &series.previous.front();
    return sink(format_csv_regressions(store, s));
  }
  sink(format_regressions(Format::kNdjson, store, *settings.regressions, settings.regression_windows));
}

}  // namespace ndj::dora
