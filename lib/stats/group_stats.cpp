// Group table and per-field accumulators. Each distinct field is looked up
// once per record however many aggregates use it.
#include "stats/group_stats.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/format.hpp"
#include "core/percentile.hpp"
#include "core/record_time.hpp"
#include "json/json.hpp"
#include "stats/quantile_sketch.hpp"

namespace ndj {

// ---- aggregate specs -------------------------------------------------------

std::optional<AggSpec> AggSpec::parse(std::string_view text, std::string& why) {
  AggSpec a;
  a.spec = std::string(text);
  if (text == "count") {
    a.column = "count";
    return a;
  }
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    why = "'" + a.spec + "': expected count or AGG:FIELD (sum, mean, min, max, pN, median, distinct, rate, first, last)";
    return std::nullopt;
  }
  std::string_view name = text.substr(0, colon);
  auto field = FieldPath::parse(text.substr(colon + 1));
  if (!field) {
    why = "'" + a.spec + "': bad field path";
    return std::nullopt;
  }
  std::string suffix(name);
  if (name == "sum") a.kind = AggKind::kSum;
  else if (name == "mean") a.kind = AggKind::kMean;
  else if (name == "min") a.kind = AggKind::kMin;
  else if (name == "max") a.kind = AggKind::kMax;
  else if (name == "distinct") a.kind = AggKind::kDistinct;
  else if (name == "rate") a.kind = AggKind::kRate;
  else if (name == "first") a.kind = AggKind::kFirst;
  else if (name == "last") a.kind = AggKind::kLast;
  else if (name == "median") {
    a.kind = AggKind::kPercentile;
    a.percentile = 50;
    suffix = "p50";
  } else if (name.size() > 1 && name[0] == 'p') {
    double p = -1;
    auto [end, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), p);
    if (ec != std::errc() || end != name.data() + name.size() || !(p >= 0 && p <= 100)) {
      why = "'" + a.spec + "': percentile must be p0 to p100";
      return std::nullopt;
    }
    a.kind = AggKind::kPercentile;
    a.percentile = p;
  } else {
    why = "'" + a.spec + "': unknown aggregate '" + std::string(name) + "'";
    return std::nullopt;
  }
  a.column = field->text() + "_" + suffix;
  a.field = std::move(field);
  return a;
}

// ---- time field ------------------------------------------------------------

std::optional<TimeNs> read_time_field(simdjson::dom::element record, const FieldPath& path,
                                      std::optional<EpochUnit> epoch, std::string& why) {
  auto v = path.find(record);
  if (!v) {
    why = "no time field '" + path.text() + "'";
    return std::nullopt;
  }
  TimeNs t = 0;
  const char* problem = "";
  switch (read_time_value(*v, epoch, t)) {
    case TimeValue::kTime: return t;
    case TimeValue::kBadText: problem = "is not an RFC 3339 time"; break;
    case TimeValue::kOutOfRange: problem = "is out of range"; break;
    case TimeValue::kNeedsEpoch: problem = "is not a time (a number: say its unit with --epoch)"; break;
    case TimeValue::kNotTime: problem = "is not a time"; break;
  }
  why = "field '" + path.text() + "' " + problem;
  return std::nullopt;
}

// ---- accumulation ----------------------------------------------------------

namespace {

struct FieldNeeds {
  bool numeric = false, values = false, sketch = false, distinct = false, rate = false, first = false, last = false;
};

struct FieldAcc {
  uint64_t n = 0;  // numeric values seen
  bool all_int = true;
  int64_t isum = 0;
  double dsum = 0;
  double dsum_error = 0;  // Neumaier compensation: sums of costs stay exact
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::vector<double> values;  // exact percentiles
  QuantileSketch sketch;       // --approx percentiles
  std::unordered_set<std::string> distinct;
  uint64_t present = 0, truthy = 0;  // rate: non-null values, successes
  std::string first, last;
  bool has_first = false;
};

struct Group {
  TimeNs bucket = 0;
  std::vector<StatValue> keys;
  uint64_t count = 0;
  std::vector<FieldAcc> fields;
};

struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

void append_value_json(std::string& out, simdjson::dom::element e) {
  std::string_view s;
  if (e.get(s) == simdjson::SUCCESS) append_json_string(out, s);
  else append_json(out, e);
}

StatValue key_value(std::optional<simdjson::dom::element> e) {
  StatValue v;
  if (!e) return v;
  v.json.clear();
  append_value_json(v.json, *e);
  v.is_string = e->is_string();
  double d;
  if (e->is_number() && e->get(d) == simdjson::SUCCESS) v.number = d;
  return v;
}

bool is_success(simdjson::dom::element e) {
  bool b;
  if (e.get(b) == simdjson::SUCCESS) return b;
  std::string_view s;
  return e.get(s) == simdjson::SUCCESS && (s == "success" || s == "pass");
}

void append_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  if (v == std::trunc(v) && std::fabs(v) < 9e15) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v));
    out.append(buf, r.ptr);
    return;
  }
  // 15 significant digits: enough for any input number, and the noise of
  // interpolation and summation (340.00000000000006) is not shown.
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 15);
  out.append(buf, r.ptr);
}

StatValue number_value(std::optional<double> d) {
  StatValue v;
  if (!d || !std::isfinite(*d)) return v;
  v.json.clear();
  append_number(v.json, *d);
  v.number = d;
  return v;
}

StatValue json_value(const std::string& text, bool has) {
  StatValue v;
  if (!has) return v;
  v.json = text;
  v.is_string = !text.empty() && text[0] == '"';
  if (!v.is_string && !text.empty() && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9')))
    v.number = std::strtod(text.c_str(), nullptr);
  return v;
}

int type_rank(const StatValue& v) {
  if (v.json == "null") return 0;
  if (v.json == "false" || v.json == "true") return 1;
  if (v.number) return 2;
  if (v.is_string) return 3;
  return 4;
}

int compare_values(const StatValue& a, const StatValue& b) {
  int ra = type_rank(a), rb = type_rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 2 && *a.number != *b.number) return *a.number < *b.number ? -1 : 1;
  return a.json.compare(b.json) < 0 ? -1 : (a.json == b.json ? 0 : 1);
}

}  // namespace

int compare_group_keys(const GroupRow& a, const GroupRow& b) {
  for (size_t i = 0; i < a.keys.size(); ++i)
    if (int c = compare_values(a.keys[i], b.keys[i])) return c;
  return 0;
}

namespace {
bool row_less(const GroupRow& a, const GroupRow& b) {
  if (a.bucket != b.bucket) return a.bucket < b.bucket;
  return compare_group_keys(a, b) < 0;
}

// ---- fields no record held ---------------------------------------------------

// Whether any record held a field and, until one did, the names records
// held where it was missing, per segment depth: the candidates of a "did
// you mean". Bounded: a record whose keys are ids must not grow it forever.
struct FieldWatch {
  static constexpr size_t kMaxNames = 1000;
  explicit FieldWatch(const FieldPath& p) : path(&p), names(p.segments().size()) {}
  const FieldPath* path;
  bool seen = false;
  std::vector<std::unordered_set<std::string, KeyHash, std::equal_to<>>> names;
  size_t name_count = 0;

  // Called for a record without the field: notes the keys of the object
  // where the path broke off (none when it broke off at an array or a
  // scalar).
  void note_names(simdjson::dom::element record) {
    simdjson::dom::element at = record;
    const auto& segments = path->segments();
    for (size_t d = 0; d < segments.size(); ++d) {
      simdjson::dom::object obj;
      if (at.get(obj) != simdjson::SUCCESS) return;
      if (obj.at_key(segments[d]).get(at) == simdjson::SUCCESS) continue;
      for (auto member : obj) {
        if (name_count == kMaxNames) return;
        if (names[d].find(member.key) == names[d].end()) {
          names[d].emplace(member.key);
          ++name_count;
        }
      }
      return;
    }
  }
};

// Optimal string alignment distance: edits, a swap of neighbours counting
// as one ("tema" is one edit from "team").
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// A segment as FieldPath::parse reads it back.
void append_segment(std::string& out, std::string_view segment) {
  for (char c : segment) {
    if (c == '.' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
}

// The path the user probably meant: the one missing segment replaced by the
// closest name records held there, if one is close: an edit per three
// letters ("tol" for "tool"), or one name the start of the other
// ("duration" for "duration_ms"). Ties go to the shallower segment, then
// to the first name in byte order.
std::optional<std::string> guess_field(const FieldWatch& w) {
  const auto& segments = w.path->segments();
  std::optional<std::tuple<size_t, size_t, std::string>> best;  // distance, depth, name
  for (size_t d = 0; d < segments.size(); ++d) {
    const std::string& asked = segments[d];
    if (asked.size() > 64) continue;
    for (const std::string& name : w.names[d]) {
      if (name.size() > 64) continue;
      const size_t distance = edit_distance(asked, name);
      const bool prefix = std::min(asked.size(), name.size()) >= 3 &&
                          (name.starts_with(asked) || asked.starts_with(name));
      if (distance > asked.size() / 3 && !prefix) continue;
      auto candidate = std::tie(distance, d, name);
      if (!best || candidate < *best) best.emplace(distance, d, name);
    }
  }
  if (!best) return std::nullopt;
  std::string path;
  for (size_t d = 0; d < segments.size(); ++d) {
    if (d) path.push_back('.');
    append_segment(path, d == std::get<1>(*best) ? std::get<2>(*best) : segments[d]);
  }
  return path;
}

}  // namespace

struct GroupStats::Impl {
  bool approx = false;
  std::vector<FieldPath> group_by;
  std::vector<AggSpec> aggs;
  std::vector<FieldPath> fields;     // distinct aggregate fields
  std::vector<FieldNeeds> needs;     // per field
  std::vector<size_t> agg_field;     // aggregate -> field index
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t, KeyHash, std::equal_to<>> index;
  std::string key;      // reused buffers
  std::string scratch;
  bool bucketed = false;
  uint64_t records = 0;
  std::vector<FieldWatch> watches;   // one per distinct group or aggregate field
  std::vector<size_t> group_watch;   // group field -> watch
  std::vector<size_t> field_watch;   // aggregate field -> watch

  size_t watch_of(const FieldPath& p) {
    for (size_t i = 0; i < watches.size(); ++i)
      if (watches[i].path->text() == p.text()) return i;
    watches.emplace_back(p);
    return watches.size() - 1;
  }

  // Notes whether a record held a watched field (`found`).
  void watch(size_t w, bool found, simdjson::dom::element record) {
    FieldWatch& fw = watches[w];
    if (found) fw.seen = true;
    else if (!fw.seen) fw.note_names(record);
  }

  void accumulate(FieldAcc& acc, const FieldNeeds& need, simdjson::dom::element v) {
    if (need.numeric && v.is_number()) {
      int64_t i;
      double d = 0;
      if (v.get(i) == simdjson::SUCCESS) {
        d = static_cast<double>(i);
        if (acc.all_int && __builtin_add_overflow(acc.isum, i, &acc.isum)) acc.all_int = false;
      } else if (v.get(d) == simdjson::SUCCESS) {  // a double, or uint64 beyond int64
        acc.all_int = false;
      }
      ++acc.n;
      double t = acc.dsum + d;
      acc.dsum_error += std::fabs(acc.dsum) >= std::fabs(d) ? (acc.dsum - t) + d : (d - t) + acc.dsum;
      acc.dsum = t;
      acc.min = std::min(acc.min, d);
      acc.max = std::max(acc.max, d);
      if (need.values) acc.values.push_back(d);
      if (need.sketch) acc.sketch.add(d);
    }
    if (need.rate && !v.is_null()) {
      ++acc.present;
      acc.truthy += is_success(v);
    }
    if (need.distinct || need.first || need.last) {
      scratch.clear();
      append_value_json(scratch, v);
      if (need.distinct && !acc.distinct.count(scratch)) acc.distinct.insert(scratch);
      if (need.first && !acc.has_first) {
        acc.first = scratch;
        acc.has_first = true;
      }
      if (need.last) acc.last = scratch;
    }
  }

  StatValue result(const Group& g, size_t a) const {
    const AggSpec& spec = aggs[a];
    if (spec.kind == AggKind::kCount) return number_value(static_cast<double>(g.count));
    const FieldAcc& acc = g.fields[agg_field[a]];
    auto if_any = [&](double v) { return acc.n ? std::optional<double>(v) : std::nullopt; };
    switch (spec.kind) {
      case AggKind::kSum:
        if (acc.n == 0) return {};
        if (acc.all_int) {
          StatValue v;
          v.json = std::to_string(acc.isum);
          v.number = static_cast<double>(acc.isum);
          return v;
        }
        return number_value(acc.dsum + acc.dsum_error);
      case AggKind::kMean:
        return number_value(if_any((acc.dsum + acc.dsum_error) / static_cast<double>(acc.n)));
      case AggKind::kMin: return number_value(if_any(acc.min));
      case AggKind::kMax: return number_value(if_any(acc.max));
      case AggKind::kPercentile: {
        if (approx) return number_value(acc.sketch.quantile(spec.percentile));
        if (acc.values.empty()) return {};
        std::vector<double> copy = acc.values;
        return number_value(percentile_cont(std::span(copy), spec.percentile));
      }
      case AggKind::kDistinct: return number_value(static_cast<double>(acc.distinct.size()));
      case AggKind::kRate:
        return number_value(acc.present ? std::optional<double>(static_cast<double>(acc.truthy) /
                                                                static_cast<double>(acc.present))
                                        : std::nullopt);
      case AggKind::kFirst: return json_value(acc.first, acc.has_first);
      case AggKind::kLast: return json_value(acc.last, acc.has_first);
      case AggKind::kCount: break;
    }
    return {};
  }
};

GroupStats::GroupStats(std::vector<FieldPath> group_by, std::vector<AggSpec> aggs,
                       bool approx_percentiles, bool bucketed)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.approx = approx_percentiles;
  m.bucketed = bucketed;
  m.group_by = std::move(group_by);
  m.aggs = std::move(aggs);
  for (const AggSpec& a : m.aggs) {
    size_t f = m.fields.size();
    if (a.field) {
      for (size_t i = 0; i < m.fields.size(); ++i)
        if (m.fields[i].text() == a.field->text()) f = i;
      if (f == m.fields.size()) {
        m.fields.push_back(*a.field);
        m.needs.emplace_back();
      }
      FieldNeeds& n = m.needs[f];
      switch (a.kind) {
        case AggKind::kSum: case AggKind::kMean: case AggKind::kMin: case AggKind::kMax:
          n.numeric = true;
          break;
        case AggKind::kPercentile:
          n.numeric = true;
          (approx_percentiles ? n.sketch : n.values) = true;
          break;
        case AggKind::kDistinct: n.distinct = true; break;
        case AggKind::kRate: n.rate = true; break;
        case AggKind::kFirst: n.first = true; break;
        case AggKind::kLast: n.first = n.last = true; break;
        case AggKind::kCount: break;
      }
    }
    m.agg_field.push_back(f);
  }
  // The paths are not moved again: watches point at them.
  for (const FieldPath& p : m.group_by) m.group_watch.push_back(m.watch_of(p));
  for (const FieldPath& p : m.fields) m.field_watch.push_back(m.watch_of(p));
}

GroupStats::~GroupStats() = default;

void GroupStats::add(simdjson::dom::element record, TimeNs bucket) {
  Impl& m = *impl_;
  ++m.records;
  m.key.assign(reinterpret_cast<const char*>(&bucket), sizeof bucket);
  for (size_t k = 0; k < m.group_by.size(); ++k) {
    m.key.push_back('\x1f');  // never raw inside JSON text
    auto v = m.group_by[k].find(record);
    if (v) append_value_json(m.key, *v);
    else m.key += "null";
    m.watch(m.group_watch[k], v.has_value(), record);
  }
  auto it = m.index.find(std::string_view(m.key));
  size_t gi;
  if (it == m.index.end()) {
    gi = m.groups.size();
    m.index.emplace(m.key, gi);
    Group g;
    g.bucket = bucket;
    for (const FieldPath& p : m.group_by) g.keys.push_back(key_value(p.find(record)));
    g.fields.resize(m.fields.size());
    m.groups.push_back(std::move(g));
  } else {
    gi = it->second;
  }
  Group& g = m.groups[gi];
  ++g.count;
  for (size_t f = 0; f < m.fields.size(); ++f) {
    auto v = m.fields[f].find(record);
    if (v) m.accumulate(g.fields[f], m.needs[f], *v);
    m.watch(m.field_watch[f], v.has_value(), record);
  }
}

std::vector<GroupRow> GroupStats::rows() const {
  const Impl& m = *impl_;
  std::vector<GroupRow> rows;
  rows.reserve(m.groups.size() + 1);
  auto add_row = [&](const Group& g) {
    GroupRow r;
    r.bucket = g.bucket;
    r.keys = g.keys;
    for (size_t a = 0; a < m.aggs.size(); ++a) r.aggs.push_back(m.result(g, a));
    rows.push_back(std::move(r));
  };
  for (const Group& g : m.groups) add_row(g);
  if (m.groups.empty() && m.group_by.empty() && !m.bucketed) {
    Group none;
    none.fields.resize(m.fields.size());
    add_row(none);
  }
  std::sort(rows.begin(), rows.end(), row_less);
  return rows;
}

uint64_t GroupStats::records() const { return impl_->records; }

std::vector<std::string> GroupStats::missing_fields() const {
  const Impl& m = *impl_;
  std::vector<std::string> out;
  if (m.records == 0) return out;
  const std::string where =
      m.records == 1 ? "the one record" : "any of the " + grouped_digits(m.records) + " records";
  for (const FieldWatch& w : m.watches) {
    if (w.seen) continue;
    std::string text = "field '" + w.path->text() + "' was not in " + where;
    if (auto guess = guess_field(w)) text += " (did you mean '" + *guess + "'?)";
    out.push_back(std::move(text));
  }
  return out;
}

void rank_rows(std::vector<GroupRow>& rows, size_t agg, size_t top) {
  std::stable_sort(rows.begin(), rows.end(), [agg](const GroupRow& a, const GroupRow& b) {
    if (a.bucket != b.bucket) return a.bucket < b.bucket;
    const auto& x = a.aggs[agg].number;
    const auto& y = b.aggs[agg].number;
    if (x && y) return *x > *y;
    return x.has_value() && !y.has_value();
  });
  if (top == 0) return;
  std::vector<GroupRow> kept;
  size_t in_bucket = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    in_bucket = (i > 0 && rows[i].bucket == rows[i - 1].bucket) ? in_bucket + 1 : 0;
    if (in_bucket < top) kept.push_back(std::move(rows[i]));
  }
  rows = std::move(kept);
}

}  // namespace ndj
