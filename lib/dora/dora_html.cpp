// The self-contained HTML report: system fonts, inline CSS and inline SVG
// bar charts. Output depends only on the numbers (no "generated at" time),
// so the same input gives the same page.
#include "dora/dora_html.hpp"

#include <algorithm>
#include <cmath>

#include "core/format.hpp"
#include "core/local_time.hpp"

namespace ndj::dora {

namespace {

constexpr const char* kStyle = R"(:root{--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--bg:#f6f8fa;--card:#fff;
--elite:#1a7f37;--high:#0969da;--medium:#b35900;--low:#cf222e;--plain:#6639ba;--gap:#eaeef2}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1140px;margin:0 auto;padding:32px 28px 40px}
h1{font-size:28px;line-height:1.2;margin:0 0 6px;font-weight:650;letter-spacing:-.01em}
h2{font-size:19px;margin:36px 0 12px;font-weight:650}
.sub{color:var(--muted);margin:0}h2+.sub{margin:-6px 0 12px}
.cards{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:16px;margin-top:24px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:16px 18px 12px}
.card h3{font-size:12px;font-weight:600;color:var(--muted);margin:0;text-transform:uppercase;letter-spacing:.05em}
.value{font-size:30px;font-weight:650;margin:4px 0 0;font-variant-numeric:tabular-nums;line-height:1.25}
.value .unit{font-size:16px;color:var(--muted);font-weight:500;margin-left:2px}
.value.none{font-size:20px;color:var(--muted);font-weight:500;font-style:italic;padding:7px 0 3px}
.meta{color:var(--muted);font-size:13px;margin:2px 0 8px;min-height:20px}
.tier{display:inline-block;padding:0 8px;border-radius:999px;font-size:12px;font-weight:600;color:#fff;
vertical-align:2px;margin-left:8px;line-height:20px}
.tier.elite{background:var(--elite)}.tier.high{background:var(--high)}
.tier.medium{background:var(--medium)}.tier.low{background:var(--low)}
.goal{font-size:13px;font-weight:600}.goal.met{color:var(--elite)}.goal.missed{color:var(--low)}
.goal.unknown{color:var(--muted);font-weight:500}
.card.low-n{background:#fafbfc;border-style:dashed}.card.low-n .value,td.low-n .v{color:var(--muted)}
.low-n-note{color:var(--muted);font-size:13px;margin:0 0 8px}
svg{display:block}svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--muted)}
table{border-collapse:separate;border-spacing:0;width:100%;table-layout:fixed;background:var(--card);border:1px solid var(--line);
border-radius:12px;overflow:hidden;font-size:13px}
th,td{padding:8px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
tr:last-child td{border-bottom:0}
th{font-size:12px;color:var(--muted);font-weight:600;background:#fbfcfd}
th:first-child{width:130px}td.group{font-weight:600;overflow-wrap:anywhere}
td svg{width:100%;height:34px;margin-top:4px}
td .v{font-variant-numeric:tabular-nums;font-weight:600}
td .v.none{color:var(--muted);font-weight:500;font-style:italic}
.cell-meta{color:var(--muted);font-size:12px;white-space:nowrap}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:5px;vertical-align:1px}
.dot.elite{background:var(--elite)}.dot.high{background:var(--high)}.dot.medium{background:var(--medium)}
.dot.low{background:var(--low)}.dot.plain{background:var(--plain)}
ul.alerts{list-style:none;padding:0;margin:0;background:var(--card);border:1px solid var(--line);border-radius:12px}
ul.alerts li{padding:10px 16px;border-bottom:1px solid var(--line)}ul.alerts li:last-child{border-bottom:0}
.alert{color:var(--low);font-weight:650;margin-right:8px}.ok{color:var(--elite);font-weight:600}
.alert.acked{color:var(--muted)}
.note{color:var(--muted)}
.banner{background:#fff8c5;border:1px solid #d4a72c;border-radius:12px;padding:10px 16px;margin:16px 0 0}
.legend{color:var(--muted);font-size:13px;margin:8px 0 0}
.legend .item{margin-right:16px;white-space:nowrap}
.goal-label{paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
.card svg{width:100%;height:auto}
.scroll{overflow-x:auto}
@media (max-width:900px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}table{min-width:820px}}
@media (max-width:600px){.cards{grid-template-columns:minmax(0,1fr)}main{padding:20px 14px}}
footer{color:var(--muted);font-size:12px;margin-top:32px;border-top:1px solid var(--line);padding-top:12px}
)";


std::string day_text(TimeNs t) { return time_text(t).substr(0, 10); }

// "2026-01-05 to 2026-04-05" with the last day included when the window is
// whole UTC days, else both ends in full.
std::string span_text(const Window& w) {
  if (w.since % kNsPerDay == 0 && w.until % kNsPerDay == 0)
    return day_text(w.since) + " to " + day_text(w.until - 1) + " (" + window_label(w) + ")";
  auto minute = [](TimeNs t) {
    std::string text = format_rfc3339(t);
    return text.substr(0, 10) + " " + text.substr(11, 5) + " UTC";
  };
  return minute(w.since) + " to " + minute(w.until) + " (" + window_label(w) + ")";
}

std::string group_name(const EventStore& store, uint32_t group) {
  if (group == kOverall) return "all";
  std::string s;
  const auto& fields = store.group_fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& v = store.group(group)[i];
    s += (i ? ", " : "") + (fields.size() > 1 ? fields[i] + "=" : "") + (v.present ? v.text : "(none)");
  }
  return s;
}

struct Bar {
  std::optional<double> value;
  const char* tier;
  uint64_t n;
  bool low_n;
  const std::string* date;  // the bucket's first day, in the series' zone
  bool partial;             // cut by the window or not over yet: drawn faded
};

struct ChartSize {
  int width, height;
  bool axes;  // value and date labels
};

// Where a goal's dashed lines go on a chart of values: its bound, or both
// ends of its range, in the metric's unit; none for a goal on another
// statistic (mean, p90).
std::vector<double> goal_lines(const Goal& g) {
  if (g.per_value == 0) return {};
  if (g.op == Goal::Op::kRange) return {g.target * g.per_value, g.high * g.per_value};
  return {g.target * g.per_value};
}

// Bars from 0 to `top`; a bucket without a value is a pale full-height
// band, never a bar of 0; a value from too few samples a faded bar; a goal
// is a dashed line. `by_week`: deployment frequency per week.
void append_chart(std::string& out, const std::vector<Bar>& bars, double top, const MetricRecord& head,
                  ChartSize size, bool by_week) {
  const Unit unit = head.info().unit;
  const double left = size.axes ? 40 : 1, right = size.width - (size.axes ? 6 : 1);
  const double up = size.axes ? 10 : 2, bottom = size.height - (size.axes ? 20 : 2);
  auto y = [&](double v) { return bottom - (bottom - up) * std::clamp(v / top, 0.0, 1.0); };
  out.append("<svg width=\"" + std::to_string(size.width) + "\" height=\"" +
             std::to_string(size.height) + "\" viewBox=\"0 0 " + std::to_string(size.width) + " " +
             std::to_string(size.height) + "\"" + (size.axes ? "" : " preserveAspectRatio=\"none\"") +
             " role=\"img\" aria-label=\"");
  append_html_escaped(out, std::string(head.info().label) + " by bucket");
  out.append("\">");
  const double slot = (right - left) / static_cast<double>(std::max<size_t>(bars.size(), 1));
  const double width = std::max(1.0, slot * (bars.size() > 40 ? 0.9 : 0.72));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    double x = left + slot * static_cast<double>(i) + (slot - width) / 2;
    std::string tip = *b.date + ": " +
                      (b.value ? display_text(unit, *b.value, by_week) + " (n = " + std::to_string(b.n) +
                                     (b.low_n ? ", too few samples)" : ")")
                               : "insufficient data (n = " + std::to_string(b.n) + ")") +
                      (b.partial ? ", partial" : "");
    if (!b.value) {
      out.append("<rect x=\"" + fixed(x, 1) + "\" y=\"" + fixed(up, 1) + "\" width=\"" + fixed(width, 1) +
                 "\" height=\"" + fixed(bottom - up, 1) + "\" fill=\"#eaeef2\"><title>");
    } else {
      const char* fill = !b.tier ? "#6639ba"
                         : std::string_view(b.tier) == "elite" ? "#1a7f37"
                         : std::string_view(b.tier) == "high"  ? "#0969da"
                         : std::string_view(b.tier) == "medium" ? "#b35900"
                                                                : "#cf222e";
      double top_y = y(*b.value);
      // A real 0 still shows as a hairline on the axis.
      double h = std::max(bottom - top_y, 1.0);
      out.append("<rect x=\"" + fixed(x, 1) + "\" y=\"" + fixed(bottom - h, 1) + "\" width=\"" + fixed(width, 1) +
                 "\" height=\"" + fixed(h, 1) + "\" rx=\"" + (width > 4 ? "1.5" : "0") + "\" fill=\"" + fill +
                 (b.partial ? "\" fill-opacity=\"0.4\" class=\"partial"
                  : b.low_n ? "\" fill-opacity=\"0.35"
                            : "") +
                 "\"><title>");
    }
    append_html_escaped(out, tip);
    out.append("</title></rect>");
  }
  out.append("<line x1=\"" + fixed(left, 1) + "\" y1=\"" + fixed(bottom, 1) + "\" x2=\"" + fixed(right, 1) +
             "\" y2=\"" + fixed(bottom, 1) + "\" stroke=\"#afb8c1\"/>");
  for (const Goal* g : head.goals) {
    for (double line : goal_lines(*g)) {
      if (line > top) continue;
      double gy = y(line);
      out.append("<line x1=\"" + fixed(left, 1) + "\" y1=\"" + fixed(gy, 1) + "\" x2=\"" + fixed(right, 1) +
                 "\" y2=\"" + fixed(gy, 1) + "\" stroke=\"#1f2328\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\">");
      out.append("<title>goal ");
      append_html_escaped(out, g->text);
      out.append("</title></line>");
      if (size.axes) {
        out.append("<text x=\"" + fixed(right, 1) + "\" y=\"" + fixed(gy - 4, 1) +
                   "\" text-anchor=\"end\" class=\"goal-label\" style=\"fill:#1f2328;font-weight:600\">goal ");
        append_html_escaped(out, display_text(unit, line, by_week));
        out.append("</text>");
      }
    }
  }
  if (size.axes) {
    out.append("<text x=\"" + fixed(left - 6, 1) + "\" y=\"" + fixed(up + 4, 1) + "\" text-anchor=\"end\">");
    append_html_escaped(out, display_text(unit, top, by_week));
    out.append("</text><text x=\"" + fixed(left - 6, 1) + "\" y=\"" + fixed(bottom + 4, 1) +
               "\" text-anchor=\"end\">0</text>");
    if (!bars.empty()) {
      out.append("<text x=\"" + fixed(left, 1) + "\" y=\"" + std::to_string(size.height - 4) + "\">" +
                 *bars.front().date + "</text>");
      if (bars.size() > 1)
        out.append("<text x=\"" + fixed(right, 1) + "\" y=\"" + std::to_string(size.height - 4) +
                   "\" text-anchor=\"end\">" + *bars.back().date + "</text>");
    }
  }
  out.append("</svg>");
}

// The scale of a chart: the largest value or goal, with head room.
double chart_top(const std::vector<Bar>& bars, const MetricRecord& head) {
  double top = 0;
  for (const auto& b : bars)
    if (b.value) top = std::max(top, *b.value);
  for (const Goal* g : head.goals)
    for (double line : goal_lines(*g)) top = std::max(top, line);
  return top > 0 ? top * 1.1 : 1;
}

// One line per goal, in the order given.
void append_goals(std::string& out, const MetricRecord& r) {
  for (const Goal* g : r.goals) {
    const auto met = r.met(*g);
    const char* cls = !met ? "unknown" : *met ? "met" : "missed";
    out.append("<div class=\"goal ").append(cls).append("\" data-goal-met=\"");
    out.append(!met ? "null" : *met ? "true" : "false").append("\">");
    out.append(!met ? "Goal " : *met ? "&#10003; Goal " : "&#10007; Missed goal ");
    append_html_escaped(out, g->text);
    if (!met) out.append(": no data");
    out.append("</div>");
  }
}

// The machine-readable value (rounded as in the other formats) and the
// shown one; insufficient data says so.
void append_value(std::string& out, const MetricRecord& r, const char* cls, bool by_week) {
  if (!r.value) {
    out.append("<div class=\"").append(cls).append(" none\"><data value=\"\">insufficient data</data></div>");
    return;
  }
  const DisplayScale& scale = display_scale(r.info().unit, *r.value, by_week);
  std::string exact;
  append_number(exact, *r.value);
  out.append("<div class=\"").append(cls).append("\"><data value=\"").append(exact).append("\">");
  out.append(display_number(*r.value, scale)).append("<span class=\"unit\">").append(scale.unit).append("</span></data>");
  if (r.tier) out.append("<span class=\"tier ").append(r.tier).append("\">").append(r.tier).append("</span>");
  out.append("</div>");
}

}  // namespace

std::string format_html(const EventStore& store, const Series& series, const std::vector<GroupMetrics>& window_rows,
                        const ReportSettings& s) {
  std::vector<ReportSettings> settings;
  settings.reserve(series.size());  // records point at the settings' goals
  for (size_t b = 0; b < series.size(); ++b) settings.push_back(series.settings_of(b, s));
  const size_t nrows = series.size() ? series.buckets.front().size() : 0;
  std::vector<std::string> dates;  // of the buckets, local with --tz
  {
    LocalClock clock(series.zone);
    for (size_t b = 0; b < series.size(); ++b) dates.push_back(clock.date_text(series.edges[b]));
  }
  // bars[row][metric]
  std::vector<std::vector<std::vector<Bar>>> bars(nrows, std::vector<std::vector<Bar>>(kMetricCount));
  for (size_t b = 0; b < series.size(); ++b)
    for (size_t row = 0; row < nrows; ++row) {
      auto records = row_records(series.buckets[b][row], settings[b]);
      for (size_t m = 0; m < kMetricCount; ++m)
        bars[row][m].push_back(
            {records[m].value, records[m].tier, records[m].n, records[m].low_n, &dates[b], series.is_partial(b)});
    }
  auto window_records = [&](uint32_t group) {
    GroupMetrics none;
    none.group = group;
    for (const auto& r : window_rows)
      if (r.group == group) return row_records(r, s);
    return row_records(none, s);
  };
  const std::string unit = bucket_unit_name(series.unit);
  const bool by_week = series.unit == BucketUnit::kWeek;

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>DORA metrics, ";
  out += day_text(s.window.since) + " to " + day_text(s.window.until) + "</title>\n<style>\n" + kStyle +
         "</style>\n</head>\n<body>\n<main>\n<h1>DORA metrics</h1>\n<p class=\"sub\">";
  out += span_text(s.window) + ", by " + unit + " (";
  append_html_escaped(out, series.zone.empty() ? "UTC" : series.zone);
  out += "); ";
  for (const auto& [k, v] : s.tags)
    if (k == "repo" || k == "service" || k == "environment") {
      append_html_escaped(out, k + " " + v);
      out += "; ";
    }
  if (!s.definitions.empty()) {
    append_html_escaped(out, "definitions " + s.definitions);
    out += "; ";
  }
  out += "tiers after the DORA research program.</p>\n";
  if (!s.note.empty()) {
    out += "<p class=\"banner\">";
    append_html_escaped(out, s.note);
    out += "</p>\n";
  }

  // Headline: the overall row.
  auto overall = window_records(kOverall);
  out += "<section class=\"cards\">\n";
  for (size_t m = 0; m < kMetricCount; ++m) {
    const MetricRecord& r = overall[m];
    const Unit unit = r.info().unit;
    out.append(r.low_n ? "<div class=\"card low-n\"" : "<div class=\"card\"");
    out.append(" data-metric=\"").append(r.info().name).append("\"><h3>");
    out.append(r.info().label).append("</h3>");
    append_value(out, r, "value", by_week);
    out.append("<div class=\"meta\">n = <span class=\"n\">").append(std::to_string(r.n)).append("</span> ");
    out.append(r.info().counted);
    if (unit == Unit::kHours && r.value)
      out.append(", mean " + display_text(unit, r.field(Detail::kMean).value_or(0)) + ", p90 " +
                 display_text(unit, r.field(Detail::kP90).value_or(0)));
    out.append("</div>");
    if (r.low_n)
      out.append("<p class=\"low-n-note\">Too few samples to rate: n = " + std::to_string(r.n) + ", below " +
                 std::to_string(s.min_samples) + " (--min-samples), so no tier" +
                 (r.goals.empty() ? "" : " and no goal judged") + ".</p>");
    if (r.compared) {
      // --compare previous: the change, or why there is none.
      out.append("<div class=\"meta\">previous " + window_label(s.previous_window) + ": ");
      // In the unit of the value, to compare at a glance.
      const auto& previous = r.compared->previous;
      if (!previous) out.append("no data");
      else out.append(display_text(*previous, display_scale(unit, r.value.value_or(*previous), by_week)));
      if (r.compared->change_pct)
        out.append(std::string(" (") + (*r.compared->change_pct >= 0 ? "+" : "") + fixed(*r.compared->change_pct, 1) +
                   "%)");
      out.append("</div>");
    }
    if (nrows) append_chart(out, bars[0][m], chart_top(bars[0][m], r), r, {330, 120, true}, by_week);
    append_goals(out, r);
    out.append("</div>\n");
  }
  out += "</section>\n<p class=\"legend\"><span class=\"item\">Bars: one per " + unit +
         ", coloured by tier (<span style=\"color:#1a7f37\">elite</span>, <span style=\"color:#0969da\">high"
         "</span>, <span style=\"color:#b35900\">medium</span>, <span style=\"color:#cf222e\">low</span>; "
         "<span style=\"color:#6639ba\">no tier</span>)</span><span class=\"item\">Pale bands: insufficient "
         "data, not zero</span><span class=\"item\">Faded bars: fewer than " + std::to_string(s.min_samples) +
         " samples" +
         std::string(std::find(series.partial.begin(), series.partial.end(), true) != series.partial.end()
                         ? ", or a partial " + unit + " (cut by the window or not over yet; no deployment rate "
                           "under a day)"
                         : "") +
         "</span><span class=\"item\">Dashed line: goal</span>"
         "</p>\n";

  if (nrows > 1) {
    out += "<h2>By " + (store.group_fields().size() == 1 ? store.group_fields().front() : std::string("group")) +
           "</h2>\n<div class=\"scroll\"><table class=\"groups\">\n<thead><tr><th>" +
           (store.group_fields().size() == 1 ? store.group_fields().front() : std::string("group")) + "</th>";
    for (size_t m = 0; m < kMetricCount; ++m) out.append("<th>").append(overall[m].info().label).append("</th>");
    out += "</tr></thead>\n<tbody>\n";
    // One scale per metric across the groups, so the small multiples compare.
    std::vector<double> tops(kMetricCount, 0);
    for (size_t m = 0; m < kMetricCount; ++m)
      for (size_t row = 1; row < nrows; ++row) tops[m] = std::max(tops[m], chart_top(bars[row][m], overall[m]));
    for (size_t row = 1; row < nrows; ++row) {
      const uint32_t group = series.buckets.front()[row].group;
      auto records = window_records(group);
      out += "<tr data-group=\"";
      append_html_escaped(out, group_name(store, group));
      out += "\"><td class=\"group\">";
      append_html_escaped(out, group_name(store, group));
      out += "</td>";
      for (size_t m = 0; m < kMetricCount; ++m) {
        const MetricRecord& r = records[m];
        out.append("<td data-metric=\"").append(r.info().name).append(r.low_n ? "\" class=\"low-n\">" : "\">");
        if (r.value) {
          out.append("<span class=\"dot ").append(r.tier ? r.tier : "plain").append("\"></span>");
          std::string exact;
          append_number(exact, *r.value);
          out.append("<data class=\"v\" value=\"" + exact + "\">" + display_text(r.info().unit, *r.value, by_week) +
                     "</data>");
        } else {
          out.append("<data class=\"v none\" value=\"\">no data</data>");
        }
        out.append("<div class=\"cell-meta\">n = ").append(std::to_string(r.n));
        if (r.low_n) out.append(", too few");
        if (r.goal_met == false) out.append(" <span class=\"goal missed\">&#10007; goal</span>");
        out.append("</div>");
        append_chart(out, bars[row][m], tops[m], r, {150, 34, false}, by_week);
        out.append("</td>");
      }
      out += "</tr>\n";
    }
    out += "</tbody>\n</table></div>\n<p class=\"legend\">One chart per group and metric, one scale per column; "
           "&#10007; marks a missed goal; a pale value rests on fewer than " + std::to_string(s.min_samples) +
           " samples and has no tier.</p>\n";
  }

  if (s.regressions) {
    const auto& w = s.regression_windows;
    out += "<h2>Regressions</h2>\n<p class=\"sub\">The recent " + span_text(w.recent) + " against the " +
           window_label(w.baseline) + " before it; thresholds in the direction that is worse.</p>\n"
           "<ul class=\"alerts\">\n";
    size_t alerts = 0;
    for (const auto& c : *s.regressions) {
      if (!c.alert) continue;
      ++alerts;
      const MetricInfo& info = metric_info(c.metric);
      const Unit u = info.unit;
      out += "<li class=\"regression\" data-metric=\"" + std::string(info.name) + "\" data-group=\"";
      append_html_escaped(out, group_name(store, c.group));
      out += c.fired() ? "\"><span class=\"alert\">Regression</span><b>"
                       : "\" data-acknowledged=\"" + time_text(*c.acknowledged_at) +
                             "\"><span class=\"alert acked\">Acknowledged</span><b>";
      out += std::string(info.label) + "</b>, ";
      append_html_escaped(out, group_name(store, c.group));
      out += ": " + pair_text(u, *c.baseline, *c.recent, " &rarr; ", true) + " (" +
             (*c.change_pct >= 0 ? "+" : "") + fixed(*c.change_pct, 1) + "%, threshold " +
             (c.threshold_pct >= 0 ? "+" : "") + fixed(c.threshold_pct, 0) + "%)" +
             (c.fired() ? "" : "; " + silenced_text(c)) + "</li>\n";
    }
    if (!alerts) out += "<li class=\"ok\">No regression.</li>\n";
    size_t notes = 0;
    for (const auto& c : *s.regressions) notes += !c.alert;
    if (notes) {
      out += "<li class=\"note\">Not checked: ";
      size_t i = 0;
      for (const auto& c : *s.regressions) {
        if (c.alert) continue;
        out += i++ ? "; " : "";
        out += std::string(metric_info(c.metric).name) + " (";
        append_html_escaped(out, group_name(store, c.group));
        out += "): ";
        out += c.skipped;
      }
      out += ".</li>\n";
    }
    out += "</ul>\n";
  }
  out += "<footer>ndj-dora. Medians of the time metrics; a metric without samples has no value and is shown as "
         "insufficient data, never as 0. Buckets are cut at the window's ends.</footer>\n</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace ndj::dora
