// Output formats for ndj-stats.
#include "stats/stats_output.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/diag.hpp"
#include "core/format.hpp"
#include "core/output.hpp"
#include "core/prom.hpp"
#include "json/json.hpp"

namespace ndj {

const Choices<StatsFormat> kStatsFormats{
    {{"ndjson", StatsFormat::kNdjson},
     {"json", StatsFormat::kJson},
     {"csv", StatsFormat::kCsv},
     {"table", StatsFormat::kTable},
     {"prom", StatsFormat::kProm}}};

namespace {

// A unit a field name may end in, and its factor to the base unit.
struct NameUnit {
  std::string_view token;
  const char* unit;
  double scale;
};
constexpr NameUnit kNameUnits[] = {
    {"ns", "seconds", 1e-9},          {"nanos", "seconds", 1e-9},     {"nanoseconds", "seconds", 1e-9},
    {"us", "seconds", 1e-6},          {"usec", "seconds", 1e-6},      {"micros", "seconds", 1e-6},
    {"microseconds", "seconds", 1e-6}, {"ms", "seconds", 1e-3},       {"msec", "seconds", 1e-3},
    {"millis", "seconds", 1e-3},      {"milliseconds", "seconds", 1e-3}, {"s", "seconds", 1},
    {"sec", "seconds", 1},            {"secs", "seconds", 1},         {"seconds", "seconds", 1},
    {"min", "seconds", 60},           {"mins", "seconds", 60},        {"minutes", "seconds", 60},
    {"hours", "seconds", 3600},       {"days", "seconds", 86400},     {"bytes", "bytes", 1},
    {"pct", "ratio", 0.01},           {"percent", "ratio", 0.01},
};

// `text` in snake_case: a lower-case letter or digit followed by an upper-
// case one gets a '_' between, letters go lower case, other bytes '_'.
std::string snake_case(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isupper(c) && i > 0 && (std::islower(static_cast<unsigned char>(text[i - 1])) ||
                                     std::isdigit(static_cast<unsigned char>(text[i - 1]))))
      out.push_back('_');
    out.push_back(c < 128 && std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_');
  }
  return out;
}

}  // namespace

PromFamily prom_family(const AggSpec& agg) {
  PromFamily f;
  if (agg.kind == AggKind::kCount && agg.expr.empty()) {
    f.name = "ndj_stats_records";
    return f;
  }
  if (!agg.field) {  // no field to name it by: its column
    f.name = "ndj_stats_" + snake_case(agg.column);
    return f;
  }
  std::string stem = snake_case(agg.field->text());
  if (agg.kind == AggKind::kRate) {
    f.name = "ndj_stats_" + stem + "_success_ratio";
    return f;
  }
  if (agg.kind == AggKind::kDistinct) {
    f.name = "ndj_stats_" + stem + "_distinct_values";
    return f;
  }
  f.stat = agg.spec.substr(0, agg.spec.find_first_of(":("));  // "p90", "sum"
  if (f.stat == "median") f.stat = "p50";
  for (const auto& u : kNameUnits) {
    if (stem.size() > u.token.size() && stem.ends_with(u.token) && stem[stem.size() - u.token.size() - 1] == '_') {
      stem.resize(stem.size() - u.token.size() - 1);
      f.unit = u.unit;
      f.scale = u.scale;
      break;
    }
  }
  f.name = "ndj_stats_" + stem + (f.unit.empty() ? "" : "_" + f.unit);
  // Suffixes Prometheus keeps for counters, histograms and summaries.
  for (std::string_view reserved : {"_total", "_count", "_sum", "_bucket"})
    if (f.name.ends_with(reserved)) f.name += "_value";
  return f;
}

namespace {

// The text of a value for CSV and tables: strings without quotes (JSON
// escapes undone for the common cases), null as empty.
std::string plain(const StatValue& v) {
  if (v.json == "null") return "";
  if (!v.is_string) return v.json;
  std::string s;
  for (size_t i = 1; i + 1 < v.json.size(); ++i) {
    char c = v.json[i];
    if (c == '\\' && i + 2 < v.json.size()) {
      char e = v.json[++i];
      switch (e) {
        case 'n': s.push_back('\n'); break;
        case 't': s.push_back('\t'); break;
        case 'r': s.push_back('\r'); break;
        case 'u': s += "\\u"; break;  // rare control characters: keep them visible
        default: s.push_back(e);
      }
    } else {
      s.push_back(c);
    }
  }
  return s;
}

// Numbers in tables are for reading: fewer digits.
std::string table_text(const StatValue& v) {
  if (!v.number || v.is_string) return v.json == "null" ? "-" : plain(v);
  double d = *v.number;
  char buf[64];
  if (d == std::trunc(d) && std::fabs(d) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", d);
  else if (std::fabs(d) >= 1000) std::snprintf(buf, sizeof buf, "%.0f", d);
  else std::snprintf(buf, sizeof buf, "%.4g", d);
  return buf;
}

std::vector<std::string> header(const StatsLayout& layout, bool with_bucket) {
  std::vector<std::string> h;
  if (with_bucket) h.push_back(bucket_unit_name(layout.bucket->unit()));
  h.insert(h.end(), layout.key_names.begin(), layout.key_names.end());
  h.insert(h.end(), layout.agg_names.begin(), layout.agg_names.end());
  return h;
}

// A row as one JSON object.
void append_row_object(std::string& line, const StatsLayout& layout, const GroupRow& r) {
  const size_t start = line.size();
  line.push_back('{');
  auto member = [&](const std::string& name, const std::string& json) {
    if (line.size() > start + 1) line.push_back(',');
    append_json_string(line, name);
    line.push_back(':');
    line += json;
  };
  if (layout.bucket)
    member(bucket_unit_name(layout.bucket->unit()), json_string(layout.bucket->label(r.bucket)));
  for (size_t i = 0; i < r.keys.size(); ++i) member(layout.key_names[i], r.keys[i].json);
  for (size_t i = 0; i < r.aggs.size(); ++i) member(layout.agg_names[i], r.aggs[i].json);
  line.push_back('}');
}

void write_ndjson(Output& out, const StatsLayout& layout, const std::vector<GroupRow>& rows) {
  std::string line;
  for (const GroupRow& r : rows) {
    line.clear();
    append_row_object(line, layout, r);
    line.push_back('\n');
    out.write(line);
  }
}

void write_json_array(Output& out, const StatsLayout& layout, const std::vector<GroupRow>& rows) {
  std::string line;
  for (const GroupRow& r : rows) {
    line = line.empty() ? "[\n" : ",\n";
    append_row_object(line, layout, r);
    out.write(line);
  }
  out.write(rows.empty() ? "[]\n" : "\n]\n");
}

// One level of --nest: a member per distinct value, in the order of the
// rows where each first appears.
struct NestNode {
  std::string key;          // the member name, JSON text
  std::string value_json;   // the group value (or bucket label) it stands for
  std::vector<NestNode> kids;
  const GroupRow* leaf = nullptr;
};

// The tree of --nest; null group values add no level when `skip_nulls`.
// False when that puts two rows at one place or a row beside deeper ones.
bool build_nest(const StatsLayout& layout, const std::vector<GroupRow>& rows, bool skip_nulls, NestNode& root) {
  const size_t depth = (layout.bucket ? 1 : 0) + layout.key_names.size();
  for (const GroupRow& r : rows) {
    NestNode* at = &root;
    for (size_t level = 0; level < depth; ++level) {
      std::string value, key, field;
      if (layout.bucket && level == 0) {
        value = key = json_string(layout.bucket->label(r.bucket));
        field = bucket_unit_name(layout.bucket->unit());
      } else {
        const size_t k = level - (layout.bucket ? 1 : 0);
        const StatValue& v = r.keys[k];
        if (skip_nulls && v.json == "null") continue;
        value = v.json;
        key = v.is_string ? v.json : json_string(v.json);
        field = layout.key_names[k];
      }
      if (at->leaf) return false;
      NestNode* next = nullptr;
      const NestNode* clash = nullptr;
      for (NestNode& kid : at->kids) {
        if (kid.value_json == value) next = &kid;
        else if (kid.key == key) clash = &kid;
      }
      if (!next) {
        if (clash) warn("--nest: the values " + clash->value_json + " and " + value + " of '" + field + "' share the key " + key);
        at->kids.push_back(NestNode{key, value, {}, nullptr});
        next = &at->kids.back();
      }
      at = next;
    }
    if (at->leaf || !at->kids.empty()) return false;
    at->leaf = &r;
  }
  return true;
}

void write_nested(Output& out, const StatsLayout& layout, const std::vector<GroupRow>& rows) {
  NestNode root;
  if (!build_nest(layout, rows, true, root)) {
    root = NestNode{};
    build_nest(layout, rows, false, root);
  }
  std::string text;
  // A leaf holds the aggregates that have a value: a record stream of
  // several kinds gives each kind's groups their own aggregates.
  auto write_leaf = [&](const GroupRow& r) {
    text.push_back('{');
    bool first = true;
    for (size_t i = 0; i < r.aggs.size(); ++i) {
      if (r.aggs[i].json == "null") continue;
      if (!first) text.push_back(',');
      first = false;
      append_json_string(text, layout.agg_names[i]);
      text.push_back(':');
      text += r.aggs[i].json;
    }
    text.push_back('}');
  };
  auto write = [&](auto& self, const NestNode& n, size_t level) -> void {
    if (n.leaf) {
      write_leaf(*n.leaf);
      return;
    }
    if (n.kids.empty()) {
      text += "{}";
      return;
    }
    text += "{\n";
    for (size_t i = 0; i < n.kids.size(); ++i) {
      text.append(2 * (level + 1), ' ');
      text += n.kids[i].key;
      text += ": ";
      self(self, n.kids[i], level + 1);
      text += i + 1 < n.kids.size() ? ",\n" : "\n";
    }
    text.append(2 * level, ' ');
    text += "}";
    if (text.size() > 1 << 16) {
      out.write(text);
      text.clear();
    }
  };
  write(write, root, 0);
  text += "\n";
  out.write(text);
}

void write_csv(Output& out, const StatsLayout& layout, const std::vector<GroupRow>& rows) {
  std::string line;
  auto emit = [&](const std::vector<std::string>& fields) {
    line.clear();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) line.push_back(',');
      append_csv_cell(line, fields[i]);
    }
    line += "\r\n";
    out.write(line);
  };
  const bool bucketed = layout.bucket != nullptr;
  emit(header(layout, bucketed));
  for (const GroupRow& r : rows) {
    std::vector<std::string> f;
    if (bucketed) f.push_back(layout.bucket->label(r.bucket));
    for (const auto& k : r.keys) f.push_back(plain(k));
    for (const auto& a : r.aggs) f.push_back(plain(a));
    emit(f);
  }
}

void write_plain_table(Output& out, const StatsLayout& layout, const std::vector<GroupRow>& rows) {
  const bool bucketed = layout.bucket != nullptr;
  std::vector<std::vector<std::string>> cells{header(layout, bucketed)};
  // Columns of numbers are right-aligned; first:/last: may hold text.
  std::vector<bool> right(cells[0].size(), false);
  const size_t first_agg = cells[0].size() - layout.agg_names.size();
  for (size_t a = 0; a < layout.agg_names.size(); ++a) {
    right[first_agg + a] = true;
    for (const GroupRow& r : rows)
      if (!r.aggs[a].number && r.aggs[a].json != "null") right[first_agg + a] = false;
  }
  for (const GroupRow& r : rows) {
    std::vector<std::string> row;
    if (bucketed) row.push_back(layout.bucket->label(r.bucket));
    for (const auto& k : r.keys) row.push_back(table_text(k));
    for (const auto& a : r.aggs) row.push_back(table_text(a));
    cells.push_back(std::move(row));
  }
  write_table(out, cells, right);
}

// One row per group; each aggregate is a sparkline over every bucket from
// the first to the last (empty buckets included) and its latest value.
void write_trend_table(Output& out, const StatsLayout& layout, const std::vector<GroupRow>& rows) {
  if (rows.empty()) return;
  TimeNs first = rows.front().bucket, last = rows.front().bucket;
  for (const GroupRow& r : rows) {
    first = std::min(first, r.bucket);
    last = std::max(last, r.bucket);
  }
  std::vector<TimeNs> buckets;
  for (TimeNs b = first; b <= last; b = layout.bucket->next(b)) buckets.push_back(b);
  if (buckets.size() > kMaxSparkline) buckets.erase(buckets.begin(), buckets.end() - kMaxSparkline);
  std::map<TimeNs, size_t> slot;
  for (size_t i = 0; i < buckets.size(); ++i) slot[buckets[i]] = i;

  // Rows come sorted by bucket; gather each group's rows together.
  std::vector<const GroupRow*> order;
  for (const GroupRow& r : rows) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(),
                   [](const GroupRow* a, const GroupRow* b) { return compare_group_keys(*a, *b) < 0; });
  std::string note = "# " + std::string(bucket_unit_name(layout.bucket->unit())) + "s " +
                     layout.bucket->label(buckets.front()) + " .. " + layout.bucket->label(buckets.back()) + " (" +
                     std::to_string(buckets.size()) + "), latest value after each sparkline\n";
  out.write(note);
  std::vector<std::vector<std::string>> cells{header(layout, false)};
  std::vector<bool> right(cells[0].size(), false);
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    std::vector<std::vector<std::optional<double>>> series(
        layout.agg_names.size(), std::vector<std::optional<double>>(buckets.size()));
    std::vector<std::string> latest(layout.agg_names.size(), "-");
    for (; j < order.size(); ++j) {
      if (compare_group_keys(*order[i], *order[j]) != 0) break;
      auto s = slot.find(order[j]->bucket);
      if (s == slot.end()) continue;
      for (size_t a = 0; a < series.size(); ++a) {
        series[a][s->second] = order[j]->aggs[a].number;
        if (s->second + 1 == buckets.size()) latest[a] = table_text(order[j]->aggs[a]);
      }
    }
    std::vector<std::string> row;
    for (const auto& k : order[i]->keys) row.push_back(table_text(k));
    for (size_t a = 0; a < series.size(); ++a) row.push_back(sparkline(series[a]) + " " + latest[a]);
    cells.push_back(std::move(row));
    i = j;
  }
  write_table(out, cells, right);
}

// Families are contiguous (the aggregates of one field together, in the
// order of their first), rows in their order inside; a value that is not a
// number (null, a string of first: or last:) has no sample. Every family is
// a gauge: statistics of the records read, not counters.
void write_prom(Output& out, const StatsLayout& layout, const std::vector<GroupRow>& rows) {
  const auto names = prom_label_names(layout.key_names, {"stat"});
  std::vector<std::string> labels;  // per row, without the braces
  for (const GroupRow& r : rows) {
    std::string l;
    for (size_t i = 0; i < r.keys.size(); ++i)
      append_prom_label(l, names[i], r.keys[i].json == "null" ? std::string("(none)") : plain(r.keys[i]));
    labels.push_back(std::move(l));
  }
  std::vector<PromFamily> families;
  for (const AggSpec& a : *layout.aggs) families.push_back(prom_family(a));
  std::vector<bool> done(families.size());
  std::string text;
  for (size_t a = 0; a < families.size(); ++a) {
    if (done[a]) continue;
    const PromFamily& f = families[a];
    std::string help, stats;
    for (size_t b = a; b < families.size(); ++b)
      if (families[b].name == f.name && !families[b].stat.empty()) stats += (stats.empty() ? "" : ", ") + families[b].stat;
    const AggSpec& spec = (*layout.aggs)[a];
    if (!spec.field) help = spec.kind == AggKind::kCount && spec.expr.empty() ? "Records per group" : spec.spec;
    else if (spec.kind == AggKind::kRate) help = "Share of the records with " + spec.field->text() + " that succeeded";
    else if (spec.kind == AggKind::kDistinct) help = "Distinct values of " + spec.field->text();
    else help = "Statistics of " + spec.field->text() + " (stat: " + stats + ")" + (f.unit.empty() ? "" : f.unit == "ratio" ? ", as a ratio" : ", in " + f.unit);
    append_prom_family(text, f.name, "ndj-stats: " + help);
    for (size_t b = a; b < families.size(); ++b) {
      if (families[b].name != f.name) continue;
      done[b] = true;
      for (size_t r = 0; r < rows.size(); ++r) {
        const StatValue& v = rows[r].aggs[b];
        if (!v.number || v.is_string) continue;
        std::string l = labels[r];
        if (!families[b].stat.empty()) append_prom_label(l, "stat", families[b].stat);
        text.append(families[b].name);
        if (!l.empty()) text.append("{").append(l).append("}");
        text.push_back(' ');
        append_prom_number(text, *v.number * families[b].scale);
        text.push_back('\n');
      }
    }
    out.write(text);
    text.clear();
  }
}

}  // namespace

void write_stats(Output& out, StatsFormat format, const StatsLayout& layout,
                 const std::vector<GroupRow>& rows) {
  switch (format) {
    case StatsFormat::kNdjson: write_ndjson(out, layout, rows); break;
    case StatsFormat::kJson:
      if (layout.nest) write_nested(out, layout, rows);
      else write_json_array(out, layout, rows);
      break;
    case StatsFormat::kCsv: write_csv(out, layout, rows); break;
    case StatsFormat::kProm: write_prom(out, layout, rows); break;
    case StatsFormat::kTable:
      if (!layout.bucket) write_plain_table(out, layout, rows);
      else write_trend_table(out, layout, rows);
      break;
  }
}

}  // namespace ndj
