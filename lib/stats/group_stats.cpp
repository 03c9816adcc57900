// Group table and per-field accumulators. Each distinct field is looked up
// once per record however many aggregates use it.
#include "stats/group_stats.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/format.hpp"
#include "core/percentile.hpp"
#include "core/record_time.hpp"
#include "core/time_bucket.hpp"
#include "expr/decimal.hpp"
#include "expr/expr.hpp"
#include "json/json.hpp"
#include "json/json_check.hpp"
#include "stats/quantile_sketch.hpp"

namespace ndj {

// ---- aggregate specs -------------------------------------------------------

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Calls at(i, depth) for each byte of `t` outside strings and regexes,
// with the nesting of parentheses and brackets before it, until at()
// returns false. A regex is a '/' after "=~" or "!~" (lib/expr's grammar).
template <class F>
void scan_outside_literals(std::string_view t, F&& at) {
  int depth = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    size_t before = i;
    while (before > 0 && is_blank(t[before - 1])) --before;
    const bool regex = c == '/' && before >= 2 && t[before - 1] == '~' && (t[before - 2] == '=' || t[before - 2] == '!');
    if (c == '"' || c == '\'' || regex) {
      for (++i; i < t.size() && t[i] != c; ++i)
        if (t[i] == '\\') ++i;
      continue;
    }
    if (!at(i, depth)) return;
    if (c == '(' || c == '[') ++depth;
    else if (c == ')' || c == ']') --depth;
  }
}

// The aggregate names and their column suffixes.
std::optional<AggKind> agg_kind(std::string_view name, double& percentile, std::string& suffix) {
  suffix = std::string(name);
  if (name == "count") return AggKind::kCount;
  if (name == "sum") return AggKind::kSum;
  if (name == "mean") return AggKind::kMean;
  if (name == "min") return AggKind::kMin;
  if (name == "max") return AggKind::kMax;
  if (name == "distinct") return AggKind::kDistinct;
  if (name == "rate") return AggKind::kRate;
  if (name == "first") return AggKind::kFirst;
  if (name == "last") return AggKind::kLast;
  if (name == "median") {
    percentile = 50;
    suffix = "p50";
    return AggKind::kPercentile;
  }
  if (name.size() > 1 && name[0] == 'p') {  // a bad number fails the range check
    double p = -1;
    auto [end, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), p);
    percentile = ec == std::errc() && end == name.data() + name.size() ? p : -1;
    return AggKind::kPercentile;
  }
  return std::nullopt;
}

// Sets a.kind (and its percentile) from the aggregate's name, and the
// column's suffix; false with the reason otherwise (count takes no field).
bool read_kind(AggSpec& a, std::string_view name, bool count_allowed, std::string& suffix, std::string& why) {
  auto kind = agg_kind(name, a.percentile, suffix);
  if (!kind || (*kind == AggKind::kCount && !count_allowed)) {
    why = "'" + a.spec + "': unknown aggregate '" + std::string(name) + "'";
    return false;
  }
  a.kind = *kind;
  if (a.kind == AggKind::kPercentile && !(a.percentile >= 0 && a.percentile <= 100)) {
    why = "'" + a.spec + "': percentile must be p0 to p100";
    return false;
  }
  return true;
}

constexpr const char* kAggNames = "sum, mean, min, max, pN, median, distinct, rate, first, last";

// Runs of blanks as one space, none inside the parentheses' edges: the
// default column of an expression aggregate.
std::string readable_column(std::string_view spec) {
  std::string out;
  for (char c : spec) {
    if (is_blank(c)) {
      if (!out.empty() && out.back() != ' ' && out.back() != '(') out.push_back(' ');
      continue;
    }
    if (c == ')' && !out.empty() && out.back() == ' ') out.pop_back();
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<std::string> AggSpec::split(std::string_view list) {
  std::vector<std::string> items;
  if (list.empty()) return items;
  size_t start = 0;
  scan_outside_literals(list, [&](size_t i, int depth) {
    if (list[i] == ',' && depth == 0) {
      items.emplace_back(trim_blanks(list.substr(start, i - start)));
      start = i + 1;
    }
    return true;
  });
  items.emplace_back(trim_blanks(list.substr(start)));
  return items;
}

std::optional<AggSpec> AggSpec::parse(std::string_view text, std::string& why) {
  AggSpec a;
  a.spec = std::string(text);
  // "... AS NAME": the first " AS " (or " as ") outside the expression.
  std::string_view body = text;
  std::optional<std::string> as_name;
  scan_outside_literals(text, [&](size_t i, int depth) {
    if (depth != 0 || !is_blank(text[i]) || i + 3 >= text.size()) return true;
    std::string_view w = text.substr(i + 1, 2);
    if ((w != "AS" && w != "as") || !is_blank(text[i + 3])) return true;
    body = trim_blanks(text.substr(0, i));
    as_name = std::string(trim_blanks(text.substr(i + 3)));
    return false;
  });
  if (as_name && (as_name->empty() || std::any_of(as_name->begin(), as_name->end(), [](char c) { return is_blank(c); }))) {
    why = "'" + a.spec + "': expected one name after AS";
    return std::nullopt;
  }
  auto finish = [&](std::string column) {
    a.column = as_name ? *as_name : std::move(column);
    return std::optional<AggSpec>(std::move(a));
  };
  if (body == "count") return finish("count");

  size_t paren = body.find('(');
  size_t colon = body.find(':');
  if (paren != std::string_view::npos && (colon == std::string_view::npos || paren < colon)) {
    std::string_view name = body.substr(0, paren);
    std::string suffix;
    if (!read_kind(a, name, true, suffix, why)) return std::nullopt;
    size_t close = std::string_view::npos;
    scan_outside_literals(body, [&](size_t i, int depth) {
      if (i > paren && body[i] == ')' && depth == 1) {
        close = i;
        return false;
      }
      return true;
    });
    if (close != body.size() - 1) {
      why = "'" + a.spec + "': expected " + std::string(name) + "(EXPRESSION)" +
            (close == std::string_view::npos ? ", with its closing ')'" : " and nothing after it");
      return std::nullopt;
    }
    // Parsed untrimmed, so that an error at its end points at the ')'.
    const std::string_view inner = body.substr(paren + 1, close - paren - 1);
    std::string_view arg = trim_blanks(inner);
    if (arg.empty()) {
      if (a.kind != AggKind::kCount) {
        why = "'" + a.spec + "': " + std::string(name) + "() needs an expression";
        return std::nullopt;
      }
      return finish("count");
    }
    try {
      Expr::parse(inner);
    } catch (const ExprSyntaxError& e) {
      const size_t offset = static_cast<size_t>(inner.data() - text.data());
      why = describe_syntax_error("'" + a.spec + "'", text, ExprSyntaxError(e.what(), e.column() + offset));
      return std::nullopt;
    }
    a.expr = std::string(arg);
    // sum(duration_ms) is named as sum:duration_ms is; other expressions
    // by their text.
    const bool path_only =
        (std::isalpha(static_cast<unsigned char>(arg[0])) || arg[0] == '_') &&
        arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") ==
            std::string_view::npos &&
        arg != "true" && arg != "false" && arg != "null";
    if (path_only && a.kind != AggKind::kCount) {
      a.field = FieldPath::parse(arg);  // for its name in Prometheus text, as sum:F's
      if (a.field) return finish(a.field->text() + "_" + suffix);
    }
    return finish(readable_column(body));
  }

  if (colon == std::string_view::npos) {
    why = "'" + a.spec + "': expected count, AGG:FIELD or AGG(EXPRESSION) (" + kAggNames + ")";
    return std::nullopt;
  }
  std::string_view name = body.substr(0, colon);
  auto field = FieldPath::parse(body.substr(colon + 1));
  if (!field) {
    why = "'" + a.spec + "': bad field path";
    return std::nullopt;
  }
  std::string suffix;
  if (!read_kind(a, name, false, suffix, why)) return std::nullopt;
  std::string column = field->text() + "_" + suffix;
  a.field = std::move(field);
  return finish(std::move(column));
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

struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct FieldNeeds {
  bool numeric = false, values = false, sketch = false, distinct = false, rate = false, first = false, last = false;
};

struct FieldAcc {
  uint64_t n = 0;  // numeric values seen
  bool all_int = true;
  int64_t isum = 0;
  std::string big;  // all_int: the exact sum, once it has left int64
  uint64_t held = 0;  // count(EXPR): records where it held
  double dsum = 0;
  double dsum_error = 0;  // Neumaier compensation: sums of costs stay exact
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::vector<double> values;  // exact percentiles
  QuantileSketch sketch;       // --approx percentiles
  std::unordered_set<std::string, KeyHash, std::equal_to<>> distinct;
  uint64_t present = 0, truthy = 0;  // rate: non-null values, successes
  std::string first, last;
  bool has_first = false;
};

// An aggregate's expression: count(EXPR) tests whether it holds, the
// others take its value.
struct ExprSpec {
  std::string text;
  bool predicate = false;
};

// The records where an aggregate's expression gave it nothing.
struct ExprSkips {
  uint64_t absent = 0;  // none of its fields: a record of another kind, not counted as skipped
  uint64_t missing = 0, nulls = 0, non_numbers = 0;
  uint64_t mismatched = 0;  // count(EXPR): comparisons of unlike types
};

// One aggregate input of one record, as extracted.
struct Sample {
  enum class Kind : uint8_t { kAbsent, kMissing, kNull, kNumber, kValue };
  Kind kind = Kind::kAbsent;
  bool numeric = false;  // kNumber: d (and i) read
  bool integer = false;  // written without fraction or exponent
  bool fits = false;     // integer within int64: i
  bool truthy = false;   // rate's success
  bool held = false;     // count(EXPR)
  bool mismatched = false;
  int64_t i = 0;
  double d = 0;
  uint32_t text_begin = 0, text_end = 0;  // in the arena: the JSON text, or an integer's digits
};

struct Group {
  TimeNs bucket = 0;
  std::vector<StatValue> keys;
  uint64_t count = 0;
  std::vector<FieldAcc> fields;
};

void append_value_json(std::string& out, simdjson::dom::element e) {
  std::string_view s;
  if (e.get(s) == simdjson::SUCCESS) append_json_string(out, s);
  else append_json(out, e);
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

  // Notes a name records held at segment `depth` where the field was not.
  void note(size_t depth, std::string_view name) {
    if (name_count == kMaxNames || names[depth].find(name) != names[depth].end()) return;
    names[depth].emplace(name);
    ++name_count;
  }
};

// For a record without the field at `path`: calls f(depth, key) for the
// keys of the object where the path broke off (none when it broke off at
// an array or a scalar).
template <class F>
void each_name_where_missing(const FieldPath& path, simdjson::dom::element record, F&& f) {
  simdjson::dom::element at = record;
  const auto& segments = path.segments();
  for (size_t d = 0; d < segments.size(); ++d) {
    simdjson::dom::object obj;
    if (at.get(obj) != simdjson::SUCCESS) return;
    if (obj.at_key(segments[d]).get(at) == simdjson::SUCCESS) continue;
    for (auto member : obj) f(d, member.key);
    return;
  }
}

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

namespace {
void set_needs(FieldNeeds& n, AggKind kind, bool approx) {
  switch (kind) {
    case AggKind::kSum: case AggKind::kMean: case AggKind::kMin: case AggKind::kMax:
      n.numeric = true;
      break;
    case AggKind::kPercentile:
      n.numeric = true;
      (approx ? n.sketch : n.values) = true;
      break;
    case AggKind::kDistinct: n.distinct = true; break;
    case AggKind::kRate: n.rate = true; break;
    case AggKind::kFirst: n.first = true; break;
    case AggKind::kLast: n.first = n.last = true; break;
    case AggKind::kCount: break;
  }
}
}  // namespace

struct StatsRows::Data {
  std::vector<TimeNs> times;       // per row
  std::vector<uint32_t> key_ends;  // per row: the end of its key in `keys`
  std::string keys;                // the group values' JSON texts, each after a 0x1f
  std::vector<Sample> samples;     // per row, one per input
  std::string arena;               // the samples' texts
  // Per watched field: whether a record of the batch held it, and the
  // names records held where it was missing, until the extractor saw it.
  std::vector<uint8_t> watch_seen;
  std::vector<std::vector<std::pair<uint32_t, std::string>>> watch_names;
};

StatsRows::StatsRows() : d_(std::make_unique<Data>()) {}
StatsRows::~StatsRows() = default;
StatsRows::StatsRows(StatsRows&&) noexcept = default;
StatsRows& StatsRows::operator=(StatsRows&&) noexcept = default;
size_t StatsRows::size() const { return d_->times.size(); }
void StatsRows::clear() {
  d_->times.clear();
  d_->key_ends.clear();
  d_->keys.clear();
  d_->samples.clear();
  d_->arena.clear();
  std::fill(d_->watch_seen.begin(), d_->watch_seen.end(), 0);
  for (auto& names : d_->watch_names) names.clear();
}

struct GroupStats::Impl {
  // What to compute (fixed once built; extractors read it from any thread).
  bool approx = false;
  bool bucketed = false;
  std::vector<FieldPath> group_by;
  std::vector<AggSpec> aggs;
  std::vector<FieldPath> fields;     // distinct aggregate fields (the colon forms)
  std::vector<ExprSpec> exprs;       // distinct aggregate expressions
  std::vector<FieldNeeds> needs;     // per input: fields, then exprs
  std::vector<size_t> agg_field;     // aggregate -> input
  std::vector<const FieldPath*> watch_paths;  // one per distinct group or aggregate field
  std::vector<size_t> group_watch;   // group field -> watch
  std::vector<size_t> field_watch;   // aggregate field -> watch
  size_t inputs() const { return fields.size() + exprs.size(); }

  // The statistics so far.
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t, KeyHash, std::equal_to<>> index;
  std::string key;  // reused
  uint64_t records = 0;
  std::vector<FieldWatch> watches;
  std::vector<ExprSkips> skips;      // per expr
  std::unique_ptr<StatsExtractor> own;  // add()'s
  StatsRows own_rows;

  size_t watch_of(const FieldPath& p) {
    for (size_t i = 0; i < watch_paths.size(); ++i)
      if (watch_paths[i]->text() == p.text()) return i;
    watch_paths.push_back(&p);
    watches.emplace_back(p);
    return watch_paths.size() - 1;
  }

  // An integer value, exactly: `i`, or its text when beyond int64.
  static void add_integer(FieldAcc& acc, std::optional<int64_t> i, std::string_view text) {
    if (!acc.all_int) return;
    int64_t small;
    if (i && acc.big.empty() && !__builtin_add_overflow(acc.isum, *i, &small)) {
      acc.isum = small;
      return;
    }
    char buf[24];
    if (acc.big.empty()) acc.big.assign(buf, std::to_chars(buf, buf + sizeof buf, acc.isum).ptr);
    if (i) text = std::string_view(buf, std::to_chars(buf, buf + sizeof buf, *i).ptr);
    std::string sum;
    // Beyond kMaxExactDigits digits the sum is a double, as any other.
    if (!decimal_arith('+', acc.big, text, sum) || !is_integer_text(sum)) acc.all_int = false;
    acc.big = std::move(sum);
  }

  // A number: its double, and whether it is an integer (add_integer'ed).
  static void add_number(FieldAcc& acc, const FieldNeeds& need, double d, bool integer) {
    if (!integer) acc.all_int = false;
    ++acc.n;
    double t = acc.dsum + d;
    acc.dsum_error += std::fabs(acc.dsum) >= std::fabs(d) ? (acc.dsum - t) + d : (d - t) + acc.dsum;
    acc.dsum = t;
    acc.min = std::min(acc.min, d);
    acc.max = std::max(acc.max, d);
    if (need.values) acc.values.push_back(d);
    if (need.sketch) acc.sketch.add(d);
  }

  // A value's JSON text for distinct, first and last.
  static void add_text(FieldAcc& acc, const FieldNeeds& need, std::string_view text) {
    if (need.distinct && acc.distinct.find(text) == acc.distinct.end()) acc.distinct.emplace(text);
    if (need.first && !acc.has_first) {
      acc.first = text;
      acc.has_first = true;
    }
    if (need.last) acc.last = text;
  }

  // One input of one record into its group's accumulator.
  void insert_sample(FieldAcc& acc, size_t input, const Sample& s, std::string_view arena) {
    const FieldNeeds& need = needs[input];
    const std::string_view text = arena.substr(s.text_begin, s.text_end - s.text_begin);
    const bool expr = input >= fields.size();
    if (expr) {
      ExprSkips& skip = skips[input - fields.size()];
      if (exprs[input - fields.size()].predicate) {
        acc.held += s.held;
        skip.absent += s.kind == Sample::Kind::kAbsent;
        skip.mismatched += s.mismatched;
        return;
      }
      switch (s.kind) {
        case Sample::Kind::kAbsent: ++skip.absent; return;
        case Sample::Kind::kMissing: ++skip.missing; return;
        case Sample::Kind::kNull: ++skip.nulls; return;
        default: break;
      }
      if (need.numeric && !s.numeric) ++skip.non_numbers;
    } else if (s.kind == Sample::Kind::kAbsent) {
      return;
    }
    if (need.numeric && s.numeric) {
      if (s.integer) add_integer(acc, s.fits ? std::optional(s.i) : std::nullopt, text);
      add_number(acc, need, s.d, s.integer);
    }
    if (need.rate && s.kind != Sample::Kind::kNull) {
      ++acc.present;
      acc.truthy += s.truthy;
    }
    if (need.distinct || need.first || need.last) add_text(acc, need, text);
  }

  void insert(const StatsRows& batch, const Bucketer* buckets) {
    const StatsRows::Data& d = *batch.d_;
    const size_t n_inputs = inputs();
    uint32_t key_begin = 0;
    for (size_t r = 0; r < d.times.size(); ++r) {
      ++records;
      const TimeNs bucket = buckets ? buckets->start(d.times[r]) : d.times[r];
      const std::string_view group_key(d.keys.data() + key_begin, d.key_ends[r] - key_begin);
      key_begin = d.key_ends[r];
      key.assign(reinterpret_cast<const char*>(&bucket), sizeof bucket);
      key.append(group_key);
      auto it = index.find(std::string_view(key));
      size_t gi;
      if (it == index.end()) {
        gi = groups.size();
        index.emplace(key, gi);
        Group g;
        g.bucket = bucket;
        for (size_t at = 0; at < group_key.size();) {  // "\x1fJSON\x1fJSON..."
          size_t next = group_key.find('\x1f', at + 1);
          if (next == std::string_view::npos) next = group_key.size();
          g.keys.push_back(json_value(std::string(group_key.substr(at + 1, next - at - 1)), true));
          at = next;
        }
        g.fields.resize(n_inputs);
        groups.push_back(std::move(g));
      } else {
        gi = it->second;
      }
      Group& g = groups[gi];
      ++g.count;
      const Sample* samples = d.samples.data() + r * n_inputs;
      for (size_t in = 0; in < n_inputs; ++in) insert_sample(g.fields[in], in, samples[in], d.arena);
    }
    for (size_t w = 0; w < watches.size() && w < d.watch_seen.size(); ++w) {
      FieldWatch& fw = watches[w];
      if (fw.seen) continue;
      for (const auto& [depth, name] : d.watch_names[w]) fw.note(depth, name);
      if (d.watch_seen[w]) fw.seen = true;
    }
  }

  StatValue result(const Group& g, size_t a) const {
    const AggSpec& spec = aggs[a];
    if (spec.kind == AggKind::kCount && spec.expr.empty()) return number_value(static_cast<double>(g.count));
    const FieldAcc& acc = g.fields[agg_field[a]];
    if (spec.kind == AggKind::kCount) return number_value(static_cast<double>(acc.held));
    auto if_any = [&](double v) { return acc.n ? std::optional<double>(v) : std::nullopt; };
    switch (spec.kind) {
      case AggKind::kSum:
        if (acc.n == 0) return {};
        if (acc.all_int) {
          StatValue v;
          v.json = acc.big.empty() ? std::to_string(acc.isum) : acc.big;
          v.number = acc.big.empty() ? static_cast<double>(acc.isum) : std::strtod(acc.big.c_str(), nullptr);
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

struct StatsExtractor::Impl {
  const GroupStats::Impl& m;
  std::vector<Expr> exprs;  // this thread's copies
  std::vector<uint8_t> seen;  // per watch: a record this extractor read held it
  std::vector<std::unordered_set<std::string, KeyHash, std::equal_to<>>> noted;  // per watch
  std::string scratch;

  explicit Impl(const GroupStats::Impl& stats) : m(stats), seen(stats.watch_paths.size()), noted(seen.size()) {
    for (const ExprSpec& e : m.exprs) exprs.push_back(Expr::parse(e.text));  // AggSpec::parse checked it
  }

  void watch(StatsRows::Data& d, size_t w, bool found, simdjson::dom::element record) {
    if (found) {
      d.watch_seen[w] = 1;
      seen[w] = 1;
      return;
    }
    if (seen[w]) return;
    // A name this extractor sent before reached the statistics first there.
    each_name_where_missing(*m.watch_paths[w], record, [&](size_t depth, std::string_view name) {
      if (noted[w].size() >= FieldWatch::kMaxNames) return;
      std::string key = std::to_string(depth) + ':' + std::string(name);
      if (noted[w].insert(std::move(key)).second) d.watch_names[w].emplace_back(depth, std::string(name));
    });
  }

  Sample text_sample(StatsRows::Data& d) {
    Sample s;
    s.text_begin = static_cast<uint32_t>(d.arena.size());
    d.arena += scratch;
    s.text_end = static_cast<uint32_t>(d.arena.size());
    return s;
  }

  Sample field_sample(StatsRows::Data& d, const FieldNeeds& need, simdjson::dom::element v) {
    scratch.clear();
    const bool text = need.distinct || need.first || need.last;
    if (text) append_value_json(scratch, v);
    Sample s;
    if (v.is_number() && need.numeric) {
      int64_t i;
      uint64_t u;
      if (v.get(i) == simdjson::SUCCESS) {
        s.integer = s.fits = true;
        s.i = i;
        s.d = static_cast<double>(i);
      } else if (v.get(u) == simdjson::SUCCESS) {  // beyond int64: its digits
        s.integer = true;
        s.d = static_cast<double>(u);
        if (!text) {
          char buf[24];
          scratch.assign(buf, std::to_chars(buf, buf + sizeof buf, u).ptr);
        }
      }
      s.numeric = s.integer || v.get(s.d) == simdjson::SUCCESS;
    }
    if (text || (s.integer && !s.fits)) {
      Sample t = text_sample(d);
      s.text_begin = t.text_begin;
      s.text_end = t.text_end;
    }
    s.kind = v.is_null() ? Sample::Kind::kNull : v.is_number() ? Sample::Kind::kNumber : Sample::Kind::kValue;
    s.truthy = need.rate && is_success(v);
    return s;
  }

  Sample expr_sample(StatsRows::Data& d, const FieldNeeds& need, Expr& e, const ExprValue& v) {
    Sample s;
    switch (v.kind) {
      case ExprValue::Kind::kMissing:
        s.kind = e.fields_absent() ? Sample::Kind::kAbsent : Sample::Kind::kMissing;
        return s;
      case ExprValue::Kind::kNull: s.kind = Sample::Kind::kNull; return s;
      case ExprValue::Kind::kNumber: s.kind = Sample::Kind::kNumber; break;
      default: s.kind = Sample::Kind::kValue; break;
    }
    scratch.clear();
    if (v.kind == ExprValue::Kind::kNumber &&
        std::from_chars(v.text.data(), v.text.data() + v.text.size(), s.d).ec == std::errc()) {
      s.numeric = true;
      s.integer = is_integer_text(v.text);
      if (s.integer) {
        auto [end, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), s.i);
        s.fits = ec == std::errc() && end == v.text.data() + v.text.size();
      }
    }
    s.truthy = (v.kind == ExprValue::Kind::kBool && v.boolean) ||
               (v.kind == ExprValue::Kind::kString && (v.text == "success" || v.text == "pass"));
    const bool text = need.distinct || need.first || need.last;
    if (text) {
      if (v.kind == ExprValue::Kind::kString || v.kind == ExprValue::Kind::kTime) append_json_string(scratch, v.text);
      else if (v.kind == ExprValue::Kind::kBool) scratch += v.boolean ? "true" : "false";
      else if (v.kind == ExprValue::Kind::kNumber) scratch += v.text;
      else scratch += json_compact(v.text);  // as the DOM writes containers
    } else if (s.integer && !s.fits) {
      scratch += v.text;
    }
    if (!scratch.empty()) {
      Sample t = text_sample(d);
      s.text_begin = t.text_begin;
      s.text_end = t.text_end;
    }
    return s;
  }

  void extract(simdjson::dom::element record, const RecordView* view, TimeNs time, StatsRows& rows) {
    StatsRows::Data& d = *rows.d_;
    if (d.watch_seen.size() != seen.size()) {
      d.watch_seen.assign(seen.size(), 0);
      d.watch_names.assign(seen.size(), {});
    }
    d.times.push_back(time);
    for (size_t k = 0; k < m.group_by.size(); ++k) {
      d.keys.push_back('\x1f');  // never raw inside JSON text
      auto v = m.group_by[k].find(record);
      if (v) append_value_json(d.keys, *v);
      else d.keys += "null";
      watch(d, m.group_watch[k], v.has_value(), record);
    }
    d.key_ends.push_back(static_cast<uint32_t>(d.keys.size()));
    for (size_t f = 0; f < m.fields.size(); ++f) {
      auto v = m.fields[f].find(record);
      d.samples.push_back(v ? field_sample(d, m.needs[f], *v) : Sample{});
      watch(d, m.field_watch[f], v.has_value(), record);
    }
    for (size_t e = 0; e < exprs.size(); ++e) {
      Expr& x = exprs[e];
      if (m.exprs[e].predicate) {
        const uint64_t before = x.mismatches();
        Sample s;
        s.held = x.matches(*view);
        s.kind = x.fields_absent() ? Sample::Kind::kAbsent : Sample::Kind::kValue;
        s.mismatched = x.mismatches() != before;
        d.samples.push_back(s);
      } else {
        const ExprValue v = x.value(*view);
        d.samples.push_back(expr_sample(d, m.needs[m.fields.size() + e], x, v));
      }
    }
  }
};

StatsExtractor::StatsExtractor(const GroupStats& stats) : impl_(std::make_unique<Impl>(*stats.impl_)) {}
StatsExtractor::~StatsExtractor() = default;
void StatsExtractor::extract(simdjson::dom::element record, const RecordView& view, TimeNs time, StatsRows& rows) {
  impl_->extract(record, &view, time, rows);
}

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
    if (a.field && a.expr.empty()) {
      for (size_t i = 0; i < m.fields.size(); ++i)
        if (m.fields[i].text() == a.field->text()) f = i;
      if (f == m.fields.size()) {
        m.fields.push_back(*a.field);
        m.needs.emplace_back();
      }
      set_needs(m.needs[f], a.kind, approx_percentiles);
    }
    m.agg_field.push_back(f);
  }
  for (size_t a = 0; a < m.aggs.size(); ++a) {
    const AggSpec& spec = m.aggs[a];
    if (spec.expr.empty()) continue;
    const bool predicate = spec.kind == AggKind::kCount;
    size_t e = 0;
    while (e < m.exprs.size() && !(m.exprs[e].text == spec.expr && m.exprs[e].predicate == predicate)) ++e;
    if (e == m.exprs.size()) {
      m.exprs.push_back({spec.expr, predicate});
      m.needs.emplace_back();
    }
    m.agg_field[a] = m.fields.size() + e;
    set_needs(m.needs[m.fields.size() + e], spec.kind, approx_percentiles);
  }
  m.skips.resize(m.exprs.size());
  // The paths are not moved again: watches point at them.
  for (const FieldPath& p : m.group_by) m.group_watch.push_back(m.watch_of(p));
  for (const FieldPath& p : m.fields) m.field_watch.push_back(m.watch_of(p));
}

GroupStats::~GroupStats() = default;

void GroupStats::add(simdjson::dom::element record, TimeNs bucket, const RecordView* view) {
  Impl& m = *impl_;
  if (!m.exprs.empty() && view == nullptr) throw std::logic_error("GroupStats::add: expressions need the record's view");
  if (!m.own) m.own = std::make_unique<StatsExtractor>(*this);
  m.own_rows.clear();
  m.own->impl_->extract(record, view, bucket, m.own_rows);
  m.insert(m.own_rows, nullptr);
}

void GroupStats::insert(const StatsRows& rows, const Bucketer* buckets) { impl_->insert(rows, buckets); }

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
    none.fields.resize(m.fields.size() + m.exprs.size());
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

std::vector<std::string> GroupStats::skipped_values() const {
  const Impl& m = *impl_;
  std::vector<std::string> out;
  if (m.records == 0) return out;
  const std::string of = " of the " + grouped_digits(m.records) + " record" + (m.records == 1 ? "" : "s");
  const std::string where =
      m.records == 1 ? "the one record" : "any of the " + grouped_digits(m.records) + " records";
  for (size_t a = 0; a < m.aggs.size(); ++a) {
    const AggSpec& spec = m.aggs[a];
    if (spec.expr.empty()) continue;
    const size_t e = m.agg_field[a] - m.fields.size();
    const ExprSkips& in = m.skips[e];
    if (in.absent == m.records) {
      out.push_back("--agg '" + spec.spec + "': none of its fields was in " + where);
      continue;
    }
    if (m.exprs[e].predicate) {
      if (in.mismatched)
        out.push_back("--agg '" + spec.spec + "': " + grouped_digits(in.mismatched) + of +
                      " compared values of unlike types (not counted)");
      continue;
    }
    const bool numeric = spec.kind == AggKind::kSum || spec.kind == AggKind::kMean || spec.kind == AggKind::kMin ||
                         spec.kind == AggKind::kMax || spec.kind == AggKind::kPercentile;
    const uint64_t skipped = in.missing + in.nulls + (numeric ? in.non_numbers : 0);
    if (!skipped) continue;
    std::string parts;
    auto part = [&](uint64_t n, const char* what) {
      if (!n) return;
      parts += (parts.empty() ? "" : ", ") + grouped_digits(n) + " " + what;
    };
    part(in.missing, "without a value");
    part(in.nulls, "null");
    if (numeric) part(in.non_numbers, "not a number");
    out.push_back("--agg '" + spec.spec + "': skipped " + grouped_digits(skipped) + of + " (" + parts + ")");
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
