// DORA metric records and the ndjson, json, csv and table formats.
#include "dora/dora_report.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/format.hpp"
#include "dora/dora_trends.hpp"
#include "json/json.hpp"

namespace ndj::dora {

namespace {

MetricField count(const char* name, uint64_t n) { return {name, true, n, std::nullopt}; }
MetricField number(const char* name, std::optional<double> v) { return {name, false, 0, v}; }

std::optional<double> percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

MetricRecord distribution(const char* metric, const Distribution& d) {
  MetricRecord r{metric, "hours", std::nullopt, d.n, "median", {}, nullptr};
  if (d.n) r.value = d.median;
  r.fields.push_back(number("mean", d.n ? std::optional(d.mean) : std::nullopt));
  r.fields.push_back(number("p90", d.n ? std::optional(d.p90) : std::nullopt));
  return r;
}

}  // namespace

std::vector<MetricRecord> metric_records(const GroupMetrics& m, double days, bool tiers) {
  std::vector<MetricRecord> out;
  auto with_tier = [&](MetricRecord r, Tiered t) {
    if (tiers && r.value) r.tier = tier(t, *r.value);
    out.push_back(std::move(r));
  };

  double per_day = days > 0 ? static_cast<double>(m.successful_deployments) / days : 0;
  with_tier({"deployment_frequency", "per_day", per_day, m.successful_deployments, nullptr,
             {number("per_week", per_day * 7)}, nullptr},
            Tiered::kDeploymentFrequency);

  MetricRecord lead = distribution("lead_time", m.lead_time);
  lead.fields.push_back(count("negative", m.negative_lead_times));
  with_tier(std::move(lead), Tiered::kLeadTime);

  with_tier({"change_failure_rate", "percent", percent(m.failed_deployments, m.total_deployments),
             m.total_deployments, nullptr,
             {count("failures", m.failed_deployments), count("total_deployments", m.total_deployments)},
             nullptr},
            Tiered::kChangeFailureRate);

  MetricRecord rec = distribution("failed_deployment_recovery_time", m.recovery);
  rec.fields.push_back(count("unrecovered", m.unrecovered));
  rec.fields.push_back(count("negative", m.negative_recoveries));
  with_tier(std::move(rec), Tiered::kRecovery);

  out.push_back({"rework_rate", "percent", percent(m.rework_deployments, m.total_deployments),
                 m.total_deployments, nullptr,
                 {count("rework_deployments", m.rework_deployments),
                  count("total_deployments", m.total_deployments)},
                 nullptr});

  MetricRecord ttr = distribution("time_to_restore", m.restore);
  ttr.fields.push_back(count("open", m.open_incidents));
  out.push_back(std::move(ttr));
  return out;
}

void compare_records(std::vector<MetricRecord>& current, const std::vector<MetricRecord>& previous) {
  for (size_t i = 0; i < current.size() && i < previous.size(); ++i) {
    Comparison c;
    c.previous = previous[i].value;
    if (current[i].value && c.previous) {
      c.change = *current[i].value - *c.previous;
      if (*c.previous != 0) c.change_pct = *c.change / *c.previous * 100;
    }
    current[i].compared = c;
  }
}

bool Goal::met_by(double value) const {
  double v = std::round(value * 1e6) / 1e6;  // judged as written
  switch (op) {
    case Op::kLe: return v <= target;
    case Op::kGe: return v >= target;
    case Op::kLt: return v < target;
    case Op::kGt: return v > target;
  }
  return false;
}

std::optional<Format> parse_format(std::string_view s) {
  if (s == "ndjson") return Format::kNdjson;
  if (s == "json") return Format::kJson;
  if (s == "csv") return Format::kCsv;
  if (s == "table") return Format::kTable;
  if (s == "prom") return Format::kProm;
  if (s == "html") return Format::kHtml;
  return std::nullopt;
}

void append_number(std::string& out, double v) {
  double r = std::round(v * 1e6) / 1e6;
  if (r == 0) r = 0;  // no "-0"
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, r);
  out.append(buf, res.ptr);
}

std::string window_label(const Window& w) {
  int64_t len = w.until - w.since;
  if (len > 0 && len % kNsPerDay == 0) return std::to_string(len / kNsPerDay) + "d";
  return format_duration(len);
}

void append_group_object(std::string& out, const EventStore& store, uint32_t group) {
  out.push_back('{');
  if (group != kOverall) {
    const auto& fields = store.group_fields();
    const auto& values = store.group(group);
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(out, fields[i]);
      out.push_back(':');
      out.append(values[i].present ? values[i].json : "null");
    }
  }
  out.push_back('}');
}

std::string time_text(TimeNs t) { return format_rfc3339(t, t % kNsPerSec ? 9 : 0); }

const char* metric_label(const char* metric) {
  std::string_view m = metric;
  if (m == "deployment_frequency") return "deployment frequency";
  if (m == "lead_time") return "lead time (median)";
  if (m == "change_failure_rate") return "change failure rate";
  if (m == "failed_deployment_recovery_time") return "recovery time (median)";
  if (m == "rework_rate") return "rework rate";
  return "time to restore (median)";
}

std::vector<MetricRecord> row_records(const GroupMetrics& row, const ReportSettings& s) {
  auto records = metric_records(row, s.window.days(), s.tiers);
  if (s.previous) {
    GroupMetrics before;
    for (const auto& p : *s.previous)
      if (p.group == row.group) before = p;
    compare_records(records, metric_records(before, s.previous_window.days(), false));
  }
  for (const auto& g : s.goals) {
    records[g.metric].goal = &g;
    if (records[g.metric].value) records[g.metric].goal_met = g.met_by(*records[g.metric].value);
  }
  return records;
}

namespace {

void append_optional(std::string& out, const std::optional<double>& v) {
  if (v) append_number(out, *v);
  else out.append("null");
}

}  // namespace

void append_metric_body(std::string& out, const MetricRecord& r) {
  out.append("\"value\":");
  append_optional(out, r.value);
  out.append(",\"unit\":\"").append(r.unit).append("\",\"status\":\"");
  out.append(r.value ? "ok" : "insufficient_data");
  out.append("\",\"n\":").append(std::to_string(r.n));
  if (r.aggregation) out.append(",\"aggregation\":\"").append(r.aggregation).append("\"");
  for (const auto& f : r.fields) {
    out.append(",\"").append(f.name).append("\":");
    if (f.is_count) out.append(std::to_string(f.count));
    else append_optional(out, f.number);
  }
  if (r.tier) out.append(",\"tier\":\"").append(r.tier).append("\"");
  if (r.compared) {
    out.append(",\"previous\":");
    append_optional(out, r.compared->previous);
    out.append(",\"change\":");
    append_optional(out, r.compared->change);
    out.append(",\"change_pct\":");
    append_optional(out, r.compared->change_pct);
  }
  if (r.goal) {
    out.append(",\"goal\":");
    append_json_string(out, r.goal->text);
    out.append(",\"goal_met\":").append(!r.goal_met ? "null" : *r.goal_met ? "true" : "false");
  }
}

namespace {

void append_tags(std::string& out, const ReportSettings& s, const char* tier) {
  std::vector<std::pair<std::string, std::string>> tags = {
      {"source_type", "dora"}, {"calculated_by", "ndj-dora"}, {"snapshot_window", window_label(s.window)}};
  if (tier) tags.emplace_back("tier", tier);
  for (const auto& tag : s.tags) {
    // Not a structured binding: clang 14 cannot capture one in the lambda.
    auto it = std::find_if(tags.begin(), tags.end(), [&](const auto& t) { return t.first == tag.first; });
    if (it != tags.end()) it->second = tag.second;
    else tags.emplace_back(tag.first, tag.second);
  }
  out.push_back('{');
  for (size_t i = 0; i < tags.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, tags[i].first);
    out.push_back(':');
    append_json_string(out, tags[i].second);
  }
  out.push_back('}');
}

std::string ndjson(const EventStore& store, const std::vector<GroupMetrics>& rows, const ReportSettings& s) {
  std::string out;
  // The tags differ only by tier (a few static strings): render each once.
  std::vector<std::pair<const char*, std::string>> tags_by_tier;
  auto tags = [&](const char* tier) -> const std::string& {
    for (const auto& [t, text] : tags_by_tier)
      if (t == tier) return text;
    std::string text;
    append_tags(text, s, tier);
    return tags_by_tier.emplace_back(tier, std::move(text)).second;
  };
  const std::string since = time_text(s.window.since), until = time_text(s.window.until);
  for (const auto& row : rows) {
    for (const auto& r : row_records(row, s)) {
      out.append("{\"metric\":\"").append(r.metric).append("\",");
      append_metric_body(out, r);
      out.append(",\"since\":\"").append(since).append("\",\"until\":\"").append(until);
      if (s.previous) out.append("\",\"previous_since\":\"").append(time_text(s.previous_window.since));
      if (s.bucket) out.append("\",\"bucket\":\"").append(s.bucket);
      out.append("\",\"group\":");
      append_group_object(out, store, row.group);
      out.append(",\"tags\":").append(tags(r.tier));
      out.append("}\n");
    }
  }
  return out;
}

std::string json(const EventStore& store, const std::vector<GroupMetrics>& rows, const ReportSettings& s) {
  std::string out = "{\"since\":\"" + time_text(s.window.since) + "\",\"until\":\"" +
                    time_text(s.window.until) + "\",\"days\":";
  append_number(out, s.window.days());
  if (s.previous) out.append(",\"previous_since\":\"").append(time_text(s.previous_window.since)).append("\"");
  out.append(",\"group_by\":[");
  for (size_t i = 0; i < store.group_fields().size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, store.group_fields()[i]);
  }
  out.append("],\"tags\":");
  append_tags(out, s, nullptr);
  out.append(",\"rows\":[");
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i) out.push_back(',');
    out.append("{\"group\":");
    append_group_object(out, store, rows[i].group);
    out.append(",\"metrics\":{");
    auto records = row_records(rows[i], s);
    for (size_t j = 0; j < records.size(); ++j) {
      if (j) out.push_back(',');
      out.append("\"").append(records[j].metric).append("\":{");
      append_metric_body(out, records[j]);
      out.push_back('}');
    }
    out.append("}}");
  }
  out.append("]");
  if (s.regressions) {
    out.append(",\"regressions\":");
    out.append(format_regressions(Format::kJson, store, *s.regressions, s.regression_windows));
  }
  out.append("}\n");
  return out;
}

constexpr const char* kCsvExtra[] = {"mean", "p90", "per_week", "failures", "total_deployments",
                                     "rework_deployments", "unrecovered", "open", "negative"};

// The cells a metric line has between "tier" and "since".
size_t csv_middle_cells(const ReportSettings& s) {
  return std::size(kCsvExtra) + (s.previous ? 3 : 0) + (s.goals.empty() ? 0 : 2);
}

void append_csv_group(std::string& out, const EventStore& store, uint32_t group) {
  for (size_t i = 0; i < store.group_fields().size(); ++i) {
    out.push_back(',');
    if (group != kOverall && store.group(group)[i].present) append_csv_cell(out, store.group(group)[i].text);
  }
}

}  // namespace

std::string format_csv(const EventStore& store, const std::vector<GroupMetrics>& rows, const ReportSettings& s,
                       bool header) {
  std::string out;
  if (header) {
    out = "row";
    for (const auto& f : store.group_fields()) {
      out.push_back(',');
      append_csv_cell(out, f);
    }
    out.append(",metric,value,unit,status,n,tier");
    for (const char* e : kCsvExtra) out.append(",").append(e);
    if (s.previous) out.append(",previous,change,change_pct");
    if (!s.goals.empty()) out.append(",goal,goal_met");
    out.append(",since,until");
    if (s.bucket) out.append(",bucket");
    if (s.regressions) out.append(",baseline,baseline_since,regression_change_pct,threshold_pct,reason");
    out.append("\n");
  }
  const std::string since = time_text(s.window.since), until = time_text(s.window.until);
  for (const auto& row : rows) {
    for (const auto& r : row_records(row, s)) {
      out.append(row.group == kOverall ? "overall" : "group");
      append_csv_group(out, store, row.group);
      out.append(",").append(r.metric).append(",");
      if (r.value) append_number(out, *r.value);
      out.append(",").append(r.unit).append(",").append(r.value ? "ok" : "insufficient_data");
      out.append(",").append(std::to_string(r.n)).append(",").append(r.tier ? r.tier : "");
      for (const char* e : kCsvExtra) {
        out.push_back(',');
        for (const auto& f : r.fields) {
          if (std::string_view(f.name) != e) continue;
          if (f.is_count) out.append(std::to_string(f.count));
          else if (f.number) append_number(out, *f.number);
        }
      }
      if (r.compared) {
        for (const auto* v : {&r.compared->previous, &r.compared->change, &r.compared->change_pct}) {
          out.push_back(',');
          if (*v) append_number(out, **v);
        }
      }
      if (!s.goals.empty()) {
        out.push_back(',');
        if (r.goal) append_csv_cell(out, r.goal->text);
        out.append(",").append(!r.goal_met ? "" : *r.goal_met ? "true" : "false");
      }
      out.append(",").append(since).append(",").append(until);
      if (s.bucket) out.append(",").append(s.bucket);
      if (s.regressions) out.append(",,,,,");
      out.append("\n");
    }
  }
  return out;
}

std::string format_csv_regressions(const EventStore& store, const ReportSettings& s) {
  std::string out;
  if (!s.regressions) return out;
  const auto& w = s.regression_windows;
  const std::string middle(csv_middle_cells(s), ',');
  const auto names = metric_records(GroupMetrics{}, 1, false);
  for (const auto& c : *s.regressions) {
    out.append(c.alert ? "regression" : "regression_not_checked");
    append_csv_group(out, store, c.group);
    out.append(",").append(names[c.metric].metric).append(",");
    if (c.recent) append_number(out, *c.recent);
    out.append(",").append(names[c.metric].unit).append(c.alert ? ",alert,," : ",not_checked,,");
    out.append(middle).append(",").append(time_text(w.recent.since)).append(",").append(time_text(w.recent.until));
    if (s.bucket) out.push_back(',');
    out.push_back(',');
    if (c.baseline) append_number(out, *c.baseline);
    out.append(",").append(time_text(w.baseline.since)).append(",");
    if (c.change_pct) append_number(out, *c.change_pct);
    out.append(",");
    append_number(out, c.threshold_pct);
    out.append(",");
    if (c.skipped) append_csv_cell(out, c.skipped);
    out.append("\n");
  }
  return out;
}

namespace {

std::optional<double> field_number(const MetricRecord& r, std::string_view name) {
  for (const auto& f : r.fields)
    if (name == f.name) return f.is_count ? std::optional(static_cast<double>(f.count)) : f.number;
  return std::nullopt;
}

std::string table(const EventStore& store, const std::vector<GroupMetrics>& rows, const ReportSettings& s) {
  std::string out = "DORA metrics, " + time_text(s.window.since) + " to " + time_text(s.window.until) + " (" +
                    window_label(s.window) + ")";
  if (s.previous) out += ", compared with the " + window_label(s.previous_window) + " before";
  out += "\n";
  for (const auto& row : rows) {
    out.append("\n");
    if (row.group == kOverall) {
      out.append("all\n");
    } else {
      const auto& fields = store.group_fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out.append(", ");
        const auto& v = store.group(row.group)[i];
        out.append(fields[i]).append("=").append(v.present ? v.text : "(none)");
      }
      out.append("\n");
    }
    out.append("  ").append(pad("metric", 24, false)).append(pad("value", 12, true)).append(pad("n", 8, true));
    out.append("  tier    detail\n");
    for (const auto& r : row_records(row, s)) {
      std::string value = "-", detail;
      std::string_view m = r.metric;
      if (r.value) {
        if (m == "deployment_frequency") {
          value = fixed(*r.value, 3) + "/day";
          detail = fixed(*field_number(r, "per_week"), 2) + "/week";
        } else if (std::string_view(r.unit) == "percent") {
          value = fixed(*r.value, 2) + " %";
        } else {
          value = fixed(*r.value, 2) + " h";
          detail = "mean " + fixed(*field_number(r, "mean"), 2) + " h, p90 " +
                   fixed(*field_number(r, "p90"), 2) + " h";
        }
      } else {
        detail = "insufficient data";
      }
      auto note = [&](const std::string& text) { detail += (detail.empty() ? "" : ", ") + text; };
      auto counted = [&](const char* name) { return static_cast<uint64_t>(*field_number(r, name)); };
      if (m == "change_failure_rate")
        note(std::to_string(counted("failures")) + " of " + std::to_string(r.n) + " deployments failed");
      if (m == "rework_rate")
        note(std::to_string(counted("rework_deployments")) + " of " + std::to_string(r.n) + " unplanned");
      if (m == "failed_deployment_recovery_time") note(std::to_string(counted("unrecovered")) + " unrecovered");
      if (m == "time_to_restore") note(std::to_string(counted("open")) + " open");
      if (r.compared) {
        if (!r.compared->previous) note("previous: no data");
        else if (!r.compared->change_pct) note("previous " + fixed(*r.compared->previous, 2));
        else note("previous " + fixed(*r.compared->previous, 2) + " (" + (*r.compared->change_pct >= 0 ? "+" : "") +
                  fixed(*r.compared->change_pct, 1) + "%)");
      }
      if (r.goal) note(!r.goal_met ? "goal " + r.goal->text + ": no data"
                       : *r.goal_met ? "goal " + r.goal->text + " met"
                                     : "MISSED goal " + r.goal->text);
      if (auto neg = field_number(r, "negative"); neg && *neg > 0)
        note(std::to_string(static_cast<uint64_t>(*neg)) + " negative left out");
      out.append(r.goal_met == false ? "! " : "  ").append(pad(metric_label(r.metric), 24, false)).append(pad(value, 12, true));
      out.append(pad(std::to_string(r.n), 8, true)).append("  ").append(pad(r.tier ? r.tier : "-", 6, false));
      out.append("  ").append(detail);
      while (out.back() == ' ') out.pop_back();
      out.append("\n");
    }
  }
  return out;
}

std::string prom_help(const char* metric) {
  std::string_view m = metric;
  std::string what = m == "deployment_frequency" ? "DORA deployment frequency, successful deployments per day"
                     : m == "change_failure_rate" ? "DORA change failure rate, percent of deployments"
                     : m == "rework_rate"         ? "DORA rework rate, percent of deployments unplanned"
                                                  : std::string("DORA ") + metric_label(metric) + ", hours";
  return what;
}

void append_prom_family(std::string& out, const std::string& name, const std::string& help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" gauge\n");
}

// Families are contiguous: metric by metric, the rows inside. A null value
// has no sample (its _n sample, 0 or the open count, says why).
std::string prom(const EventStore& store, const std::vector<GroupMetrics>& rows, const ReportSettings& s) {
  // "dora_metric" labels the regression samples: a field cannot take it.
  std::vector<std::string> names, taken = {"dora_metric"};
  for (const auto& f : store.group_fields()) {
    std::string n = prom_label_name(f);
    for (int k = 2; std::find(taken.begin(), taken.end(), n) != taken.end(); ++k) n = prom_label_name(f) + "_" + std::to_string(k);
    taken.push_back(n);
    names.push_back(std::move(n));
  }
  // "{field="value",...}" after `first` labels; nullopt when every value is
  // empty (the overall row's series again).
  auto group_labels = [&](uint32_t group, std::string first) -> std::optional<std::string> {
    std::string l = std::move(first);
    bool any_value = group == kOverall;
    if (group != kOverall) {
      for (size_t i = 0; i < names.size(); ++i) {
        const auto& v = store.group(group)[i];
        std::string_view text = v.present ? std::string_view(v.text) : "(none)";
        any_value |= !text.empty();
        l.append(l.empty() ? "" : ",").append(names[i]).append("=\"");
        append_prom_label_value(l, text);
        l.push_back('"');
      }
    }
    if (!any_value) return std::nullopt;
    return l.empty() ? l : "{" + l + "}";
  };
  std::vector<std::string> labels;
  std::vector<std::vector<MetricRecord>> records;
  for (const auto& row : rows) {
    auto l = group_labels(row.group, "");
    if (!l) continue;
    labels.push_back(std::move(*l));
    records.push_back(row_records(row, s));
  }
  std::string out;
  for (size_t m = 0; !records.empty() && m < records.front().size(); ++m) {
    const char* metric = records.front()[m].metric;
    const std::string base = std::string("ndj_dora_") + metric;
    const std::string window = ", " + window_label(s.window) + " until " + time_text(s.window.until);
    append_prom_family(out, base, prom_help(metric) + window);
    for (size_t r = 0; r < records.size(); ++r) {
      if (!records[r][m].value) continue;
      out.append(base).append(labels[r]).push_back(' ');
      append_number(out, *records[r][m].value);
      out.push_back('\n');
    }
    append_prom_family(out, base + "_n", std::string("Sample size of ") + base);
    for (size_t r = 0; r < records.size(); ++r)
      out.append(base).append("_n").append(labels[r]).append(" ").append(std::to_string(records[r][m].n)).append("\n");
    if (records.front()[m].goal) {
      append_prom_family(out, base + "_goal_met", "1 when " + records.front()[m].goal->text + " holds, else 0");
      for (size_t r = 0; r < records.size(); ++r) {
        if (!records[r][m].goal_met) continue;
        out.append(base).append("_goal_met").append(labels[r]).append(*records[r][m].goal_met ? " 1\n" : " 0\n");
      }
    }
  }
  if (s.regressions) {
    const auto& w = s.regression_windows;
    const std::string windows = window_label(w.recent) + " until " + time_text(w.recent.until) + " against the " +
                                window_label(w.baseline) + " before";
    size_t alerts = 0;
    for (const auto& c : *s.regressions) alerts += c.alert;
    append_prom_family(out, "ndj_dora_regressions", "Regression alerts raised, " + windows);
    out.append("ndj_dora_regressions ").append(std::to_string(alerts)).append("\n");
    append_prom_family(out, "ndj_dora_regression_change_pct",
                       "Change in percent of a metric that regressed beyond its threshold, " + windows);
    const auto names_in_order = metric_records(GroupMetrics{}, 1, false);
    for (const auto& c : *s.regressions) {
      if (!c.alert) continue;
      std::string first = "dora_metric=\"" + std::string(names_in_order[c.metric].metric) + "\"";
      auto l = group_labels(c.group, first);
      if (!l) continue;
      out.append("ndj_dora_regression_change_pct").append(*l).push_back(' ');
      append_number(out, *c.change_pct);
      out.push_back('\n');
    }
  }
  return out;
}

}  // namespace

std::string prom_label_name(std::string_view name) {
  std::string out;
  for (char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 128 ? c : '_');
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "_");
  if (out.starts_with("__")) out.insert(0, "x");
  return out;
}

void append_prom_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') out.append("\\\\");
    else if (c == '"') out.append("\\\"");
    else if (c == '\n') out.append("\\n");
    else out.push_back(c);
  }
}

std::string format_report(Format format, const EventStore& store, const std::vector<GroupMetrics>& rows,
                          const ReportSettings& settings) {
  const auto* checks = settings.regressions;
  switch (format) {
    case Format::kJson: return json(store, rows, settings);
    case Format::kCsv: return format_csv(store, rows, settings, true) + format_csv_regressions(store, settings);
    case Format::kProm: return prom(store, rows, settings);
    case Format::kTable:
    case Format::kHtml:  // needs a series: format_html()
    case Format::kNdjson: break;
  }
  std::string out = format == Format::kTable ? table(store, rows, settings) : ndjson(store, rows, settings);
  if (checks) out += format_regressions(format, store, *checks, settings.regression_windows);
  return out;
}

}  // namespace ndj::dora
