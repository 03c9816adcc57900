// The HTML page of ndj-flow: system fonts, inline CSS, inline SVG charts.
#include "flow/flow_html.hpp"

#include <algorithm>
#include <cmath>

#include "core/format.hpp"

namespace ndj::flow {

namespace {

constexpr const char* kStyle = R"(:root{--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--bg:#f6f8fa;--card:#fff;
--ready:#8c959f;--active:#0969da;--blocked:#cf222e;--done:#1a7f37;--limit:#b35900}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1140px;margin:0 auto;padding:32px 28px 40px}
h1{font-size:28px;line-height:1.2;margin:0 0 6px;font-weight:650}
h2{font-size:19px;margin:32px 0 10px;font-weight:650}
.sub{color:var(--muted);margin:0}
.cards{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:16px;margin-top:24px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:16px 18px 12px}
.card h3{font-size:12px;font-weight:600;color:var(--muted);margin:0;text-transform:uppercase;letter-spacing:.05em}
.value{font-size:30px;font-weight:650;margin:4px 0 0;font-variant-numeric:tabular-nums;line-height:1.25}
.value.alert{color:var(--blocked)}.value.ok{color:var(--done)}
.meta{color:var(--muted);font-size:13px;margin:2px 0 4px}
.chart{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:12px 14px}
svg{display:block;width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
.legend{color:var(--muted);font-size:13px;margin:8px 0 0}.legend span{margin-right:16px;white-space:nowrap}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:0}
table{border-collapse:separate;border-spacing:0;width:100%;background:var(--card);border:1px solid var(--line);
border-radius:12px;overflow:hidden;font-size:13px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;overflow-wrap:anywhere}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr:last-child td{border-bottom:0}th{font-size:12px;color:var(--muted);font-weight:600;background:#fbfcfd}
.none{color:var(--muted);font-style:italic}.note{color:var(--muted);font-size:13px;margin:6px 0 0}
.scroll{overflow-x:auto}
@media (max-width:900px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}}
footer{color:var(--muted);font-size:12px;margin-top:32px;border-top:1px solid var(--line);padding-top:12px}
)";

const char* const kStateColor[kStates] = {"var(--ready)", "var(--active)", "var(--blocked)", "var(--done)"};

const Table* find(const std::vector<Table>& tables, std::string_view name) {
  for (const Table& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

std::string num(double v) { return fixed(v, 1); }

void card(std::string& out, std::string_view title, const std::string& value, std::string_view meta,
          const char* cls = "") {
  out += "<div class=\"card\"><h3>";
  append_html_escaped(out, title);
  out += std::string("</h3><p class=\"value ") + cls + "\">";
  append_html_escaped(out, value);
  out += "</p><p class=\"meta\">";
  append_html_escaped(out, meta);
  out += "</p></div>";
}

void svg_open(std::string& out, int w, int h, std::string_view label) {
  out += "<svg viewBox=\"0 0 " + std::to_string(w) + " " + std::to_string(h) + "\" role=\"img\" aria-label=\"";
  append_html_escaped(out, label);
  out += "\">";
}

// Day labels under a chart: the first, the last and a few between.
void x_labels(std::string& out, const std::vector<std::string>& labels, double left, double slot, double y) {
  const size_t n = labels.size();
  const size_t step = std::max<size_t>(1, (n + 5) / 6);
  for (size_t i = 0; i < n; i += step) {
    out += "<text x=\"" + num(left + slot * (static_cast<double>(i) + 0.5)) + "\" y=\"" + num(y) +
           "\" text-anchor=\"middle\">";
    append_html_escaped(out, labels[i]);
    out += "</text>";
  }
}

// A chart's top: at least 1, and a multiple of 4 from 8 on, so that its
// four grid lines fall on whole numbers.
double nice_top(double top) { return top < 8 ? std::max(1.0, top) : std::ceil(top / 4) * 4; }

void y_axis(std::string& out, double top, double left, double up, double bottom, double right) {
  for (int k = 0; k <= 4; ++k) {
    const double y = bottom - (bottom - up) * k / 4.0;
    out += "<line x1=\"" + num(left) + "\" x2=\"" + num(right) + "\" y1=\"" + num(y) + "\" y2=\"" + num(y) +
           "\" stroke=\"#eaeef2\"/><text x=\"" + num(left - 6) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\">" +
           fixed(top * k / 4.0, top < 8 ? 1 : 0) + "</text>";
  }
}

// The cumulative flow: done at the bottom, then blocked, active, ready.
void cfd_chart(std::string& out, const std::vector<std::string>& days, const std::vector<std::vector<int64_t>>& cfd) {
  const int w = 1080, h = 300;
  const double left = 48, right = w - 10, up = 10, bottom = h - 24;
  const size_t n = days.size();
  double top = 1;
  for (size_t i = 0; i < n; ++i) {
    double sum = 0;
    for (size_t s = 0; s < kStates; ++s) sum += static_cast<double>(cfd[s][i]);
    top = std::max(top, sum);
  }
  top = nice_top(top);
  const double slot = (right - left) / static_cast<double>(std::max<size_t>(n, 1));
  auto x = [&](size_t i) { return left + slot * (static_cast<double>(i) + 0.5); };
  auto y = [&](double v) { return bottom - (bottom - up) * v / top; };
  svg_open(out, w, h, "Cumulative flow: WUs per state per day");
  y_axis(out, top, left, up, bottom, right);
  static const size_t kOrder[kStates] = {3, 2, 1, 0};
  std::vector<double> base(n, 0);
  for (size_t s : kOrder) {
    // The band's top edge left to right, then its bottom edge back.
    std::vector<std::string> points;
    for (size_t i = 0; i < n; ++i) points.push_back(num(x(i)) + "," + num(y(base[i] + static_cast<double>(cfd[s][i]))));
    for (size_t i = n; i-- > 0;) {
      points.push_back(num(x(i)) + "," + num(y(base[i])));
      base[i] += static_cast<double>(cfd[s][i]);
    }
    out += std::string("<polygon fill=\"") + kStateColor[s] + "\" fill-opacity=\"0.85\" points=\"";
    for (size_t i = 0; i < points.size(); ++i) out.append(i ? " " : "").append(points[i]);
    out += std::string("\"><title>") + state_name(static_cast<State>(s)) + "</title></polygon>";
  }
  x_labels(out, days, left, slot, h - 6);
  out += "</svg><p class=\"legend\">";
  for (size_t s = 0; s < kStates; ++s)
    out += std::string("<span><i class=\"sw\" style=\"background:") + kStateColor[s] + "\"></i>" +
           state_name(static_cast<State>(s)) + "</span>";
  out += "</p>";
}

void bar_chart(std::string& out, const Table& t, size_t label_col, size_t value_col, const char* color,
               std::string_view label) {
  const int w = 1080, h = 220;
  const double left = 48, right = w - 10, up = 10, bottom = h - 24;
  std::vector<double> v;
  std::vector<std::string> labels;
  for (const auto& row : t.rows) {
    v.push_back(row[value_col].json == "null" ? 0 : std::stod(row[value_col].json));
    labels.push_back(row[label_col].text);
  }
  const double top = nice_top(v.empty() ? 1.0 : *std::max_element(v.begin(), v.end()));
  const double slot = (right - left) / static_cast<double>(std::max<size_t>(v.size(), 1));
  svg_open(out, w, h, label);
  y_axis(out, top, left, up, bottom, right);
  for (size_t i = 0; i < v.size(); ++i) {
    const double bh = (bottom - up) * v[i] / top;
    out += "<rect x=\"" + num(left + slot * static_cast<double>(i) + slot * 0.15) + "\" y=\"" + num(bottom - bh) +
           "\" width=\"" + num(std::max(1.0, slot * 0.7)) + "\" height=\"" + num(bh) + "\" rx=\"2\" fill=\"" + color +
           "\"><title>";
    append_html_escaped(out, labels[i] + ": " + fixed(v[i], 0));
    out += "</title></rect>";
  }
  x_labels(out, labels, left, slot, h - 6);
  out += "</svg>";
}

// WIP per lane: a bar per lane, red past its limit, the limit a tick.
void wip_chart(std::string& out, const Table& t) {
  const int w = 1080, row_h = 26;
  const int h = row_h * static_cast<int>(t.rows.size()) + 10;
  const double left = 220, right = w - 60;
  double top = 1;
  for (const auto& r : t.rows) {
    top = std::max(top, std::stod(r[4].json));
    if (r[5].json != "null") top = std::max(top, std::stod(r[5].json));
  }
  svg_open(out, w, h, "WIP per lane against its limit");
  for (size_t i = 0; i < t.rows.size(); ++i) {
    const auto& r = t.rows[i];
    const double y = 5 + row_h * static_cast<double>(i);
    const double wip = std::stod(r[4].json);
    const bool over = r[7].json == "true";
    out += "<text x=\"" + num(left - 8) + "\" y=\"" + num(y + 16) + "\" text-anchor=\"end\">";
    append_html_escaped(out, r[0].text.empty() ? "(no lane)" : r[0].text);
    out += "</text><rect x=\"" + num(left) + "\" y=\"" + num(y + 4) + "\" width=\"" +
           num(std::max(1.0, (right - left) * wip / top)) + "\" height=\"16\" rx=\"2\" fill=\"" +
           (over ? "var(--blocked)" : "var(--active)") + "\"/>";
    out += "<text x=\"" + num(left + (right - left) * wip / top + 6) + "\" y=\"" + num(y + 16) + "\">" + r[4].text +
           (r[5].json == "null" ? "" : " / " + r[5].text) + "</text>";
    if (r[5].json != "null") {
      const double lx = left + (right - left) * std::stod(r[5].json) / top;
      out += "<line x1=\"" + num(lx) + "\" x2=\"" + num(lx) + "\" y1=\"" + num(y) + "\" y2=\"" + num(y + 24) +
             "\" stroke=\"var(--limit)\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>";
    }
  }
  out += "</svg><p class=\"legend\"><span><i class=\"sw\" style=\"background:var(--active)\"></i>WIP</span>"
         "<span><i class=\"sw\" style=\"background:var(--blocked)\"></i>over its limit</span>"
         "<span><i class=\"sw\" style=\"background:var(--limit)\"></i>limit</span></p>";
}

void html_table(std::string& out, const Table& t) {
  out += "<h2>";
  append_html_escaped(out, t.title);
  out += "</h2>";
  if (t.rows.empty()) {
    out += "<p class=\"none\">none</p>";
  } else {
    out += "<div class=\"scroll\"><table><thead><tr>";
    for (const std::string& c : t.columns) {
      out += "<th>";
      append_html_escaped(out, c);
      out += "</th>";
    }
    out += "</tr></thead><tbody>";
    for (const auto& row : t.rows) {
      out += "<tr>";
      for (const Cell& c : row) {
        out += c.right ? "<td class=\"num\">" : "<td>";
        append_html_escaped(out, c.text.empty() ? "-" : c.text);
        out += "</td>";
      }
      out += "</tr>";
    }
    out += "</tbody></table></div>";
  }
  for (const std::string& n : t.notes) {
    out += "<p class=\"note\">";
    append_html_escaped(out, n);
    out += "</p>";
  }
}

}  // namespace

std::string format_html(const ReportHeader& header, const std::vector<Table>& tables,
                        const std::vector<std::string>& days, const std::vector<std::vector<int64_t>>& cfd) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                    "<title>Flow report</title><style>";
  out += kStyle;
  out += "</style></head><body><main><h1>Flow report</h1><p class=\"sub\">";
  append_html_escaped(out, "As of " + format_rfc3339(header.as_of) + " · window of " + std::to_string(header.days) +
                               " days from " + header.since + " · " + (header.tz.empty() ? "UTC" : header.tz));
  out += "</p><div class=\"cards\">";
  if (const Table* t = find(tables, "wip")) {
    int64_t wip = 0, over = 0;
    for (const auto& r : t->rows) wip += std::stoll(r[4].json), over += r[7].json == "true";
    card(out, "Work in progress", std::to_string(wip),
         std::to_string(over) + " of " + std::to_string(t->rows.size()) + " lanes over their limit",
         over ? "alert" : "");
  }
  if (const Table* t = find(tables, "blocked"))
    card(out, "Blocked", std::to_string(t->rows.size()), "waiting on a block or a dependency",
         t->rows.empty() ? "ok" : "alert");
  if (const Table* t = find(tables, "stale"))
    card(out, "Stale", std::to_string(t->rows.size()), "in progress past the limit", t->rows.empty() ? "ok" : "alert");
  if (const Table* t = find(tables, "throughput")) {
    int64_t done = 0;
    for (const auto& r : t->rows) done += std::stoll(r[1].json);
    card(out, "Throughput", std::to_string(done), "WUs done in the window");
  }
  if (const Table* t = find(tables, "cycle-time"); t && !t->rows.empty())
    card(out, "Cycle time p85", t->rows.back()[4].text + " d",
         "claim to done, n = " + t->rows.back()[2].text + (t->rows.size() > 1 ? ", all lanes" : ""));
  if (const Table* t = find(tables, "forecast"); t && t->rows.size() > 1)
    card(out, "Forecast (85%)", t->rows[1][3].text.empty() ? "beyond 10 years" : t->rows[1][3].text,
         t->rows[1][1].text + " WUs done by then");
  out += "</div>";
  if (find(tables, "cumulative-flow")) {
    out += "<h2>Cumulative flow</h2><div class=\"chart\">";
    cfd_chart(out, days, cfd);
    out += "</div>";
  }
  if (const Table* t = find(tables, "throughput")) {
    out += "<h2>";
    append_html_escaped(out, t->title);
    out += "</h2><div class=\"chart\">";
    bar_chart(out, *t, 0, 1, "var(--done)", t->title);
    out += "</div>";
  }
  if (const Table* t = find(tables, "wip"); t && !t->rows.empty()) {
    out += "<h2>WIP per lane</h2><div class=\"chart\">";
    wip_chart(out, *t);
    out += "</div>";
  }
  for (const Table& t : tables)
    if (t.name != "cumulative-flow") html_table(out, t);
  out += "<footer>ndj-flow</footer></main></body></html>\n";
  return out;
}

}  // namespace ndj::flow
