// LogEncoder and GaugeEncoder.
#include "otlp/logs.hpp"

#include <algorithm>
#include <charconv>

#include "core/bad_lines.hpp"
#include "json/json_text.hpp"

namespace ndj {

using namespace std::string_view_literals;
namespace {

void append_decimal(std::string& out, int64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

// OTLP's SeverityNumber for a level's name (the first of its range), 0
// when it names none.
int severity_number(std::string_view level) {
  std::string s(level);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::pair<std::string_view, int> kLevels[] = {
      {"trace", 1}, {"debug", 5},    {"info", 9},  {"notice", 10},   {"warn", 13},
      {"warning", 13}, {"error", 17}, {"err", 17}, {"critical", 21}, {"fatal", 21}};
  for (const auto& [name, n] : kLevels)
    if (s == name) return n;
  return 0;
}

bool is_hex(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         }) && s.find_first_not_of('0') != std::string_view::npos;
}

// The first of `names` present: its name, or nullptr.
const std::string* first_present(simdjson::dom::object obj, const std::vector<std::string>& names,
                                 simdjson::dom::element& v) {
  for (const auto& n : names)
    if (!obj.at_key(n).get(v) && !v.is_null()) return &n;
  return nullptr;
}

}  // namespace

// {"timeUnixNano":..,"observedTimeUnixNano":..,"severityNumber":..,
// "severityText":..,"body":{..},"attributes":[..],"traceId":..,"spanId":..}
std::optional<std::string> LogEncoder::add(const RecordRef& rec) {
  TimeNs t;
  std::string time_field;
  if (auto why = record_time(rec.obj, t, time_field)) return why;
  skip_.assign({time_field});
  item_.clear();
  item_ += "{\"timeUnixNano\":\""sv;
  append_decimal(item_, t);
  // The record's time again, not the clock's: a record shipped twice makes
  // the same log record.
  item_ += "\",\"observedTimeUnixNano\":\""sv;
  append_decimal(item_, t);
  item_ += '"';
  simdjson::dom::element v;
  if (const std::string* name = first_present(rec.obj, o_.level_fields, v)) {
    std::string_view text;
    int64_t n;
    if (!v.get(text)) {
      if (int number = severity_number(text)) {
        item_ += ",\"severityNumber\":"sv;
        append_decimal(item_, number);
      }
      item_ += ",\"severityText\":"sv;
      append_json_string(item_, text);
      skip_.push_back(*name);
    } else if (!v.get(n) && n >= 1 && n <= 24) {
      item_ += ",\"severityNumber\":"sv;
      append_decimal(item_, n);
      skip_.push_back(*name);
    }
  }
  if (const std::string* name = first_present(rec.obj, o_.message_fields, v)) {
    item_ += ",\"body\":"sv;
    append_any_value(item_, v);
    skip_.push_back(*name);
  }
  std::string_view ids[2];
  const std::vector<std::string>* id_fields[2] = {&o_.trace_id_fields, &o_.span_id_fields};
  for (int i = 0; i < 2; ++i) {
    const std::string* name = first_present(rec.obj, *id_fields[i], v);
    if (name && !v.get(ids[i]) && is_hex(ids[i], i == 0 ? 32 : 16)) skip_.push_back(*name);
    else ids[i] = {};
  }
  item_ += ",\"attributes\":["sv;
  bool first = true;
  append_attributes(item_, rec.obj, skip_, nullptr, first);
  item_ += ']';
  const char* keys[2] = {",\"traceId\":\"", ",\"spanId\":\""};
  for (int i = 0; i < 2; ++i) {
    if (ids[i].empty()) continue;
    item_ += keys[i];
    for (char c : ids[i]) item_ += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    item_ += '"';
  }
  item_ += '}';
  emit(service_of(rec.obj), item_, rec.seq, *rec.file, rec.line);
  return std::nullopt;
}

GaugeEncoder::GaugeEncoder(MetricOptions o, const FieldOptions& fields, const Resource& resource,
                           BodyWriter& writer, BadLines& bad)
    : Encoder(fields, resource, writer, bad), o_(std::move(o)), default_time_(o_.as_of.value_or(now_ns())) {}

namespace {

// Numbers aside, the other members as attributes; "group" unprefixed.
void split_members(simdjson::dom::object obj, std::string& prefix, const std::vector<std::string>& skip,
                   std::string& attributes, bool& first,
                   std::vector<std::pair<std::string, simdjson::dom::element>>& numbers) {
  size_t base = prefix.size();
  for (auto [key, value] : obj) {
    if (base == 0 && std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    if (value.is_null()) continue;
    prefix.resize(base);
    bool group = base == 0 && key == "group" && value.is_object();
    if (!group) {
      if (base) prefix += '.';
      prefix += key;
    }
    if (value.is_object()) {
      split_members(value.get_object().value_unsafe(), prefix, {}, attributes, first, numbers);
    } else if (value.is_number()) {
      numbers.emplace_back(prefix, value);
    } else {
      if (!first) attributes += ',';
      first = false;
      attributes += "{\"key\":"sv;
      append_json_string(attributes, prefix);
      attributes += ",\"value\":"sv;
      append_any_value(attributes, value);
      attributes += '}';
    }
  }
  prefix.resize(base);
}

}  // namespace

// {"name":..,"unit":..,"gauge":{"dataPoints":[{"attributes":[..],
// "timeUnixNano":..,"asInt":.. or "asDouble":..}]}}, one per number.
std::optional<std::string> GaugeEncoder::add(const RecordRef& rec) {
  TimeNs t = default_time_;
  std::string time_field;
  std::vector<std::string> skip{"metric", "unit"};
  simdjson::dom::element v;
  bool has_time = false;
  for (const auto& name : fields_.time.names) has_time |= !rec.obj.at_key(name).get(v);
  if (has_time) {
    if (auto why = record_time(rec.obj, t, time_field)) return why;
    skip.push_back(time_field);
  } else if (std::string_view until; !rec.obj.at_key("until").get(until)) {
    // ndj-dora's window: the value holds at its end.
    if (auto end = parse_rfc3339(until)) t = *end;
  }
  std::string_view metric, unit;
  if (rec.obj.at_key("metric").get(metric)) metric = {};
  if (rec.obj.at_key("unit").get(unit)) unit = {};
  attributes_.clear();
  numbers_.clear();
  std::string prefix;
  bool first = true;
  split_members(rec.obj, prefix, skip, attributes_, first, numbers_);
  std::string_view service = service_of(rec.obj);
  for (const auto& [path, number] : numbers_) {
    item_.clear();
    std::string name = o_.prefix;
    if (metric.empty()) name += path;
    else name += path == "value" ? std::string(metric) : std::string(metric) + "." + path;
    item_ += "{\"name\":"sv;
    append_json_string(item_, name);
    if (!unit.empty() && path == "value") {
      item_ += ",\"unit\":"sv;
      append_json_string(item_, unit);
    }
    item_ += ",\"gauge\":{\"dataPoints\":[{\"attributes\":["sv;
    item_ += attributes_;
    item_ += "],\"timeUnixNano\":\""sv;
    append_decimal(item_, t);
    int64_t i;
    if (!number.get(i)) {
      item_ += "\",\"asInt\":\""sv;
      append_decimal(item_, i);
      item_ += "\"}]}}"sv;
    } else {
      item_ += "\",\"asDouble\":"sv;
      append_double(item_, number.get_double().value_unsafe());
      item_ += "}]}}"sv;
    }
    emit(service, item_, rec.seq, *rec.file, rec.line);
  }
  return std::nullopt;
}

}  // namespace ndj
