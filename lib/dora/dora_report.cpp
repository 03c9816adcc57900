// The ndjson, snapshot, json, csv, table and prom formats of metric
// records and regression checks.
#include "dora/dora_report.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/format.hpp"
#include "core/prom.hpp"
#include "json/json.hpp"

namespace ndj::dora {

const Choices<Format> kFormats{{{"ndjson", Format::kNdjson},
                                 {"snapshot", Format::kSnapshot},
                                 {"json", Format::kJson},
                                 {"csv", Format::kCsv},
                                 {"table", Format::kTable},
                                 {"prom", Format::kProm},
                                 {"html", Format::kHtml}}};

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

std::string time_text(TimeNs t) { return format_rfc3339(t); }

std::string group_label(const EventStore& store, uint32_t group) {
  if (group == kOverall) return "all";
  std::string s;
  for (size_t i = 0; i < store.group_fields().size(); ++i) {
    const auto& v = store.group(group)[i];
    s += (i ? ", " : "") + store.group_fields()[i] + "=" + (v.present ? v.text : "(none)");
  }
  return s;
}

std::vector<MetricRecord> row_records(const GroupMetrics& row, const ReportSettings& s) {
  auto records = metric_records(row, s.partial ? s.covered.days() : s.window.days(), s.tiers, s.min_samples);
  for (auto& r : records) r.shape = s.shape;
  if (s.partial) {
    MetricRecord& f = records[static_cast<size_t>(Metric::kDeploymentFrequency)];
    f.tier = nullptr;
    if (s.covered.days() < 1) {
      f.value.reset();
      for (auto& field : f.fields) field.number.reset();
    }
  }
  if (s.previous) {
    GroupMetrics before;
    for (const auto& p : *s.previous)
      if (p.group == row.group) before = p;
    compare_records(records, metric_records(before, s.previous_window.days(), false, s.min_samples));
  }
  if (!s.goals.empty())
    for (auto& r : records) r.judge(s.goals);
  return records;
}

namespace {

void append_optional(std::string& out, const std::optional<double>& v, double scale = 1) {
  if (v) append_number(out, *v * scale);
  else out.append("null");
}

// ,"status", "n", "low_n" and "aggregation" of a record, then its extra
// fields, each named `name(detail)` (nullptr: left out).
void append_sample_and_fields(std::string& out, const MetricRecord& r, const char* (*name)(Detail)) {
  out.append(",\"status\":\"").append(r.value ? "ok" : "insufficient_data");
  out.append("\",\"n\":").append(std::to_string(r.n));
  if (r.low_n) out.append(",\"low_n\":true");
  if (r.info().aggregation == Aggregation::kMedian) out.append(",\"aggregation\":\"median\"");
  for (const auto& f : r.fields) {
    const char* field = name(f.detail);
    if (!field) continue;
    out.append(",\"").append(field).append("\":");
    if (detail_info(f.detail).is_count) out.append(std::to_string(f.count));
    else append_optional(out, f.number);
  }
}

}  // namespace

void append_metric_body(std::string& out, const MetricRecord& r) {
  const auto [unit, scale] = r.written_unit();
  out.append("\"value\":");
  append_optional(out, r.value, scale);
  out.append(",\"unit\":\"").append(unit).append("\"");
  append_sample_and_fields(out, r, [](Detail d) { return detail_info(d).name; });
  if (r.tier) out.append(",\"tier\":\"").append(r.tier).append("\"");
  if (r.compared) {
    out.append(",\"previous\":");
    append_optional(out, r.compared->previous, scale);
    out.append(",\"change\":");
    append_optional(out, r.compared->change, scale);
    out.append(",\"change_pct\":");
    append_optional(out, r.compared->change_pct);
  }
  if (!r.goals.empty()) {
    out.append(",\"goal\":");
    append_json_string(out, r.goal_text());
    out.append(",\"goal_met\":").append(!r.goal_met ? "null" : *r.goal_met ? "true" : "false");
  }
}

void append_note(std::string& out, const ReportSettings& s) {
  if (s.note.empty()) return;
  out.append(",\"note\":");
  append_json_string(out, s.note);
}

void append_json_end(std::string& out, const EventStore& store, const ReportSettings& s) {
  out.append("]");
  if (s.regressions) {
    out.append(",\"regressions\":");
    out.append(format_regressions(Format::kJson, store, *s.regressions, s.regression_windows));
  }
  out.append("}\n");
}

namespace {

using Tags = std::vector<std::pair<std::string, std::string>>;

// `tags` with --tag applied as a JSON object: a given tag replaces the
// value in its place or comes after the others; tags with an empty value
// (--tag K=, or nothing detected) are left out.
void append_tag_object(std::string& out, Tags tags, const ReportSettings& s) {
  for (const auto& tag : s.tags) {
    // Not a structured binding: clang 14 cannot capture one in the lambda.
    auto it = std::find_if(tags.begin(), tags.end(), [&](const auto& t) { return t.first == tag.first; });
    if (it != tags.end()) it->second = tag.second;
    else tags.emplace_back(tag.first, tag.second);
  }
  out.push_back('{');
  bool first = true;
  for (const auto& [name, value] : tags) {
    if (value.empty()) continue;
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, name);
    out.push_back(':');
    append_json_string(out, value);
  }
  out.push_back('}');
}

void append_tags(std::string& out, const ReportSettings& s, const char* tier) {
  Tags tags = {{"source_type", "dora"}, {"calculated_by", "ndj-dora"}, {"snapshot_window", window_label(s.window)}};
  if (tier) tags.emplace_back("tier", tier);
  if (!s.definitions.empty()) tags.emplace_back("definitions", s.definitions);
  append_tag_object(out, std::move(tags), s);
}

// Reference 000's canonical tag bag, in its order.
void append_snapshot_tags(std::string& out, const ReportSettings& s, const char* tier) {
  static const SourceTags kNone;
  const SourceTags& src = s.source ? *s.source : kNone;
  append_tag_object(out,
                    {{"source_type", "dora"},
                     {"calculated_by", "ndj-dora"},
                     {"tier", tier ? tier : ""},
                     {"repo", src.repo},
                     {"branch", src.branch},
                     {"commit_sha", src.commit_sha},
                     {"service", src.service},
                     {"environment", src.environment},
                     {"snapshot_window", window_label(s.window)},
                     {"pipeline", src.pipeline},
                     {"deploy_target", src.deploy_target},
                     {"workflow_run_id", src.workflow_run_id},
                     {"definitions", s.definitions}},
                    s);
}

// The snapshot's names of a record's extra fields: reference 000 spells
// the hours out, and calls the rework deployments rework_commits.
// Deployment frequency's per_week is its value; the other details (counts
// of unrecovered, open and negative samples) are not part of the shape.
const char* snapshot_field(Detail d) {
  switch (d) {
    case Detail::kMean: return "mean_hours";
    case Detail::kP90: return "p90_hours";
    case Detail::kFailures:
    case Detail::kTotalDeployments: return detail_info(d).name;
    case Detail::kReworkDeployments: return "rework_commits";
    default: return nullptr;
  }
}

// The overall row's records but time to restore (not one of the five DORA
// metrics), deployment frequency per week.
std::string snapshot(const std::vector<GroupMetrics>& rows, const ReportSettings& s) {
  std::string out;
  const std::string since = time_text(s.window.since), until = time_text(s.window.until);
  for (const auto& r : row_records(rows.front(), s)) {
    if (r.metric == Metric::kTimeToRestore) continue;
    out.append("{\"metric\":\"").append(r.info().name).append("\",\"value\":");
    if (r.metric == Metric::kDeploymentFrequency) {
      append_optional(out, r.field(Detail::kPerWeek));
      out.append(",\"unit\":\"per_week\"");
    } else {
      const auto [unit, scale] = r.written_unit();
      append_optional(out, r.value, scale);
      out.append(",\"unit\":\"").append(unit).append("\"");
    }
    append_sample_and_fields(out, r, snapshot_field);
    out.append(",\"since\":\"").append(since).append("\",\"until\":\"").append(until).append("\",\"tags\":");
    append_snapshot_tags(out, s, r.tier);
    out.append("}\n");
  }
  return out;
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
      out.append("{\"metric\":\"").append(r.info().name).append("\",");
      append_metric_body(out, r);
      out.append(",\"since\":\"").append(since).append("\",\"until\":\"").append(until);
      if (s.previous) out.append("\",\"previous_since\":\"").append(time_text(s.previous_window.since));
      if (s.bucket) out.append("\",\"bucket\":\"").append(s.bucket);
      out.append(s.partial ? "\",\"partial\":true,\"group\":" : "\",\"group\":");
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
  out.append(",\"min_samples\":").append(std::to_string(s.min_samples));
  if (s.previous) out.append(",\"previous_since\":\"").append(time_text(s.previous_window.since)).append("\"");
  append_note(out, s);
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
      out.append("\"").append(records[j].info().name).append("\":{");
      append_metric_body(out, records[j]);
      out.push_back('}');
    }
    out.append("}}");
  }
  append_json_end(out, store, s);
  return out;
}

// The cells a metric line has between "tier" and "since": the details in
// Detail order, the comparison, the goal.
size_t csv_middle_cells(const ReportSettings& s) {
  return kDetailCount + (s.previous ? 3 : 0) + (s.goals.empty() ? 0 : 2);
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
    std::vector<std::string> fixed{"metric", "value", "unit", "status", "n", "low_n", "tier"};
    for (size_t d = 0; d < kDetailCount; ++d) fixed.emplace_back(detail_info(static_cast<Detail>(d)).name);
    if (s.previous) fixed.insert(fixed.end(), {"previous", "change", "change_pct"});
    if (!s.goals.empty()) fixed.insert(fixed.end(), {"goal", "goal_met"});
    fixed.insert(fixed.end(), {"since", "until"});
    if (s.bucket) fixed.insert(fixed.end(), {"bucket", "partial"});
    if (s.regressions)
      fixed.insert(fixed.end(), {"baseline", "baseline_since", "regression_change_pct", "threshold_pct", "reason"});
    // A group field named like a column (--group-by status) is
    // "group.status": a header never names two columns alike.
    std::vector<std::string> names{"row"};
    for (const auto& f : store.group_fields()) {
      auto taken = [&](const std::string& n) {
        return std::find(names.begin(), names.end(), n) != names.end() ||
               std::find(fixed.begin(), fixed.end(), n) != fixed.end();
      };
      std::string n = taken(f) ? "group." + f : f;
      for (int k = 2; taken(n); ++k) n = "group." + f + "_" + std::to_string(k);
      names.push_back(std::move(n));
    }
    names.insert(names.end(), fixed.begin(), fixed.end());
    for (size_t i = 0; i < names.size(); ++i) {
      if (i) out.push_back(',');
      append_csv_cell(out, names[i]);
    }
    out.append("\n");
  }
  const std::string since = time_text(s.window.since), until = time_text(s.window.until);
  for (const auto& row : rows) {
    for (const auto& r : row_records(row, s)) {
      out.append(row.group == kOverall ? "overall" : "group");
      append_csv_group(out, store, row.group);
      const auto [unit, scale] = r.written_unit();
      out.append(",").append(r.info().name).append(",");
      if (r.value) append_number(out, *r.value * scale);
      out.append(",").append(unit).append(",").append(r.value ? "ok" : "insufficient_data");
      out.append(",").append(std::to_string(r.n)).append(r.low_n ? ",true," : ",false,").append(r.tier ? r.tier : "");
      for (size_t d = 0; d < kDetailCount; ++d) {
        out.push_back(',');
        for (const auto& f : r.fields) {
          if (f.detail != static_cast<Detail>(d)) continue;
          if (detail_info(f.detail).is_count) out.append(std::to_string(f.count));
          else if (f.number) append_number(out, *f.number);
        }
      }
      if (r.compared) {
        for (const auto* v : {&r.compared->previous, &r.compared->change, &r.compared->change_pct}) {
          out.push_back(',');
          if (*v) append_number(out, **v * (v == &r.compared->change_pct ? 1 : scale));
        }
      }
      if (!s.goals.empty()) {
        out.push_back(',');
        if (!r.goals.empty()) append_csv_cell(out, r.goal_text());
        out.append(",").append(!r.goal_met ? "" : *r.goal_met ? "true" : "false");
      }
      out.append(",").append(since).append(",").append(until);
      if (s.bucket) out.append(",").append(s.bucket).append(s.partial ? ",true" : ",false");
      if (s.regressions) out.append(",,,,,");
      out.append("\n");
    }
  }
  return out;
}

std::string silenced_text(const RegressionCheck& c) {
  return "acknowledged " + time_text(*c.acknowledged_at) + ", silenced until " + time_text(c.silenced_until);
}

std::string format_csv_regressions(const EventStore& store, const ReportSettings& s) {
  std::string out;
  if (!s.regressions) return out;
  const auto& w = s.regression_windows;
  const std::string middle(csv_middle_cells(s), ',');
  for (const auto& c : *s.regressions) {
    const MetricInfo& info = metric_info(c.metric);
    out.append(c.fired() ? "regression" : c.alert ? "regression_suppressed" : "regression_not_checked");
    append_csv_group(out, store, c.group);
    out.append(",").append(info.name).append(",");
    if (c.recent) append_number(out, *c.recent);
    out.append(",").append(unit_info(info.unit).name);
    out.append(c.fired() ? ",alert,,," : c.alert ? ",suppressed,,," : ",not_checked,,,");
    out.append(middle).append(",").append(time_text(w.recent.since)).append(",").append(time_text(w.recent.until));
    if (s.bucket) out.append(",,");  // bucket, partial
    out.push_back(',');
    if (c.baseline) append_number(out, *c.baseline);
    out.append(",").append(time_text(w.baseline.since)).append(",");
    if (c.change_pct) append_number(out, *c.change_pct);
    out.append(",");
    append_number(out, c.threshold_pct);
    out.append(",");
    if (c.skipped) append_csv_cell(out, c.skipped);
    else if (c.acknowledged_at) append_csv_cell(out, silenced_text(c));
    out.append("\n");
  }
  return out;
}

std::string value_text(const MetricRecord& r, bool by_week) {
  if (!r.value) return "-";
  return display_text(r.info().unit, *r.value, by_week);
}

std::string pair_text(Unit u, double a, double b, const char* between, bool both_units, bool by_week) {
  const DisplayScale& scale = display_scale(u, std::max(std::fabs(a), std::fabs(b)), by_week);
  return (both_units ? display_text(a, scale) : display_number(a, scale)) + between + display_text(b, scale);
}

std::string previous_text(const MetricRecord& r, bool by_week) {
  if (!r.compared->previous) return "previous: no data";
  const double previous = *r.compared->previous;
  const Unit u = r.info().unit;
  std::string text = "previous " + display_text(previous, display_scale(u, r.value.value_or(previous), by_week));
  if (r.compared->change_pct) text += " (" + fixed(*r.compared->change_pct, 1, true) + "%)";
  return text;
}

std::string goal_note(const MetricRecord& r, const Goal& g) {
  if (r.low_n) return "goal " + g.text + ": too few samples";
  const auto met = r.met(g);
  if (!met) return "goal " + g.text + ": no data";
  return *met ? "goal " + g.text + " met" : "MISSED goal " + g.text;
}

std::string low_n_footnote(uint64_t min_samples) {
  return "\n* n below " + std::to_string(min_samples) + " (--min-samples): too few samples to rate, so no tier and no goal judged\n";
}

namespace {

std::string table(const EventStore& store, const std::vector<GroupMetrics>& rows, const ReportSettings& s) {
  std::string out = "DORA metrics, " + time_text(s.window.since) + " to " + time_text(s.window.until) + " (" +
                    window_label(s.window) + ")";
  if (s.previous) out += ", compared with the " + window_label(s.previous_window) + " before";
  if (!s.definitions.empty()) out += ", definitions " + s.definitions;
  out += "\n";
  if (!s.note.empty()) out += "note: " + s.note + "\n";
  bool low_n = false;
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
      const MetricInfo& info = r.info();
      std::string value = value_text(r), detail;
      low_n |= r.low_n;
      if (!r.value)
        detail = "insufficient data";
      else if (info.unit == Unit::kPerDay && std::string_view(display_scale(info.unit, *r.value).unit) == "/day")
        detail = display_text(*r.value, display_scale(info.unit, *r.value, true));
      else if (info.unit == Unit::kHours)
        detail = "mean " + display_text(info.unit, *r.field(Detail::kMean)) + ", p90 " +
                 display_text(info.unit, *r.field(Detail::kP90));
      auto note = [&](const std::string& text) { detail += (detail.empty() ? "" : ", ") + text; };
      if (const auto& n = info.note)
        note(std::to_string(static_cast<uint64_t>(*r.field(n->count))) +
             (n->of_n ? " of " + std::to_string(r.n) : "") + " " + n->text);
      if (r.compared) note(previous_text(r));
      for (const Goal* g : r.goals) note(goal_note(r, *g));
      if (auto neg = r.field(Detail::kNegative); neg && *neg > 0)
        note(std::to_string(static_cast<uint64_t>(*neg)) + " negative left out");
      out.append(r.goal_met == false ? "! " : "  ").append(pad(info.label, 24, false)).append(pad(value, 12, true));
      out.append(pad(std::to_string(r.n), 8, true)).append(r.low_n ? "* " : "  ");
      out.append(pad(r.tier ? r.tier : "-", 6, false)).append("  ").append(detail);
      while (out.back() == ' ') out.pop_back();
      out.append("\n");
    }
  }
  if (low_n) out += low_n_footnote(s.min_samples);
  return out;
}

// Families are contiguous: metric by metric, the rows inside. Values are
// in base units (per second, seconds, ratios: the table's prom names); a
// null value has no sample (its _samples sample, 0 or the open count, says
// why). Every family is a gauge: values over a window, not counters.
std::string prom(const EventStore& store, const std::vector<GroupMetrics>& rows, const ReportSettings& s) {
  // "dora_metric" labels the regression samples: a field cannot take it.
  const std::vector<std::string> names = prom_label_names(store.group_fields(), {"dora_metric"});
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
        append_prom_label(l, names[i], text);
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
  // A comment line: scrapers skip it, a person reading the file sees it.
  std::string out = s.note.empty() ? "" : "# ndj-dora: " + s.note + "\n";
  // The samples of `family`: value(record of metric m) for each row.
  auto samples = [&](const std::string& family, size_t m, auto value) {
    for (size_t r = 0; r < records.size(); ++r) {
      if (auto v = value(records[r][m])) {
        out.append(family).append(labels[r]).push_back(' ');
        append_prom_number(out, *v);
        out.push_back('\n');
      }
    }
  };
  for (size_t m = 0; !records.empty() && m < records.front().size(); ++m) {
    const MetricInfo& info = records.front()[m].info();
    const std::string base = std::string("ndj_dora_") + info.name, family = std::string("ndj_dora_") + info.prom;
    const std::string window = ", " + window_label(s.window) + " until " + time_text(s.window.until);
    const double scale = unit_info(info.unit).prom_scale;
    append_prom_family(out, family, info.help + window);
    samples(family, m, [&](const MetricRecord& r) { return r.value ? std::optional(*r.value * scale) : std::nullopt; });
    append_prom_family(out, base + "_samples", "Sample size of " + family + ": " + info.counted);
    samples(base + "_samples", m, [&](const MetricRecord& r) { return std::optional(static_cast<double>(r.n)); });
    append_prom_family(out, base + "_low_n",
                       "1 when " + family + " rests on fewer than " + std::to_string(s.min_samples) +
                           " samples (--min-samples), else 0");
    samples(base + "_low_n", m, [&](const MetricRecord& r) {
      return r.value ? std::optional(r.low_n ? 1.0 : 0.0) : std::nullopt;
    });
    if (!records.front()[m].goals.empty()) {
      append_prom_family(out, base + "_goal_met", "1 when " + records.front()[m].goal_text() + " holds, else 0");
      samples(base + "_goal_met", m, [&](const MetricRecord& r) {
        return r.goal_met ? std::optional(*r.goal_met ? 1.0 : 0.0) : std::nullopt;
      });
    }
  }
  if (s.regressions) {
    const auto& w = s.regression_windows;
    const std::string windows = window_label(w.recent) + " until " + time_text(w.recent.until) + " against the " +
                                window_label(w.baseline) + " before";
    size_t alerts = 0;
    for (const auto& c : *s.regressions) alerts += c.fired();
    append_prom_family(out, "ndj_dora_regressions", "Regression alerts raised, " + windows);
    out.append("ndj_dora_regressions ").append(std::to_string(alerts)).append("\n");
    append_prom_family(out, "ndj_dora_regression_change_ratio",
                       "Change (new - old) / old of a metric that regressed beyond its threshold, " + windows);
    for (const auto& c : *s.regressions) {
      if (!c.fired()) continue;
      std::string first;
      append_prom_label(first, "dora_metric", metric_info(c.metric).name);
      auto l = group_labels(c.group, first);
      if (!l) continue;
      out.append("ndj_dora_regression_change_ratio").append(*l).push_back(' ');
      append_prom_number(out, *c.change_pct / 100);
      out.push_back('\n');
    }
  }
  return out;
}

}  // namespace

std::string format_regressions(Format format, const EventStore& store, const std::vector<RegressionCheck>& checks,
                               const RegressionWindows& w) {
  std::string out;
  if (format == Format::kTable) {
    out += "\nregressions: " + window_label(w.recent) + " to " + time_text(w.recent.until) + " against the " +
           window_label(w.baseline) + " before\n";
    size_t alerts = 0;
    for (const auto& c : checks) {
      std::string line = "  " + std::string(c.fired() ? "ALERT   " : c.alert ? "acked   " : "skipped ") +
                         metric_info(c.metric).name + ", " + group_label(store, c.group) + ": ";
      if (c.alert) {
        ++alerts;
        line += pair_text(metric_info(c.metric).unit, *c.baseline, *c.recent, " -> ", true) + " (" +
                fixed(*c.change_pct, 1, true) + "%, threshold " + fixed(c.threshold_pct, 0, true) + "%)";
        if (c.acknowledged_at) line += ", " + silenced_text(c);
      } else {
        line += c.skipped;
      }
      out += line + "\n";
    }
    if (!alerts) out += "  no regression\n";
    return out;
  }
  const std::string recent_since = time_text(w.recent.since), baseline_since = time_text(w.baseline.since),
                    until = time_text(w.recent.until);
  const bool array = format == Format::kJson;
  if (array) out.push_back('[');
  for (const auto& c : checks) {
    if (array && out.size() > 1) out.push_back(',');
    out.append(c.fired()  ? "{\"alert\":\"regression\""
               : c.alert ? "{\"note\":\"regression_suppressed\""
                         : "{\"note\":\"regression_not_checked\"");
    out.append(",\"metric\":\"").append(metric_info(c.metric).name).append("\",\"group\":");
    append_group_object(out, store, c.group);
    if (c.alert) {
      out.append(",\"recent\":");
      append_optional(out, c.recent);
      out.append(",\"baseline\":");
      append_optional(out, c.baseline);
      out.append(",\"change_pct\":");
      append_optional(out, c.change_pct);
      out.append(",\"threshold_pct\":");
      append_number(out, c.threshold_pct);
      if (c.acknowledged_at) {
        // "until": when the silence ends (the windows end at the report's "until").
        out.append(",\"acknowledged_at\":\"").append(time_text(*c.acknowledged_at));
        out.append("\",\"until\":\"").append(time_text(c.silenced_until)).append(array ? "\"}" : "\"}\n");
        continue;
      }
    } else {
      out.append(",\"reason\":");
      append_json_string(out, c.skipped);
    }
    out.append(",\"recent_since\":\"").append(recent_since).append("\",\"baseline_since\":\"");
    out.append(baseline_since).append("\",\"until\":\"").append(until).append(array ? "\"}" : "\"}\n");
  }
  if (array) out.push_back(']');
  return out;
}


std::string format_report(Format format, const EventStore& store, const std::vector<GroupMetrics>& rows,
                          const ReportSettings& settings) {
  const auto* checks = settings.regressions;
  switch (format) {
    case Format::kJson: return json(store, rows, settings);
    case Format::kCsv: return format_csv(store, rows, settings, true) + format_csv_regressions(store, settings);
    case Format::kProm: return prom(store, rows, settings);
    case Format::kSnapshot: return snapshot(rows, settings);
    case Format::kTable:
    case Format::kHtml:  // needs a series: format_html()
    case Format::kNdjson: break;
  }
  std::string out = format == Format::kTable ? table(store, rows, settings) : ndjson(store, rows, settings);
  if (checks) out += format_regressions(format, store, *checks, settings.regression_windows);
  return out;
}

}  // namespace ndj::dora
