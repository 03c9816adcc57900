// DORA metrics: intake, resolution and per-window computation.
//
// Memory: every retained event is a small fixed-size struct in a
// MappedArray (deployment 24 bytes, change 16, incident 32, plus 16 per
// entry of a deployment's "changes" list). Strings that repeat (services,
// group values) are interned; ids are only joined on, so they are kept as
// XXH3-64 hashes: with n distinct ids, the chance that two of them collide
// is about n^2 / 2^65 (3e-6 for ten million ids), and a collision can at
// worst attach one change or incident to the wrong deployment.
#include "dora/dora.hpp"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "core/percentile.hpp"
#include "core/record_time.hpp"

namespace ndj::dora {

namespace {

enum Field : uint32_t {
  kType,
  kId,
  kTime,
  kService,
  kStatus,
  kChanges,
  kChangeType,
  kUnplanned,
  kDeploymentId,
  kDeployedAt,
  kCompletedAt,
  kResolvedAt,
  kCommittedAt,
  kStartedAt,
  kFieldCount
};

constexpr uint32_t kNoService = UINT32_MAX;
constexpr uint32_t kNoDeployment = UINT32_MAX;
constexpr const char* kTimeHint = " (RFC 3339, or a number with --epoch)";

// Spreads the field names a record is searched for over 256 buckets.
size_t bucket_of(std::string_view key) {
  return (key.size() * 131 + static_cast<unsigned char>(key[0]) * 31 +
          static_cast<unsigned char>(key.back())) & 255;
}

// Field names are short: comparing them a word at a time (the last word
// overlapping the one before) beats a byte loop and a call to memcmp.
bool same_name(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  auto word = [](const char* p) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  auto half = [](const char* p) {
    uint32_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8)
      if (word(a.data() + i) != word(b.data() + i)) return false;
    return word(a.data() + n - 8) == word(b.data() + n - 8);
  }
  if (n >= 4) return half(a.data()) == half(b.data()) && half(a.data() + n - 4) == half(b.data() + n - 4);
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

uint64_t hash_id(std::string_view s) {
  uint64_t h = XXH3_64bits(s.data(), s.size());
  return h ? h : 1;  // 0 means "no id"
}

// Insertion sort, given up (the range left in some order) once it has
// moved elements more than `budget` places: linear on nearly sorted input.
template <class It, class Less>
bool insertion_sort(It first, It last, Less less, size_t budget) {
  if (first == last) return true;
  size_t moves = 0;
  for (It i = first + 1; i != last; ++i) {
    if (!less(*i, *(i - 1))) continue;
    auto held = *i;
    It j = i;
    do {
      *j = *(j - 1);
      --j;
      ++moves;
    } while (j != first && less(held, *(j - 1)));
    *j = held;
    if (moves > budget) return false;
  }
  return true;
}

}  // namespace

const std::vector<std::string>& canonical_fields() {
  static const std::vector<std::string> names = {
      "type",       "id",          "time",          "service",     "status",      "changes",
      "change_type", "unplanned", "deployment_id", "deployed_at", "completed_at", "resolved_at",
      "committed_at", "started_at"};
  return names;
}

const char* event_type_name(EventType t) {
  switch (t) {
    case EventType::kDeployment: return "deployment";
    case EventType::kChange: return "change";
    case EventType::kIncident: return "incident";
    case EventType::kWorkStart: return "work_start";
    case EventType::kWorkEnd: return "work_end";
    default: return "record";
  }
}

std::optional<EventType> parse_event_type(std::string_view name) {
  for (auto t : {EventType::kDeployment, EventType::kChange, EventType::kIncident, EventType::kWorkStart,
                 EventType::kWorkEnd})
    if (name == event_type_name(t)) return t;
  return std::nullopt;
}

std::vector<std::string> Schema::input_names(EventType t, const std::string& name) const {
  if (t != EventType::kOther)
    if (auto it = renames.find(std::string(event_type_name(t)) + "." + name); it != renames.end()) return it->second;
  auto it = renames.find(name);
  return it == renames.end() ? std::vector<std::string>{name} : it->second;
}

namespace {

// Runs work(part) for every part in [0, parts), each on its own thread (the
// calling thread takes part 0), and returns when all are done (also when a
// thread cannot be started). The work must not throw.
template <class Work>
void run_parts(unsigned parts, Work work) {
  std::vector<std::jthread> others;
  for (unsigned p = 1; p < parts; ++p) others.emplace_back([&work, p] { work(p); });
  work(0);
}

// Work on fewer items stays on one thread.
constexpr size_t kSplitFrom = size_t{1} << 16;

// Part p of n items split in `parts`: [begin, end).
std::pair<size_t, size_t> part_of(size_t n, unsigned p, unsigned parts) {
  return {n * p / parts, n * (p + 1) / parts};
}

// Below this many values nth_element is cheap; above, a histogram is.
constexpr size_t kHistogramFrom = size_t{1} << 16;

// The values at `ranks` (ascending) of the large `v`, which is left as it
// is: a histogram of the values' top bits (from the minimum) gives each
// rank's bucket, then only the values of those buckets are selected among.
// Two passes over v instead of nth_element's moves, several ranks at once.
std::vector<int64_t> ranked_values(std::span<const int64_t> v, int64_t min, int64_t max,
                                   const std::vector<size_t>& ranks) {
  const uint64_t range = static_cast<uint64_t>(max) - static_cast<uint64_t>(min);
  const int shift = std::max(0, static_cast<int>(std::bit_width(range)) - 16);
  auto bucket_of = [&](int64_t x) { return (static_cast<uint64_t>(x) - static_cast<uint64_t>(min)) >> shift; };
  std::vector<uint64_t> count(static_cast<size_t>(range >> shift) + 1);
  for (int64_t x : v) ++count[bucket_of(x)];
  std::vector<uint64_t> buckets;     // distinct, ascending
  std::vector<size_t> held_in, within;  // per rank: its bucket's index there, its rank inside it
  uint64_t b = 0;
  size_t below = 0;
  for (size_t r : ranks) {
    while (below + count[b] <= r) below += count[b++];
    if (buckets.empty() || buckets.back() != b) buckets.push_back(b);
    held_in.push_back(buckets.size() - 1);
    within.push_back(r - below);
  }
  std::vector<std::vector<int64_t>> held(buckets.size());
  for (size_t k = 0; k < buckets.size(); ++k) held[k].reserve(count[buckets[k]]);
  for (int64_t x : v) {
    const uint64_t bx = bucket_of(x);
    for (size_t k = 0; k < buckets.size(); ++k)
      if (bx == buckets[k]) held[k].push_back(x);
  }
  std::vector<int64_t> out;
  for (size_t i = 0; i < ranks.size(); ++i) {
    auto& h = held[held_in[i]];
    std::nth_element(h.begin(), h.begin() + static_cast<long>(within[i]), h.end());
    out.push_back(h[within[i]]);
  }
  return out;
}

}  // namespace

Distribution summarize_hours(std::span<int64_t> ns) {
  Distribution d;
  d.n = ns.size();
  if (ns.empty()) return d;
  __int128 sum = 0;
  int64_t min = ns[0], max = ns[0];
  for (int64_t x : ns) {
    sum += x;
    min = std::min(min, x);
    max = std::max(max, x);
  }
  const double hour = static_cast<double>(kNsPerHour);
  d.mean = static_cast<double>(static_cast<long double>(sum) / ns.size()) / hour;
  if (ns.size() < kHistogramFrom || min == max) {
    d.median = percentile_cont(ns, 50) / hour;
    // Selecting the median left the values after its rank at or above it.
    const size_t after_median = percentile_rank(ns.size(), 50).lower + 1;
    d.p90 = percentile_cont(ns, 90, percentile_rank(ns.size(), 90).lower >= after_median ? after_median : 0) / hour;
    return d;
  }
  // The ranks both percentiles interpolate between, ascending.
  const PercentileRank median = percentile_rank(ns.size(), 50), p90 = percentile_rank(ns.size(), 90);
  std::vector<size_t> ranks;
  for (const PercentileRank& p : {median, p90})
    for (size_t r : {p.lower, p.lower + 1})
      if (r < ns.size() && (ranks.empty() || ranks.back() < r)) ranks.push_back(r);
  const std::vector<int64_t> at = ranked_values(ns, min, max, ranks);
  auto value_at = [&](size_t r) { return at[static_cast<size_t>(std::find(ranks.begin(), ranks.end(), r) - ranks.begin())]; };
  d.median = interpolate(median, value_at) / hour;
  d.p90 = interpolate(p90, value_at) / hour;
  return d;
}

namespace {

enum class Got { kAbsent, kOk, kBad };

// A timestamp field: RFC 3339 text, or a number in the --epoch unit.
Got read_time(simdjson::dom::element v, bool present, const std::optional<EpochUnit>& epoch,
              TimeNs& out) {
  if (!present || v.is_null()) return Got::kAbsent;
  return read_time_value(v, epoch, out) == TimeValue::kTime ? Got::kOk : Got::kBad;
}

// An id: a string, or an integer read as its decimal text.
Got read_id(simdjson::dom::element v, bool present, uint64_t& out) {
  if (!present || v.is_null()) return Got::kAbsent;
  std::string_view s;
  if (!v.get_string().get(s)) {
    out = hash_id(s);
    return Got::kOk;
  }
  int64_t i;
  uint64_t u;
  char buf[24];
  char* end;
  if (!v.get_int64().get(i)) end = std::to_chars(buf, buf + sizeof buf, i).ptr;
  else if (!v.get_uint64().get(u)) end = std::to_chars(buf, buf + sizeof buf, u).ptr;
  else return Got::kBad;
  out = hash_id(std::string_view(buf, static_cast<size_t>(end - buf)));
  return Got::kOk;
}

// Group key: per field a marker (absent, string, other JSON), the length
// and the bytes (a string's content, or the JSON text), so no two keys
// collide and the key alone gives the group's values.
enum : char { kAbsentValue = '\0', kStringValue = '\1', kJsonValue = '\2' };

void append_key_value(std::string& key, char marker, std::string_view bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  key.push_back(marker);
  key.append(reinterpret_cast<const char*>(&n), sizeof n).append(bytes);
}

std::vector<GroupValue> group_values(std::string_view key) {
  std::vector<GroupValue> values;
  while (!key.empty()) {
    const char marker = key[0];
    uint32_t n;
    std::memcpy(&n, key.data() + 1, sizeof n);
    const std::string_view bytes = key.substr(1 + sizeof n, n);
    key.remove_prefix(1 + sizeof n + n);
    GroupValue v;
    v.present = marker != kAbsentValue;
    if (marker == kJsonValue) {
      v.json = v.text = bytes;
    } else if (marker == kStringValue) {
      // What simdjson::minify writes for this string element.
      simdjson::internal::mini_formatter json;
      json.string(bytes);
      v.json = json.str();
      v.text = bytes;
    }
    values.push_back(std::move(v));
  }
  return values;
}

}  // namespace

uint32_t EventReader::slot_named(const std::string& name) {
  for (uint32_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].name == name) return i;
  slots_.push_back({name, {}, false});
  return static_cast<uint32_t>(slots_.size() - 1);
}

std::vector<EventReader::Test> EventReader::tests_of(const Schema& schema, EventType t,
                                                     const std::vector<Condition>& conditions) {
  std::vector<Test> tests;
  simdjson::dom::parser parser;
  for (const Condition& c : conditions) {
    Test test;
    for (const auto& input : schema.input_names(t, c.field)) test.slots.push_back(slot_named(input));
    for (const auto& v : c.values) {
      std::string_view str;
      // Values were checked when the definitions were read.
      if (!parser.parse(v).get_string().get(str)) test.strings.emplace_back(str);
      else test.others.push_back(v);
    }
    tests.push_back(std::move(test));
  }
  return tests;
}

namespace {

// Whether `value` is one of the test's values.
bool is_one_of(simdjson::dom::element value, const std::vector<std::string>& strings,
               const std::vector<std::string>& others) {
  std::string_view str;
  if (!value.get_string().get(str)) return std::find(strings.begin(), strings.end(), str) != strings.end();
  if (others.empty()) return false;
  // true, false and null, the usual flags, without building their text.
  bool b;
  const std::string json = !value.get_bool().get(b) ? (b ? "true" : "false")
                           : value.is_null()        ? "null"
                                                    : simdjson::minify(value);
  return std::find(others.begin(), others.end(), json) != others.end();
}

}  // namespace

bool EventReader::any_holds(const std::vector<Test>& tests) const {
  for (const Test& t : tests) {
    const Slot* s = nullptr;
    for (uint32_t i : t.slots)
      if (slots_[i].present) {
        s = &slots_[i];
        break;
      }
    if (!s) continue;
    if (is_one_of(s->value, t.strings, t.others)) return true;
    // A list of labels holds a value when one of its elements is it.
    simdjson::dom::array list;
    if (!s->value.get_array().get(list))
      for (auto element : list)
        if (is_one_of(element, t.strings, t.others)) return true;
  }
  return false;
}

const EventReader::Slot& EventReader::at(uint32_t f) const {
  const auto [begin, end] = table_[f];
  if (end - begin > 1)
    for (uint32_t i = begin; i < end; ++i)
      if (slots_[slot_lists_[i]].present) return slots_[slot_lists_[i]];
  return slots_[slot_lists_[begin]];
}

EventReader::EventReader(const Schema& schema, TimeNs keep_from, TimeNs as_of, TimeNs window_since)
    : epoch_(schema.epoch), keep_from_(keep_from), as_of_(as_of), window_since_(window_since), defs_(schema.defs) {
  group_fields_ = schema.group_by.size();
  for (size_t t = 0; t < kEventTypeCount; ++t) {
    const auto type = static_cast<EventType>(t);
    auto add = [&](const std::string& name) {
      const auto begin = static_cast<uint32_t>(slot_lists_.size());
      for (const auto& input : schema.input_names(type, name)) slot_lists_.push_back(slot_named(input));
      field_slots_[t].emplace_back(begin, static_cast<uint32_t>(slot_lists_.size()));
    };
    for (const auto& name : canonical_fields()) add(name);
    for (const auto& name : schema.group_by) add(name);
  }
  failed_when_ = tests_of(schema, EventType::kDeployment, defs_.failed_when);
  incidents_when_ = tests_of(schema, EventType::kIncident, defs_.incidents_when);
  emergency_when_ = tests_of(schema, EventType::kDeployment, defs_.emergency_when);
  rework_when_ = tests_of(schema, defs_.rework_counts_changes ? EventType::kChange : EventType::kDeployment,
                          defs_.rework_when);
  // Slot indexes bucket by bucket: bucket b is bucket_slots_[bucket_begin_[b], bucket_begin_[b+1]).
  std::array<std::vector<uint32_t>, 256> buckets;
  for (uint32_t i = 0; i < slots_.size(); ++i)
    if (!slots_[i].name.empty()) buckets[bucket_of(slots_[i].name)].push_back(i);
  for (size_t b = 0; b < buckets.size(); ++b) {
    bucket_begin_[b] = static_cast<uint32_t>(bucket_slots_.size());
    bucket_slots_.insert(bucket_slots_.end(), buckets[b].begin(), buckets[b].end());
  }
  bucket_begin_[buckets.size()] = static_cast<uint32_t>(bucket_slots_.size());
  type_values_ = {{"deployment", EventType::kDeployment},
                  {"change", EventType::kChange},
                  {"incident", EventType::kIncident}};
  type_values_.insert(type_values_.end(), schema.type_values.begin(), schema.type_values.end());
  status_values_ = schema.status_values;
}

std::optional<std::string> EventReader::read(simdjson::dom::element record, IntakeBatch& out) {
  ++out.counts_.records;
  simdjson::dom::object obj;
  if (record.get_object().get(obj)) return std::nullopt;
  for (auto& s : slots_) s.present = false;
  for (auto field : obj) {
    const std::string_view key = field.key;
    if (key.empty()) continue;
    const size_t b = bucket_of(key);
    for (uint32_t k = bucket_begin_[b]; k < bucket_begin_[b + 1]; ++k) {
      Slot& s = slots_[bucket_slots_[k]];
      // No break: two names may be mapped to one field.
      if (same_name(s.name, key)) {
        s.value = field.value;
        s.present = true;
      }
    }
  }
  table_ = field_slots_[0].data();
  const Slot& type = at(kType);
  std::string_view type_value;
  if (!type.present || type.value.get_string().get(type_value)) return std::nullopt;
  EventType t = EventType::kOther;
  for (const auto& [value, type_of] : type_values_)
    if (same_name(value, type_value)) t = type_of;
  // Records the definitions in force do not use are other records.
  switch (t) {
    case EventType::kOther: return std::nullopt;
    case EventType::kChange:
      if (!defs_.lead_from_changes && !defs_.rework_counts_changes) return std::nullopt;
      break;
    case EventType::kWorkStart:
    case EventType::kWorkEnd:
      if (!defs_.lead_from_work_units) return std::nullopt;
      break;
    default: break;
  }
  table_ = field_slots_[static_cast<size_t>(t)].data();
  if (t == EventType::kIncident && !incidents_when_.empty() && !any_holds(incidents_when_)) return std::nullopt;

  TimeNs time = 0;
  switch (read_time(at(kTime).value, at(kTime).present, epoch_, time)) {
    case Got::kAbsent: return std::string(event_type_name(t)) + ": missing \"" + at(kTime).name + "\"";
    case Got::kBad: return std::string(event_type_name(t)) + ": bad timestamp in \"" + at(kTime).name + "\"" + kTimeHint;
    case Got::kOk: break;
  }
  auto why = t == EventType::kDeployment ? read_deployment(time, out)
             : t == EventType::kChange   ? read_change(time, out)
             : t == EventType::kIncident ? read_incident(time, out)
                                         : read_work(t, time, out);
  if (why) return why;
  InputCounts& c = out.counts_;
  ++c.events;
  c.in_window += time >= window_since_ && time < as_of_;
  if (t == EventType::kDeployment) {
    ++c.deployments;
    c.first_deployment = std::min(c.first_deployment, time);
    c.last_deployment = std::max(c.last_deployment, time);
  }
  return std::nullopt;
}

IntakeBatch::Entry& EventReader::start_entry(IntakeBatch& out, IntakeBatch::Kind kind, TimeNs time) {
  IntakeBatch::Entry& e = out.entries_.emplace_back();
  e = {};
  e.kind = kind;
  e.time = time;
  e.text = static_cast<uint32_t>(out.text_.size());
  return e;
}

void EventReader::add_service(IntakeBatch& out, IntakeBatch::Entry& e, std::string_view s) {
  e.has_service = true;
  e.service_size = static_cast<uint32_t>(s.size());
  e.service_hash = XXH3_64bits(s.data(), s.size());
  out.text_.append(s);
}

void IntakeBatch::append(Entry e, std::string_view service, std::string_view group_key,
                         std::span<const uint64_t> changes) {
  e.text = static_cast<uint32_t>(text_.size());
  e.service_size = static_cast<uint32_t>(service.size());
  e.service_hash = e.has_service ? XXH3_64bits(service.data(), service.size()) : 0;
  e.group_size = static_cast<uint32_t>(group_key.size());
  e.group_hash = XXH3_64bits(group_key.data(), group_key.size());
  text_.append(service).append(group_key);
  e.changes = static_cast<uint32_t>(change_ids_.size());
  e.changes_size = static_cast<uint32_t>(changes.size());
  change_ids_.insert(change_ids_.end(), changes.begin(), changes.end());
  entries_.push_back(e);
}

void EventReader::add_group_key(IntakeBatch& out, IntakeBatch::Entry& e) {
  if (group_fields_ == 0) return;
  const size_t begin = out.text_.size();
  for (uint32_t i = 0; i < group_fields_; ++i) {
    const Slot& s = at(kFieldCount + i);
    std::string_view str;
    if (!s.present) append_key_value(out.text_, kAbsentValue, {});
    else if (!s.value.get_string().get(str)) append_key_value(out.text_, kStringValue, str);
    else append_key_value(out.text_, kJsonValue, simdjson::minify(s.value));
  }
  e.group_size = static_cast<uint32_t>(out.text_.size() - begin);
  e.group_hash = XXH3_64bits(out.text_.data() + begin, e.group_size);
}

std::optional<std::string> EventReader::read_deployment(TimeNs time, IntakeBatch& out) {
  auto bad = [&](Field f, const char* what) {
    return "deployment: " + std::string(what) + " \"" + at(f).name + "\"";
  };
  uint64_t id = 0;
  if (read_id(at(kId).value, at(kId).present, id) == Got::kBad) return bad(kId, "bad id in");
  bool succeeded = true, failed = false, unplanned = false;
  if (at(kStatus).present && !at(kStatus).value.is_null()) {
    const char* expected = status_values_.empty() ? "status must be success, failure or rolled_back in"
                                                  : "status must be success, failure, rolled_back or a --status-value in";
    std::string_view st;
    if (at(kStatus).value.get_string().get(st)) return bad(kStatus, expected);
    for (const auto& [input, status] : status_values_)
      if (st == input) st = status;
    if (st == "failure" || st == "rolled_back") {
      succeeded = false;
      failed = true;
    } else if (st != "success") {
      return bad(kStatus, expected);
    }
  }
  if (at(kUnplanned).present && !at(kUnplanned).value.is_null()) {
    bool b;
    if (at(kUnplanned).value.get_bool().get(b)) return bad(kUnplanned, "expected true or false in");
  }
  if (at(kChangeType).present && !at(kChangeType).value.is_null()) {
    std::string_view ct;
    if (at(kChangeType).value.get_string().get(ct)) return bad(kChangeType, "expected a string in");
  }
  // Failed, as an incident makes it: still a deployment that succeeded.
  failed = failed || any_holds(failed_when_);
  if (!defs_.rework_counts_changes) unplanned = any_holds(rework_when_);
  std::string_view service;
  const bool has_service = at(kService).present && !at(kService).value.is_null();
  if (has_service && at(kService).value.get_string().get(service)) return bad(kService, "expected a string in");
  TimeNs started = 0;
  Got start = Got::kAbsent;
  if (defs_.lead_from_deployments) {
    start = read_time(at(kStartedAt).value, at(kStartedAt).present, epoch_, started);
    if (start == Got::kBad) return "deployment: bad timestamp in \"" + at(kStartedAt).name + "\"" + kTimeHint;
  }
  simdjson::dom::array changes;
  bool has_changes = at(kChanges).present && !at(kChanges).value.is_null();
  const size_t changes_begin = out.change_ids_.size();
  if (has_changes) {
    if (at(kChanges).value.get_array().get(changes)) return bad(kChanges, "expected an array of ids in");
    for (auto c : changes) {
      uint64_t h;
      if (read_id(c, true, h) != Got::kOk) {
        out.change_ids_.resize(changes_begin);
        return bad(kChanges, "expected an array of ids in");
      }
      out.change_ids_.push_back(h);
    }
  }
  if (time >= as_of_ || (time < keep_from_ && group_fields_ == 0)) {
    out.change_ids_.resize(changes_begin);
    return std::nullopt;
  }
  // Before the windows, a deployment counts in no metric, but an incident
  // linked to it takes its group: it is kept, without its changes.
  if (time < keep_from_) {
    out.change_ids_.resize(changes_begin);
    has_changes = false;
  }
  IntakeBatch::Entry& e = start_entry(out, IntakeBatch::Kind::kDeployment, time);
  e.id = id;
  e.succeeded = succeeded;
  e.failed = failed;
  e.unplanned = unplanned;
  e.emergency = defs_.recovery_from_emergency_pairs && any_holds(emergency_when_);
  if (has_service) add_service(out, e, service);
  e.has_changes = has_changes;
  e.changes = static_cast<uint32_t>(changes_begin);
  e.changes_size = static_cast<uint32_t>(out.change_ids_.size() - changes_begin);
  add_group_key(out, e);
  // Its own lead time, as a change deployed by itself (successful ones only).
  if (start == Got::kOk && succeeded && time >= keep_from_) {
    IntakeBatch::Entry& self = start_entry(out, IntakeBatch::Kind::kSelfDeployedChange, started);
    self.until = time;
    add_group_key(out, self);
  }
  return std::nullopt;
}

bool EventReader::authored_when_committed(TimeNs time) const {
  const Slot& committed = at(kCommittedAt);
  if (!committed.present) return false;
  // ndj-git writes both alike: the same text is the same second, unparsed.
  std::string_view a, b;
  if (!at(kTime).value.get_string().get(a) && !committed.value.get_string().get(b) && a == b) return true;
  TimeNs at;
  if (read_time(committed.value, true, epoch_, at) != Got::kOk) return false;
  auto second = [](TimeNs t) { return t / kNsPerSec - (t % kNsPerSec < 0); };
  return second(at) == second(time);
}

std::optional<std::string> EventReader::read_change(TimeNs time, IntakeBatch& out) {
  if (defs_.rework_counts_changes && any_holds(rework_when_)) {
    uint64_t key = 0;
    Got dep = read_id(at(kDeploymentId).value, at(kDeploymentId).present, key);
    if (dep == Got::kBad) return "change: bad id in \"" + at(kDeploymentId).name + "\"";
    if (dep == Got::kOk) start_entry(out, IntakeBatch::Kind::kReworkChange, time).id = key;
  }
  if (!defs_.lead_from_changes) return std::nullopt;
  TimeNs deployed_at = 0;
  Field at_field = kDeployedAt;
  Got got = read_time(at(kDeployedAt).value, at(kDeployedAt).present, epoch_, deployed_at);
  if (got == Got::kAbsent) {
    at_field = kCompletedAt;
    got = read_time(at(kCompletedAt).value, at(kCompletedAt).present, epoch_, deployed_at);
  }
  if (got == Got::kBad) return "change: bad timestamp in \"" + at(at_field).name + "\"" + kTimeHint;
  if (got == Got::kOk) {
    if (deployed_at >= keep_from_ && deployed_at < as_of_) {
      IntakeBatch::Entry& e = start_entry(out, IntakeBatch::Kind::kSelfDeployedChange, time);
      e.until = deployed_at;
      e.at_commit = authored_when_committed(time);
      add_group_key(out, e);
    }
    return std::nullopt;
  }
  uint64_t key = 0;
  Got dep = read_id(at(kDeploymentId).value, at(kDeploymentId).present, key);
  if (dep == Got::kBad) return "change: bad id in \"" + at(kDeploymentId).name + "\"";
  if (dep == Got::kOk) {
    IntakeBatch::Entry& e = start_entry(out, IntakeBatch::Kind::kChangeByDeployment, time);
    e.id = key;
    e.at_commit = authored_when_committed(time);
    return std::nullopt;
  }
  Got own = read_id(at(kId).value, at(kId).present, key);
  if (own == Got::kBad) return "change: bad id in \"" + at(kId).name + "\"";
  if (own == Got::kAbsent)
    return "change: missing \"" + at(kDeploymentId).name + "\", \"" + at(kId).name +
           "\" and \"" + at(kDeployedAt).name + "\"";
  IntakeBatch::Entry& e = start_entry(out, IntakeBatch::Kind::kChangeById, time);
  e.id = key;
  e.at_commit = authored_when_committed(time);
  return std::nullopt;
}

std::optional<std::string> EventReader::read_incident(TimeNs time, IntakeBatch& out) {
  TimeNs resolved = kNever;
  switch (read_time(at(kResolvedAt).value, at(kResolvedAt).present, epoch_, resolved)) {
    case Got::kBad: return "incident: bad timestamp in \"" + at(kResolvedAt).name + "\"" + kTimeHint;
    case Got::kOk:
      if (resolved < time)
        return "incident: \"" + at(kResolvedAt).name + "\" is before \"" + at(kTime).name + "\"";
      break;
    case Got::kAbsent: break;
  }
  uint64_t deployment = 0;
  if (read_id(at(kDeploymentId).value, at(kDeploymentId).present, deployment) == Got::kBad)
    return "incident: bad id in \"" + at(kDeploymentId).name + "\"";
  std::string_view service;
  const bool has_service = at(kService).present && !at(kService).value.is_null();
  if (has_service && at(kService).value.get_string().get(service))
    return "incident: expected a string in \"" + at(kService).name + "\"";
  if (time >= as_of_) return std::nullopt;
  if (resolved >= as_of_) resolved = kNever;  // not resolved yet as of --until
  // Resolved before the window, it matters only through the deployment it names.
  if (resolved < keep_from_ && deployment == 0) return std::nullopt;
  IntakeBatch::Entry& e = start_entry(out, IntakeBatch::Kind::kIncident, time);
  e.until = resolved;
  e.id = deployment;
  if (has_service) add_service(out, e, service);
  add_group_key(out, e);
  return std::nullopt;
}

std::optional<std::string> EventReader::read_work(EventType t, TimeNs time, IntakeBatch& out) {
  uint64_t id = 0;
  switch (read_id(at(kId).value, at(kId).present, id)) {
    case Got::kAbsent: return std::string(event_type_name(t)) + ": missing \"" + at(kId).name + "\"";
    case Got::kBad: return std::string(event_type_name(t)) + ": bad id in \"" + at(kId).name + "\"";
    case Got::kOk: break;
  }
  // A start counts however long ago; an end only in the windows.
  if (time >= as_of_ || (t == EventType::kWorkEnd && time < keep_from_)) return std::nullopt;
  const bool end = t == EventType::kWorkEnd;
  IntakeBatch::Entry& e = start_entry(out, end ? IntakeBatch::Kind::kWorkEnd : IntakeBatch::Kind::kWorkStart, time);
  e.id = id;
  if (end) add_group_key(out, e);
  return std::nullopt;
}

EventStore::EventStore(Schema schema, TimeNs keep_from, TimeNs as_of, std::optional<TimeNs> window_since)
    : schema_(std::move(schema)), reader_(schema_, keep_from, as_of, window_since.value_or(keep_from)) {
  if (schema_.group_by.empty()) {  // the one group of everything
    groups_.emplace_back();
    shown_begin_.push_back(1);
    shown_.push_back(0);
  }
}

std::optional<std::string> EventStore::add(simdjson::dom::element record) {
  one_.clear();
  auto why = reader_.read(record, one_);
  insert(one_);
  return why;
}

std::pair<uint32_t, bool> EventStore::StringIds::intern(std::string_view s, uint64_t hash) {
  const auto id = static_cast<uint32_t>(size());
  if (4 * (id + 1) > 3 * table_.size()) {
    std::vector<Slot> table(std::max<size_t>(16, 2 * table_.size()), Slot{0, UINT32_MAX});
    const size_t mask = table.size() - 1;
    for (const Slot& old : table_) {
      if (old.id == UINT32_MAX) continue;
      size_t i = old.hash & mask;
      while (table[i].id != UINT32_MAX) i = (i + 1) & mask;
      table[i] = old;
    }
    table_ = std::move(table);
  }
  const size_t mask = table_.size() - 1;
  size_t i = hash & mask;
  for (; table_[i].id != UINT32_MAX; i = (i + 1) & mask) {
    const Slot& slot = table_[i];
    if (slot.hash == hash &&
        std::string_view(bytes_).substr(begin_[slot.id], begin_[slot.id + 1] - begin_[slot.id]) == s)
      return {slot.id, false};
  }
  table_[i] = {hash, id};
  bytes_.append(s);
  begin_.push_back(bytes_.size());
  return {id, true};
}

namespace {

// The keys a raw group key shows as: a value that is a JSON array counts
// as each of its distinct elements (strings as strings), an empty array as
// no value; with several such fields, every combination.
std::vector<std::string> shown_keys(std::string_view key) {
  std::vector<std::string> keys{std::string()};
  simdjson::dom::parser parser;
  while (!key.empty()) {
    uint32_t n;
    std::memcpy(&n, key.data() + 1, sizeof n);
    const std::string_view whole = key.substr(0, 1 + sizeof n + n);
    const std::string_view bytes = whole.substr(1 + sizeof n);
    key.remove_prefix(whole.size());
    std::vector<std::string> values;
    simdjson::dom::array array;
    if (whole[0] != kJsonValue || bytes.empty() || bytes[0] != '[' || parser.parse(bytes).get_array().get(array)) {
      values.emplace_back(whole);
    } else {
      for (simdjson::dom::element e : array) {
        std::string v;
        std::string_view str;
        if (!e.get_string().get(str)) append_key_value(v, kStringValue, str);
        else append_key_value(v, kJsonValue, simdjson::minify(e));
        if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(std::move(v));
      }
      if (values.empty()) {
        values.emplace_back();
        append_key_value(values.back(), kAbsentValue, {});
      }
    }
    std::vector<std::string> longer;
    for (const auto& k : keys)
      for (const auto& v : values) longer.push_back(k + v);
    keys = std::move(longer);
  }
  return keys;
}

}  // namespace

uint32_t EventStore::intern_group(std::string_view key, uint64_t hash) {
  if (schema_.group_by.empty()) return 0;
  auto [g, is_new] = group_ids_.intern(key, hash);
  if (!is_new) return g;
  if (g >= (1u << 27)) throw std::length_error("too many groups (more than 2^27)");
  for (const std::string& k : shown_keys(key)) {
    auto [shown, fresh] = shown_ids_.intern(k, XXH3_64bits(k.data(), k.size()));
    if (fresh) groups_.push_back(group_values(k));
    shown_.push_back(shown);
  }
  shown_begin_.push_back(static_cast<uint32_t>(shown_.size()));
  return g;
}

namespace {

// A group key's values one by one: marker, length, bytes.
std::string_view next_key_value(std::string_view& key) {
  uint32_t n;
  std::memcpy(&n, key.data() + 1, sizeof n);
  std::string_view v = key.substr(0, 1 + sizeof n + n);
  key.remove_prefix(v.size());
  return v;
}

bool lacks_value(std::string_view v) {
  return v[0] == kAbsentValue || (v[0] == kJsonValue && v.substr(1 + sizeof(uint32_t)) == "null");
}

}  // namespace

uint32_t EventStore::linked_group(uint32_t incident, uint32_t deployment) {
  if (incident == deployment) return incident;
  std::string_view own = group_ids_.at(incident), theirs = group_ids_.at(deployment);
  std::string key;
  bool changed = false;
  while (!own.empty()) {
    std::string_view mine = next_key_value(own), other = next_key_value(theirs);
    const bool take = lacks_value(mine) && other != mine;
    key.append(take ? other : mine);
    changed |= take;
  }
  return changed ? intern_group(key, XXH3_64bits(key.data(), key.size())) : incident;
}

void EventStore::insert(const IntakeBatch& batch) {
  using Kind = IntakeBatch::Kind;
  input_.add(batch.counts());
  for (const IntakeBatch::Entry& e : batch.entries()) {
    uint32_t service = kNoService;
    if (e.has_service) service = services_.intern(batch.service(e), e.service_hash).first;
    switch (e.kind) {
      case Kind::kDeployment: {
        Deployment d{};
        d.time = e.time;
        d.id = e.id;
        d.service = service;
        d.succeeded = e.succeeded;
        d.failed = e.failed;
        d.unplanned = e.unplanned;
        d.emergency = e.emergency;
        if (d.id == 0 && e.has_changes) {
          // Only its own list names its changes: a key made of all it holds,
          // not of its place in the input, so that any order of the same
          // records (ndj-dora --merge of partials) gives the same store. Two
          // deployments it cannot tell apart are the same to every metric.
          std::string key = "\x1f" "deployment#";
          const char flags[] = {static_cast<char>(e.succeeded), static_cast<char>(e.failed),
                                static_cast<char>(e.unplanned), static_cast<char>(e.emergency),
                                static_cast<char>(e.has_service)};
          key.append(reinterpret_cast<const char*>(&e.time), sizeof e.time).append(flags, sizeof flags);
          key.append(batch.service(e)).push_back('\0');
          key.append(batch.group_key(e));
          const auto changes = batch.change_ids(e);
          key.append(reinterpret_cast<const char*>(changes.data()), changes.size_bytes());
          d.id = hash_id(key);
        }
        for (uint64_t c : batch.change_ids(e)) links_.push_back({c, d.id});
        d.group = intern_group(batch.group_key(e), e.group_hash);
        deployments_.push_back(d);
        break;
      }
      case Kind::kChangeByDeployment: changes_by_deployment_[e.at_commit].push_back({e.time, e.id}); break;
      case Kind::kChangeById: changes_by_id_[e.at_commit].push_back({e.time, e.id}); break;
      case Kind::kSelfDeployedChange:
        self_deployed_.push_back({e.time, e.until, intern_group(batch.group_key(e), e.group_hash), e.at_commit});
        break;
      case Kind::kIncident:
        incidents_.push_back({e.time, e.until, e.id, service, intern_group(batch.group_key(e), e.group_hash)});
        break;
      case Kind::kReworkChange: rework_changes_.push_back(e.id); break;
      case Kind::kWorkStart: work_starts_.push_back({e.time, e.id, 0}); break;
      case Kind::kWorkEnd:
        work_ends_.push_back({e.time, e.id, intern_group(batch.group_key(e), e.group_hash)});
        break;
    }
  }
}


uint32_t EventStore::find_deployment(uint64_t id) const {
  if (by_id_.empty()) return kNoDeployment;
  const size_t mask = by_id_.size() - 1;
  for (size_t i = id & mask;; i = (i + 1) & mask) {
    uint32_t d = by_id_[i];
    if (d == kNoDeployment || deployments_[d].id == id) return d;
  }
}

uint32_t EventStore::latest_deployment_before(uint32_t service, TimeNs t) const {
  const Deployment* first = deployments_.begin() + service_begin_[service];
  const Deployment* last = deployments_.begin() + service_begin_[service + 1];
  auto it = std::upper_bound(first, last, t, [](TimeNs x, const Deployment& d) { return x < d.time; });
  if (it == first) return kNoDeployment;
  return static_cast<uint32_t>(it - 1 - deployments_.begin());
}

// Each lookup is two cache misses (table slot, deployment): start both
// early, the slot 16 changes ahead and the deployment 8 ahead. The changes
// are split between the threads, each compacting its part in place; the
// parts are then closed up, in order.
MappedArray<EventStore::LeadSample> EventStore::join_by_deployment(MappedArray<Change>&& changes,
                                                                   bool at_commit) const {
  const size_t nchanges = changes.size();
  const size_t mask = by_id_.size() - 1;
  const unsigned parts = nchanges >= kSplitFrom ? threads_ : 1;
  std::vector<size_t> kept(parts);
  run_parts(parts, [&](unsigned p) {
    const auto [begin, end] = part_of(nchanges, p, parts);
    size_t at = begin;
    for (size_t i = begin; i < end; ++i) {
      if (i + 16 < end) __builtin_prefetch(&by_id_[changes[i + 16].key & mask]);
      if (i + 8 < end) {
        uint32_t ahead = by_id_[changes[i + 8].key & mask];
        if (ahead != kNoDeployment) __builtin_prefetch(&deployments_[ahead]);
      }
      const Change c = changes[i];
      uint32_t d = find_deployment(c.key);
      if (d == kNoDeployment) continue;
      LeadSample s{deployments_[d].time - c.time, d, at_commit};
      std::memcpy(static_cast<void*>(&changes[at++]), &s, sizeof s);
    }
    kept[p] = at - begin;
  });
  size_t out = kept[0];
  for (unsigned p = 1; p < parts; ++p) {
    const size_t begin = part_of(nchanges, p, parts).first;
    std::memmove(static_cast<void*>(&changes[out]), &changes[begin], kept[p] * sizeof(Change));
    out += kept[p];
  }
  changes.truncate(out);
  return std::move(changes).reinterpret<LeadSample>();
}

// Deployments in (service, time) order: a service's timeline is one run.
// Input mostly comes in time order, so each service's deployments are
// usually in order already: an index is spread over the services (a
// counting sort), each service's run is sorted only when it is not sorted
// yet, and the deployments are then moved to their places in one pass, in
// place. The order is total, so this is the order std::sort would give.
void EventStore::sort_deployments(size_t spare_bytes) {
  const uint32_t nservices = static_cast<uint32_t>(services_.size());
  auto run_of = [nservices](const Deployment& d) { return d.service == kNoService ? nservices : d.service; };
  service_begin_.assign(nservices + 2, 0);
  for (const auto& d : deployments_) ++service_begin_[run_of(d) + 1];
  for (size_t s = 1; s < service_begin_.size(); ++s) service_begin_[s] += service_begin_[s - 1];

  std::vector<uint32_t> order(deployments_.size());
  {
    std::vector<uint32_t> pos(service_begin_.begin(), service_begin_.end() - 1);
    for (uint32_t i = 0; i < deployments_.size(); ++i) order[pos[run_of(deployments_[i])]++] = i;
  }
  auto before = [this](uint32_t x, uint32_t y) {
    const Deployment& a = deployments_[x];
    const Deployment& b = deployments_[y];
    if (a.time != b.time) return a.time < b.time;
    if (a.id != b.id) return a.id < b.id;
    // Equal ids only for deployments without one: order them fully anyway,
    // so the result does not depend on the input order (groups by their
    // key: their numbers are in order of first appearance).
    if (a.group != b.group) return group_ids_.at(a.group) < group_ids_.at(b.group);
    return std::tuple(a.succeeded, a.failed, a.unplanned, a.emergency) <
           std::tuple(b.succeeded, b.failed, b.unplanned, b.emergency);
  };
  for (size_t s = 0; s + 1 < service_begin_.size(); ++s) {
    auto first = order.begin() + service_begin_[s], last = order.begin() + service_begin_[s + 1];
    // Deployments finished in the same second are in any order: a few
    // moves put them right; a run that needs more is sorted.
    if (!insertion_sort(first, last, before, 8 * static_cast<size_t>(last - first)))
      std::sort(first, last, before);
  }
  // Place k takes deployment order[k]. A copy reads the services' runs
  // front to back, where following the cycles of the permutation in place
  // jumps all over the array: copy when memory just freed can hold it, so
  // that the peak does not grow.
  if (spare_bytes >= deployments_.size() * sizeof(Deployment)) {
    MappedArray<Deployment> sorted;
    for (uint32_t i : order) sorted.push_back(deployments_[i]);
    deployments_ = std::move(sorted);
    return;
  }
  // In place, place by place, marking places done by order[k] = k.
  for (uint32_t k = 0; k < order.size(); ++k) {
    if (order[k] == k) continue;
    const Deployment held = deployments_[k];
    uint32_t j = k;
    for (;;) {
      const uint32_t from = order[j];
      order[j] = j;
      if (from == k) {
        deployments_[j] = held;
        break;
      }
      deployments_[j] = deployments_[from];
      j = from;
    }
  }
}

void EventStore::resolve() {
  if (resolved_) return;
  resolved_ = true;
  // Lists matter only for changes without a deployment_id: without such
  // changes, free them before the sort and the id table (the peak of the run).
  size_t freed = 0;
  const bool by_id = !changes_by_id_[0].empty() || !changes_by_id_[1].empty();
  if (!by_id) {
    freed = links_.size() * sizeof(ChangeLink);
    links_.release();
  }
  sort_deployments(freed);

  // A repeated id keeps its first deployment: the earliest, then by the
  // service's name (none last), then in the order of one service's
  // timeline; never by the order of the input (which --merge changes).
  auto first_of_its_id = [this](uint32_t a, uint32_t b) {
    const Deployment& x = deployments_[a];
    const Deployment& y = deployments_[b];
    if (x.time != y.time) return x.time < y.time;
    if (x.service != y.service) {
      if (x.service == kNoService || y.service == kNoService) return y.service == kNoService;
      return services_.at(x.service) < services_.at(y.service);
    }
    return a < b;
  };
  size_t cap = 16;
  while (cap < deployments_.size() + deployments_.size() / 3 + 1) cap *= 2;
  by_id_.assign(cap, kNoDeployment);
  // Slots are random: start loading them 16 deployments ahead, and the
  // deployment a slot holds (whose id a probe compares) 8 ahead.
  const size_t ndeployments = deployments_.size();
  for (uint32_t i = 0; i < ndeployments; ++i) {
    if (i + 16 < ndeployments) __builtin_prefetch(&by_id_[deployments_[i + 16].id & (cap - 1)]);
    if (i + 8 < ndeployments) {
      uint32_t ahead = by_id_[deployments_[i + 8].id & (cap - 1)];
      if (ahead != kNoDeployment) __builtin_prefetch(&deployments_[ahead]);
    }
    uint64_t id = deployments_[i].id;
    if (id == 0) continue;
    size_t slot = id & (cap - 1);
    while (by_id_[slot] != kNoDeployment && deployments_[by_id_[slot]].id != id) slot = (slot + 1) & (cap - 1);
    if (by_id_[slot] == kNoDeployment || first_of_its_id(i, by_id_[slot])) by_id_[slot] = i;
  }

  // Changes named only in their deployment's list; each link becomes a
  // lead-time sample in place.
  size_t out = 0;
  if (by_id) {
    for (auto& changes : changes_by_id_)
      // A repeated change id takes its earliest time, whatever the input order.
      std::sort(changes.begin(), changes.end(),
                [](const Change& a, const Change& b) { return std::tie(a.key, a.time) < std::tie(b.key, b.time); });
    for (size_t i = 0; i < links_.size(); ++i) {
      const ChangeLink link = links_[i];
      for (bool at_commit : {false, true}) {
        const auto& changes = changes_by_id_[at_commit];
        auto c = std::lower_bound(changes.begin(), changes.end(), link.change,
                                  [](const Change& x, uint64_t k) { return x.key < k; });
        if (c == changes.end() || c->key != link.change) continue;
        uint32_t d = find_deployment(link.deployment);
        if (d == kNoDeployment) break;
        LeadSample s{deployments_[d].time - c->time, d, at_commit};
        std::memcpy(static_cast<void*>(&links_[out++]), &s, sizeof s);
        break;
      }
    }
  }
  links_.truncate(out);
  link_samples_ = std::move(links_).reinterpret<LeadSample>();
  for (auto& changes : changes_by_id_) changes.release();

  for (bool at_commit : {false, true})
    change_samples_[at_commit] = join_by_deployment(std::move(changes_by_deployment_[at_commit]), at_commit);

  // Changes that count as rework, on their deployments.
  for (uint64_t key : rework_changes_)
    if (uint32_t d = find_deployment(key); d != kNoDeployment) rework_deployments_.push_back(d);
  rework_changes_ = {};

  // A work unit's lead time runs from the first start of its id to its end.
  std::sort(work_starts_.begin(), work_starts_.end(),
            [](const WorkEvent& a, const WorkEvent& b) { return std::tie(a.id, a.time) < std::tie(b.id, b.time); });
  for (const WorkEvent& end : work_ends_) {
    auto start = std::lower_bound(work_starts_.begin(), work_starts_.end(), end.id,
                                  [](const WorkEvent& w, uint64_t id) { return w.id < id; });
    if (start == work_starts_.end() || start->id != end.id || start->time > end.time) ++unpaired_work_ends_;
    else self_deployed_.push_back({start->time, end.time, end.group, false});
  }
  work_starts_ = {};
  work_ends_ = {};

  // Incidents fail the deployment they name, or else the latest deployment
  // of their service if they opened within the failure window after it
  // (and so before that service's next deployment), and take its values of
  // the grouping fields they lack. Sorted, the pairs give each failed
  // deployment's latest resolved_at (kNever: one is open).
  std::vector<std::pair<uint32_t, TimeNs>> incident_resolution;
  std::unordered_map<uint64_t, uint32_t> linked_groups;  // (incident group, deployment group) -> group
  for (auto& inc : incidents_) {
    const Definitions& defs = schema_.defs;
    uint32_t d = kNoDeployment;
    bool fails = true;
    if (inc.deployment) {
      d = find_deployment(inc.deployment);
      // Linked all the same: it takes the deployment's group.
      if (d != kNoDeployment && defs.linked_within_window) {
        const TimeNs after = inc.opened - deployments_[d].time;
        fails = after >= 0 && after < schema_.failure_window;
      }
    } else if (inc.service != kNoService && defs.service_incidents) {
      d = latest_deployment_before(inc.service, inc.opened);
      if (d != kNoDeployment && inc.opened - deployments_[d].time >= schema_.failure_window) d = kNoDeployment;
    }
    if (d == kNoDeployment) continue;
    if (!schema_.group_by.empty()) {
      const uint64_t pair = uint64_t{inc.group} << 32 | deployments_[d].group;
      auto [it, is_new] = linked_groups.try_emplace(pair, 0);
      if (is_new) it->second = linked_group(inc.group, deployments_[d].group);
      inc.group = it->second;
    }
    if (!fails) continue;
    deployments_[d].failed = 1;
    incident_resolution.emplace_back(d, inc.resolved);
  }
  std::sort(incident_resolution.begin(), incident_resolution.end());
  by_id_.clear();
  by_id_.shrink_to_fit();

  if (schema_.defs.recovery_from_emergency_pairs) {
    // Each service's emergencies in time order, two by two: the first
    // breaks, the second recovers; the last of an odd count is unrecovered.
    for (size_t s = 0; s + 1 < service_begin_.size(); ++s) {
      uint32_t open = kNoDeployment;
      for (uint32_t j = service_begin_[s]; j < service_begin_[s + 1]; ++j) {
        if (!deployments_[j].emergency) continue;
        if (open == kNoDeployment) {
          open = j;
        } else {
          recoveries_.push_back({open, deployments_[j].time});
          open = kNoDeployment;
        }
      }
      if (open != kNoDeployment) recoveries_.push_back({open, kNever});
    }
    incident_resolution.clear();
  }
  auto next_resolution = incident_resolution.cbegin();
  for (uint32_t i = 0; i < deployments_.size() && !schema_.defs.recovery_from_emergency_pairs; ++i) {
    const Deployment& d = deployments_[i];
    if (!d.failed) continue;
    TimeNs at = kNever;
    while (next_resolution != incident_resolution.end() && next_resolution->first < i) ++next_resolution;
    if (next_resolution != incident_resolution.end() && next_resolution->first == i) {
      while (next_resolution + 1 != incident_resolution.end() && (next_resolution + 1)->first == i) ++next_resolution;
      at = next_resolution->second;  // the latest: pairs sort by time within a deployment
    } else {
      // Deployments without a service (a single-service repository, such
      // as ndj-git's output) are one timeline: they sort after all others.
      uint32_t slot = d.service == kNoService ? static_cast<uint32_t>(service_begin_.size() - 2) : d.service;
      for (uint32_t j = i + 1; j < service_begin_[slot + 1]; ++j) {
        if (deployments_[j].succeeded && deployments_[j].time > d.time) {
          at = deployments_[j].time;
          break;
        }
      }
    }
    recoveries_.push_back({i, at});
  }

  // Groups in order: value by value, absent values last.
  std::vector<uint32_t> order(groups_.size());
  for (uint32_t g = 0; g < order.size(); ++g) order[g] = g;
  std::sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
    const auto& x = groups_[a];
    const auto& y = groups_[b];
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i].present != y[i].present) return x[i].present;
      if (x[i].text != y[i].text) return x[i].text < y[i].text;
      if (x[i].json != y[i].json) return x[i].json < y[i].json;
    }
    return false;
  });
  sorted_groups_ = std::move(order);
}

namespace {

// Samples of one distribution for every group, laid out group after group
// in one array (a counting sort: two passes over the events, 8 bytes per
// sample). `visit(part, parts, emit)` calls emit(group, value) for each
// sample of its part; the parts run on threads of their own. A group's
// values are in part order (their order changes no statistic).
struct Samples {
  std::vector<int64_t> values;
  std::vector<size_t> begin;  // group g: [begin[g], begin[g+1])

  template <class Visit>
  void gather(size_t groups, unsigned parts, Visit visit) {
    // Per part: its count in each group, then where its next value goes.
    std::vector<std::vector<size_t>> at(parts, std::vector<size_t>(groups));
    run_parts(parts, [&](unsigned p) { visit(p, parts, [&c = at[p]](size_t g, int64_t) { ++c[g]; }); });
    begin.assign(groups + 1, 0);
    size_t total = 0;
    for (size_t g = 0; g < groups; ++g) {
      begin[g] = total;
      for (auto& part : at) total += std::exchange(part[g], total);
    }
    begin[groups] = total;
    values.resize(total);
    run_parts(parts, [&](unsigned p) {
      visit(p, parts, [this, &next = at[p]](size_t g, int64_t v) { values[next[g]++] = v; });
    });
  }
  std::span<int64_t> of(size_t g) { return {values.data() + begin[g], begin[g + 1] - begin[g]}; }
  // Slots [first, last).
  std::span<int64_t> range(size_t first, size_t last) {
    return {values.data() + begin[first], begin[last] - begin[first]};
  }
};

}  // namespace

std::vector<GroupMetrics> EventStore::compute(Window w) const {
  const TimeNs edges[] = {w.since, w.until};
  auto rows = std::move(compute_buckets(edges).front());
  std::erase_if(rows, [](const GroupMetrics& m) { return m.group != kOverall && !m.has_data(); });
  return rows;
}

// One pass over the events for all buckets: every per-group quantity is
// kept per slot bucket * ngroups + group, so a bucket's groups are
// contiguous and its overall samples are one range of the gathered values.
std::vector<std::vector<GroupMetrics>> EventStore::compute_buckets(std::span<const TimeNs> edges) const {
  const size_t ngroups = shown_begin_.size() - 1;  // raw groups
  const size_t nbuckets = edges.size() < 2 ? 0 : edges.size() - 1;
  const size_t nslots = nbuckets * ngroups;
  std::vector<GroupMetrics> per(nslots);
  // Buckets of one length between the clipped ends (UTC days, weeks) are
  // found by division instead of a search: every sample asks.
  int64_t step = nbuckets > 2 ? edges[2] - edges[1] : 0;
  for (size_t b = 2; step > 0 && b + 1 < nbuckets; ++b)
    if (edges[b + 1] - edges[b] != step) step = 0;
  // The bucket holding t, or -1 outside [edges.front(), edges.back()).
  auto bucket_of = [&](TimeNs t) -> int64_t {
    if (nbuckets == 0 || t < edges.front() || t >= edges.back()) return -1;
    if (step > 0) {
      if (t < edges[1]) return 0;
      int64_t b = 1 + (t - edges[1]) / step;
      return std::min<int64_t>(b, static_cast<int64_t>(nbuckets) - 1);
    }
    return std::upper_bound(edges.begin(), edges.end(), t) - edges.begin() - 1;
  };
  auto slot_of = [&](TimeNs t, uint32_t group) -> int64_t {
    int64_t b = bucket_of(t);
    return b < 0 ? -1 : b * static_cast<int64_t>(ngroups) + group;
  };

  for (const auto& d : deployments_) {
    int64_t slot = slot_of(d.time, d.group);
    if (slot < 0) continue;
    GroupMetrics& m = per[slot];
    ++m.total_deployments;
    m.successful_deployments += schema_.defs.all_deployments || d.succeeded;
    m.failed_deployments += d.failed;
    m.rework_deployments += d.unplanned;
  }
  for (uint32_t i : rework_deployments_) {
    const Deployment& d = deployments_[i];
    if (int64_t slot = slot_of(d.time, d.group); slot >= 0) ++per[slot].rework_deployments;
  }

  Samples lead, recovery, restore;
  // The lead-time samples are most of the events: they are split between
  // the threads.
  const size_t nlead =
      link_samples_.size() + change_samples_[0].size() + change_samples_[1].size() + self_deployed_.size();
  lead.gather(nslots, nlead >= kSplitFrom ? threads_ : 1, [&](unsigned p, unsigned parts, auto emit) {
    auto take = [&](const MappedArray<LeadSample>& samples) {
      const auto [first, last] = part_of(samples.size(), p, parts);
      for (size_t i = first; i < last; ++i) {
        const LeadSample& s = samples[i];
        const Deployment& d = deployments_[s.deployment];
        if (!d.succeeded || s.lead < 0) continue;
        if (int64_t slot = slot_of(d.time, d.group); slot >= 0) emit(slot, s.lead);
      }
    };
    take(link_samples_);
    for (const auto& samples : change_samples_) take(samples);
    const auto [first, last] = part_of(self_deployed_.size(), p, parts);
    for (size_t i = first; i < last; ++i) {
      const auto& c = self_deployed_[i];
      if (int64_t slot = slot_of(c.deployed_at, c.group); slot >= 0 && c.deployed_at >= c.time)
        emit(slot, c.deployed_at - c.time);
    }
  });
  recovery.gather(nslots, 1, [&](unsigned, unsigned, auto emit) {
    for (const auto& r : recoveries_) {
      const Deployment& d = deployments_[r.deployment];
      if (r.at == kNever || r.at < d.time) continue;
      if (int64_t slot = slot_of(d.time, d.group); slot >= 0) emit(slot, r.at - d.time);
    }
  });
  restore.gather(nslots, 1, [&](unsigned, unsigned, auto emit) {
    for (const auto& inc : incidents_)
      if (inc.resolved != kNever)
        if (int64_t slot = slot_of(inc.resolved, inc.group); slot >= 0) emit(slot, inc.resolved - inc.opened);
  });

  // Counts the samples above leave out, and those of changes authored when
  // committed that were deployed within a second (for the report's note).
  auto count_lead = [&](const MappedArray<LeadSample>& samples) {
    for (const auto& s : samples) {
      if (s.lead >= 0 && !(s.at_commit && s.lead < kNsPerSec)) continue;
      const Deployment& d = deployments_[s.deployment];
      if (!d.succeeded) continue;
      if (int64_t slot = slot_of(d.time, d.group); slot >= 0)
        ++(s.lead < 0 ? per[slot].negative_lead_times : per[slot].instant_lead_times);
    }
  };
  count_lead(link_samples_);
  for (const auto& samples : change_samples_) count_lead(samples);
  for (const auto& c : self_deployed_) {
    const int64_t lead = c.deployed_at - c.time;
    if (lead >= 0 && !(c.at_commit && lead < kNsPerSec)) continue;
    if (int64_t slot = slot_of(c.deployed_at, c.group); slot >= 0)
      ++(lead < 0 ? per[slot].negative_lead_times : per[slot].instant_lead_times);
  }
  for (const auto& r : recoveries_) {
    const Deployment& d = deployments_[r.deployment];
    int64_t slot = slot_of(d.time, d.group);
    if (slot < 0) continue;
    if (r.at == kNever) ++per[slot].unrecovered;
    else if (r.at < d.time) ++per[slot].negative_recoveries;
  }
  // Open at the end of bucket b: opened before edges[b+1], resolved at or
  // after it (or never). Those buckets are a range; a difference array per
  // group adds every incident once.
  std::vector<int64_t> open_diff(nslots + ngroups);
  for (const auto& inc : incidents_) {
    auto first = std::upper_bound(edges.begin() + 1, edges.end(), inc.opened) - (edges.begin() + 1);
    auto last = inc.resolved == kNever ? static_cast<int64_t>(nbuckets)
                                       : std::upper_bound(edges.begin() + 1, edges.end(), inc.resolved) - (edges.begin() + 1);
    if (first >= last) continue;
    ++open_diff[first * ngroups + inc.group];
    --open_diff[last * ngroups + inc.group];
  }
  for (size_t g = 0; g < ngroups; ++g) {
    int64_t open = 0;
    for (size_t b = 0; b < nbuckets; ++b) {
      open += open_diff[b * ngroups + g];
      per[b * ngroups + g].open_incidents = static_cast<uint64_t>(open);
    }
  }

  // The raw groups each reported group gathers: the overall row counts an
  // event once, each of its groups once.
  std::vector<std::vector<uint32_t>> members(groups_.size());
  for (uint32_t g = 0; g < ngroups; ++g)
    for (uint32_t shown : shown_groups(g)) members[shown].push_back(g);
  std::vector<int64_t> gathered;
  auto summarize_members = [&](Samples& samples, size_t b, const std::vector<uint32_t>& raw) {
    if (raw.size() == 1) return summarize_hours(samples.of(b * ngroups + raw[0]));
    gathered.clear();
    for (uint32_t g : raw) {
      auto s = samples.of(b * ngroups + g);
      gathered.insert(gathered.end(), s.begin(), s.end());
    }
    return summarize_hours(gathered);
  };

  std::vector<std::vector<GroupMetrics>> out(nbuckets);
  for (size_t b = 0; b < nbuckets; ++b) {
    GroupMetrics all;
    all.group = kOverall;
    for (uint32_t g = 0; g < ngroups; ++g) {
      const GroupMetrics& m = per[b * ngroups + g];
      all.add_counts(m);
      all.open_incidents += m.open_incidents;  // groups of one bucket do add up
    }
    out[b].push_back(all);
    // The groups first: summarizing the overall range reorders the values
    // across the groups' slots.
    if (!schema_.group_by.empty()) {
      for (uint32_t shown : sorted_groups_) {
        GroupMetrics m;
        m.group = shown;
        for (uint32_t g : members[shown]) {
          m.add_counts(per[b * ngroups + g]);
          m.open_incidents += per[b * ngroups + g].open_incidents;
        }
        m.lead_time = summarize_members(lead, b, members[shown]);
        m.recovery = summarize_members(recovery, b, members[shown]);
        m.restore = summarize_members(restore, b, members[shown]);
        out[b].push_back(m);
      }
    }
    GroupMetrics& overall = out[b].front();
    overall.lead_time = summarize_hours(lead.range(b * ngroups, (b + 1) * ngroups));
    overall.recovery = summarize_hours(recovery.range(b * ngroups, (b + 1) * ngroups));
    overall.restore = summarize_hours(restore.range(b * ngroups, (b + 1) * ngroups));
  }
  return out;
}

}  // namespace ndj::dora
