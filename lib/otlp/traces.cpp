// SpanEncoder: start/end pairs, durations, parents and synthetic levels.
#include "otlp/traces.hpp"

#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "core/bad_lines.hpp"
#include "core/diag.hpp"
#include "json/json.hpp"

namespace ndj {

using namespace std::string_view_literals;
namespace {

int index_of(const std::vector<std::string>& list, std::string_view s) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i] == s) return static_cast<int>(i);
  return -1;
}

void append_decimal(std::string& out, int64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

// Status.code: 0 unset, 1 ok, 2 error. The first field present decides:
// a boolean, or a word of success or failure; a field named "error"
// holding anything but null or false is an error, its text the message.
int status_of(simdjson::dom::object obj, const std::vector<std::string>& fields, std::string_view& message) {
  static constexpr std::string_view kOk[] = {"success", "succeeded", "ok", "pass", "passed", "completed", "done"};
  static constexpr std::string_view kFailed[] = {"failure", "failed", "fail",    "error",
                                                 "errored", "aborted", "timeout", "timed_out"};
  for (const auto& name : fields) {
    simdjson::dom::element v;
    if (obj.at_key(name).get(v) || v.is_null()) continue;
    bool b;
    std::string_view s;
    if (name == "error") {
      if (!v.get(b) && !b) return 1;
      if (!v.get(s)) message = s;
      return 2;
    }
    if (!v.get(b)) return b ? 1 : 2;
    if (v.get(s)) return 0;
    std::string lower(s);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (std::find(std::begin(kOk), std::end(kOk), lower) != std::end(kOk)) return 1;
    if (std::find(std::begin(kFailed), std::end(kFailed), lower) != std::end(kFailed)) {
      message = s;
      return 2;
    }
    return 0;
  }
  return 0;
}

}  // namespace

SpanEncoder::SpanEncoder(TraceOptions o, const FieldOptions& fields, const Resource& resource, BodyWriter& writer,
                         BadLines& bad)
    : Encoder(fields, resource, writer, bad), o_(std::move(o)) {}

std::optional<std::string> SpanEncoder::add(const RecordRef& rec) {
  // One Event reused: its buffers outlive the record.
  Event& ev = event_;
  ev.rec = &rec;
  ev.keys.resize(o_.hierarchy.size());
  for (auto& k : ev.keys) k.reset();
  ev.level = -1;
  std::string_view name;
  if (rec.obj.at_key(o_.event_field).get(name)) name = {};
  int starts = index_of(o_.start_events, name), ends = index_of(o_.end_events, name);
  simdjson::dom::element dur;
  bool has_duration = !rec.obj.at_key(o_.duration_field).get(dur);
  if (starts < 0 && ends < 0 && !has_duration) return std::nullopt;  // not a span's event
  if (auto why = record_time(rec.obj, ev.ts, ev.time_field)) return why;
  latest_ = std::max(latest_, ev.ts);
  ev.name = name;
  if (rec.obj.at_key(o_.tool_field).get(ev.tool)) ev.tool = {};
  ev.service = service_of(rec.obj);
  for (size_t i = 0; i < o_.hierarchy.size(); ++i) {
    simdjson::dom::element v;
    if (rec.obj.at_key(o_.hierarchy[i]).get(v) || v.is_null()) continue;
    std::string_view s;
    if (!v.get(s)) ev.keys[i].emplace(s);
    else append_json(ev.keys[i].emplace(), v);
    ev.level = static_cast<int>(i);
  }
  if (ends >= 0) {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
      if (it->pair != ends || it->tool != ev.tool) continue;
      bool same = true;
      for (size_t i = 0; i < ev.keys.size(); ++i)
        same &= !ev.keys[i] || !it->keys[i] || *ev.keys[i] == *it->keys[i];
      if (!same) continue;
      close(std::prev(it.base()), ev.ts, &rec.obj, ev.time_field);
      return std::nullopt;
    }
    std::string where = *rec.file + ":" + std::to_string(rec.line) + ": " + std::string(name) + " without a start";
    if (o_.drop_open || !has_duration) {
      warn(where + ": dropped" + (o_.drop_open ? " (--open-spans drop)" : " (no " + o_.duration_field + ")"));
      return std::nullopt;
    }
    warn(where + ": a span of its " + o_.duration_field + " (--open-spans end)");
    return complete(ev);
  }
  if (starts >= 0) {
    Span s;
    s.level = ev.level;
    s.keys = ev.keys;
    s.tool = ev.tool;
    s.service = ev.service;
    s.event = name;
    s.time_field = ev.time_field;
    s.pair = starts;
    s.start = s.end = ev.ts;
    s.first_seq = rec.seq;
    s.name = name.ends_with("_start") ? name.substr(0, name.size() - 6) : name;
    if (s.level >= 0) s.name += " " + *s.keys[s.level];
    s.record = rec.text;
    s.file = *rec.file;
    s.line = rec.line;
    Span* parent = parent_for(ev, ev.level, ev.ts);
    std::string material(name);
    material += '\0';
    append_decimal(material, ev.ts);
    derive_ids(s, parent, material);
    attach(s, parent);
    open_.push_back(std::move(s));
    return std::nullopt;
  }
  return complete(ev);
}

std::optional<std::string> SpanEncoder::complete(Event& ev) {
  const RecordRef& rec = *ev.rec;
  simdjson::dom::element dur = rec.obj[o_.duration_field].value_unsafe();
  std::optional<TimeNs> length;
  int64_t i;
  double d;
  if (!dur.get(i)) length = epoch_to_ns(i, o_.duration_unit);
  else if (!dur.get(d)) length = epoch_to_ns(d, o_.duration_unit);
  if (!length || *length < 0) return o_.duration_field + " is not a duration (a number, not negative)";
  Span s;
  s.level = ev.level;
  if (s.level >= 0) s.keys = ev.keys;  // derive_ids reads the key of its level
  s.tool = ev.tool;
  s.service = ev.service;
  s.start = ev.ts - *length;
  s.end = ev.ts;
  s.first_seq = rec.seq;
  s.file = *rec.file;
  s.line = rec.line;
  s.name = ev.name.empty() ? std::string("span") : std::string(ev.name);
  if (s.level >= 0) s.name += " " + *ev.keys[s.level];
  Span* parent = parent_for(ev, ev.level, s.start);
  material_.assign(ev.name);
  material_ += '\0';
  append_decimal(material_, s.start);
  derive_ids(s, parent, material_);
  attach(s, parent);
  write_span(s, nullptr, &rec.obj, ev.time_field);
  widen_ancestors(s);
  return std::nullopt;
}

// The parent of a span at `level`: the open span of the nearest hierarchy
// level above it that the event names (a synthetic one if none is open),
// else the innermost open span of the same tool above that level which
// started no later, else none (a new trace).
SpanEncoder::Span* SpanEncoder::parent_for(const Event& ev, int level, TimeNs start) {
  for (int j = level - 1; j >= 0; --j) {
    if (!ev.keys[j]) continue;
    for (auto it = open_.rbegin(); it != open_.rend(); ++it)
      if (it->level == j && it->keys[j] == ev.keys[j]) return &*it;
    Span s;
    s.level = j;
    s.keys.assign(ev.keys.begin(), ev.keys.begin() + j + 1);
    s.keys.resize(ev.keys.size());
    s.tool = ev.tool;
    s.service = ev.service;
    s.start = s.end = start;
    s.first_seq = ev.rec->seq;
    s.file = *ev.rec->file;  // where its first child is
    s.line = ev.rec->line;
    s.name = o_.hierarchy[j] + " " + *ev.keys[j];
    simdjson::dom::element v = ev.rec->obj[o_.hierarchy[j]].value_unsafe();
    s.record = "{\"key\":";
    append_json_string(s.record, o_.hierarchy[j]);
    s.record += ",\"value\":"sv;
    append_any_value(s.record, v);
    s.record += '}';
    Span* parent = parent_for(ev, j, start);
    derive_ids(s, parent, {});
    attach(s, parent);
    open_.push_back(std::move(s));
    return &open_.back();
  }
  for (auto it = open_.rbegin(); it != open_.rend(); ++it)
    if (it->tool == ev.tool && it->level < level && it->start <= start) return &*it;
  return nullptr;
}

// Span ids hash the parent's id with the span's level and key (and, for a
// span of its own event, that event's name and start), so the same records
// give the same ids in every run; a trace id is the hash of its root's key
// (the outermost id, such as a session), or of its tool, event and start.
void SpanEncoder::derive_ids(Span& s, const Span* parent, std::string_view extra) {
  std::string& material = id_material_;
  material.clear();
  if (s.level >= 0) {
    material += o_.hierarchy[s.level];
    material += '\0';
    material += *s.keys[s.level];
  }
  material += '\0';
  if (parent) {
    std::memcpy(s.trace, parent->trace, 16);
    std::memcpy(s.parent, parent->id, 8);
    s.has_parent = true;
  } else {
    std::string& root = root_material_;
    if (s.level >= 0) {
      root = material;
    } else {
      root.assign(s.tool);
      root += '\0';
      root += extra;
    }
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(root.data(), root.size()));
    std::memcpy(s.trace, c.digest, 16);
  }
  material.append(reinterpret_cast<const char*>(s.has_parent ? s.parent : s.trace), s.has_parent ? 8 : 16);
  material += extra;
  XXH64_canonical_t c;
  XXH64_canonicalFromHash(&c, XXH3_64bits(material.data(), material.size()));
  std::memcpy(s.id, c.digest, 8);
  if (std::all_of(s.id, s.id + 8, [](uint8_t b) { return b == 0; })) s.id[7] = 1;  // all-zero is invalid
}

// A synthetic span covers its children: it starts with the earliest and
// holds the marks after its first child's record.
void SpanEncoder::attach(Span& s, Span* parent) {
  for (Span* p = parent; p && p->pair < 0; p = p->has_parent ? find_open(p->parent) : nullptr) {
    p->start = std::min(p->start, s.start);
    p->first_seq = std::min(p->first_seq, s.first_seq);
  }
}

void SpanEncoder::widen_ancestors(const Span& s) {
  if (!s.has_parent) return;
  for (Span* p = find_open(s.parent); p && p->pair < 0; p = p->has_parent ? find_open(p->parent) : nullptr)
    p->end = std::max(p->end, s.end);
}

SpanEncoder::Span* SpanEncoder::find_open(const uint8_t id[8]) {
  for (auto it = open_.rbegin(); it != open_.rend(); ++it)
    if (std::memcmp(it->id, id, 8) == 0) return &*it;
  return nullptr;
}

// Writes an ending span after its synthetic children (which end with it).
void SpanEncoder::close(std::list<Span>::iterator it, TimeNs end, const simdjson::dom::object* end_obj,
                        const std::string& end_time_field) {
  it->end = std::max(end, it->start);
  for (auto child = open_.begin(); child != open_.end();) {
    if (child->pair < 0 && child->has_parent && std::memcmp(child->parent, it->id, 8) == 0) {
      close(child, child->end, nullptr, {});
      child = open_.begin();  // the list changed
    } else {
      ++child;
    }
  }
  if (it->pair >= 0) {
    simdjson::dom::element start_doc;
    if (start_parser_.parse(it->record).get(start_doc)) throw Error(kExitFailure, "re-reading a start record failed");
    simdjson::dom::object start_obj = start_doc.get_object().value_unsafe();
    write_span(*it, &start_obj, end_obj, end_obj ? end_time_field : it->time_field);
  } else {
    write_span(*it, nullptr, nullptr, {});
  }
  widen_ancestors(*it);
  open_.erase(it);
}

// {"traceId":..,"spanId":..,"parentSpanId":..,"name":..,"kind":1 (internal),
// "startTimeUnixNano":..,"endTimeUnixNano":..,"attributes":[..],"status":{..}}
void SpanEncoder::write_span(const Span& s, const simdjson::dom::object* start_obj,
                             const simdjson::dom::object* end_obj, const std::string& time_field) {
  item_.clear();
  item_ += "{\"traceId\":\""sv;
  append_hex(item_, s.trace, 16);
  item_ += "\",\"spanId\":\""sv;
  append_hex(item_, s.id, 8);
  if (s.has_parent) {
    item_ += "\",\"parentSpanId\":\""sv;
    append_hex(item_, s.parent, 8);
  }
  item_ += "\",\"name\":"sv;
  append_json_string(item_, s.name);
  item_ += ",\"kind\":1,\"startTimeUnixNano\":\""sv;
  append_decimal(item_, s.start);
  item_ += "\",\"endTimeUnixNano\":\""sv;
  append_decimal(item_, s.end);
  item_ += "\",\"attributes\":["sv;
  bool first = true;
  const std::string skip_end[] = {time_field, o_.duration_field};
  if (start_obj) {
    const std::string skip_start[] = {s.time_field, o_.duration_field};
    append_attributes(item_, *start_obj, skip_start, end_obj, first);
  }
  if (end_obj) append_attributes(item_, *end_obj, skip_end, nullptr, first);
  if (!start_obj && !end_obj) item_ += s.record;
  item_ += ']';
  std::string_view message;
  int code = 0;
  if (end_obj) code = status_of(*end_obj, o_.status_fields, message);
  if (!code && start_obj) code = status_of(*start_obj, o_.status_fields, message);
  if (code) {
    item_ += ",\"status\":{\"code\":"sv;
    item_ += static_cast<char>('0' + code);
    if (!message.empty()) {
      item_ += ",\"message\":"sv;
      append_json_string(item_, message);
    }
    item_ += '}';
  }
  item_ += '}';
  emit(s.service, item_, s.first_seq, s.file, s.line);
}

uint64_t SpanEncoder::oldest_held() const {
  uint64_t oldest = UINT64_MAX;
  for (const auto& s : open_) oldest = std::min(oldest, s.first_seq);
  return oldest;
}

size_t SpanEncoder::held() const {
  size_t n = 0;
  for (const auto& s : open_) n += s.pair >= 0;
  return n;
}

// Spans still open when the input ends: ended at --as-of (or the latest
// time read) or dropped, innermost first, each reported.
void SpanEncoder::finish() {
  TimeNs as_of = o_.as_of.value_or(latest_);
  while (!open_.empty()) {
    auto it = std::prev(open_.end());
    if (it->pair < 0) {
      close(it, it->end, nullptr, {});
      continue;
    }
    std::string where = it->file + ":" + std::to_string(it->line) + ": " + it->event + " never ended: ";
    if (o_.drop_open) {
      warn(where + "dropped (--open-spans drop)");
      open_.erase(it);
      continue;
    }
    TimeNs end = std::max(as_of, it->start);
    warn(where + "ended at " + format_rfc3339(end, end % kNsPerSec ? 9 : 0) + " (--open-spans end)");
    close(it, end, nullptr, {});
  }
}

}  // namespace ndj
