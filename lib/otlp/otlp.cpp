// What every signal shares: the resource, attribute values, the bodies.
#include "otlp/otlp.hpp"

#include <charconv>
#include <cstdint>

#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/output.hpp"
#include "json/json_text.hpp"

namespace ndj {

using namespace std::string_view_literals;

const Choices<Signal> kSignals{{{"traces", Signal::kTraces}, {"logs", Signal::kLogs}, {"metrics", Signal::kMetrics}}};

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The W3C Baggage octets of OTEL_RESOURCE_ATTRIBUTES: %XX decoded.
bool percent_decode(std::string_view s, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return false;
    int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void set_attribute(Resource& r, const std::string& key, const std::string& value) {
  if (key == "service.name") {
    r.service = value;
    return;
  }
  for (auto& [k, v] : r.attributes)
    if (k == key) {
      v = value;
      return;
    }
  r.attributes.emplace_back(key, value);
}

void append_key(std::string& out, std::string_view key, bool& first) {
  if (!first) out += ',';
  first = false;
  out += "{\"key\":"sv;
  append_json_string(out, key);
  out += ",\"value\":"sv;
}

void append_members(std::string& out, simdjson::dom::object obj, std::string& prefix,
                    std::span<const std::string> skip, const simdjson::dom::object* shadow, bool& first) {
  size_t base = prefix.size();
  for (auto [key, value] : obj) {
    if (base == 0) {
      bool skipped = false;
      for (const auto& s : skip) skipped |= s == key;
      simdjson::dom::element ignored;
      if (skipped || (shadow && !shadow->at_key(key).get(ignored))) continue;
    }
    if (value.is_null()) continue;
    if (base == 0 && !value.is_object()) {  // most members: no prefix to build
      append_key(out, key, first);
      append_any_value(out, value);
      out += '}';
      continue;
    }
    prefix.resize(base);
    if (base) prefix += '.';
    prefix += key;
    if (value.is_object()) {
      append_members(out, value.get_object().value_unsafe(), prefix, {}, nullptr, first);
      continue;
    }
    append_key(out, prefix, first);
    append_any_value(out, value);
    out += '}';
  }
  prefix.resize(base);
}

}  // namespace

Resource make_resource(const std::vector<std::string>& resource_options, const char* env_attributes,
                       const char* env_service) {
  Resource r;
  if (env_attributes && *env_attributes) {
    Resource parsed;
    bool ok = true;
    std::string key, value;
    for (const auto& item : split_list(env_attributes)) {
      if (trim(item).empty()) continue;
      size_t eq = item.find('=');
      if (eq == std::string::npos || !percent_decode(trim(std::string_view(item).substr(0, eq)), key) ||
          !percent_decode(trim(std::string_view(item).substr(eq + 1)), value) || key.empty()) {
        ok = false;
        break;
      }
      set_attribute(parsed, key, value);
    }
    if (ok) r = std::move(parsed);
    else warn("OTEL_RESOURCE_ATTRIBUTES is not a list of key=value: ignored");
  }
  if (env_service && *env_service) r.service = env_service;
  for (const auto& opt : resource_options) {
    std::string key, value;
    if (split_key_value(opt, key, value)) set_attribute(r, key, value);
  }
  return r;
}

void append_double(std::string& out, double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, end);
}

void append_any_value(std::string& out, simdjson::dom::element e) {
  char buf[32];
  switch (e.type()) {
    case simdjson::dom::element_type::STRING:
      out += "{\"stringValue\":"sv;
      append_json_string(out, e.get_string().value_unsafe());
      out += '}';
      return;
    case simdjson::dom::element_type::INT64: {
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, e.get_int64().value_unsafe());
      out += "{\"intValue\":\""sv;
      out.append(buf, end);
      out += "\"}"sv;
      return;
    }
    case simdjson::dom::element_type::UINT64:
      // Beyond int64: AnyValue has no unsigned integer.
      out += "{\"doubleValue\":"sv;
      append_double(out, static_cast<double>(e.get_uint64().value_unsafe()));
      out += '}';
      return;
    case simdjson::dom::element_type::DOUBLE:
      out += "{\"doubleValue\":"sv;
      append_double(out, e.get_double().value_unsafe());
      out += '}';
      return;
    case simdjson::dom::element_type::BOOL:
      out += e.get_bool().value_unsafe() ? "{\"boolValue\":true}"sv : "{\"boolValue\":false}"sv;
      return;
    case simdjson::dom::element_type::ARRAY: {
      out += "{\"arrayValue\":{\"values\":["sv;
      bool first = true;
      simdjson::dom::array array = e.get_array().value_unsafe();
      for (auto v : array) {
        if (!first) out += ',';
        first = false;
        append_any_value(out, v);
      }
      out += "]}}"sv;
      return;
    }
    case simdjson::dom::element_type::OBJECT: {
      out += "{\"kvlistValue\":{\"values\":["sv;
      bool first = true;
      simdjson::dom::object object = e.get_object().value_unsafe();
      for (auto [key, value] : object) {
        append_key(out, key, first);
        append_any_value(out, value);
        out += '}';
      }
      out += "]}}"sv;
      return;
    }
    case simdjson::dom::element_type::NULL_VALUE:
      out += "{}"sv;
      return;
  }
}

void append_attributes(std::string& out, simdjson::dom::object obj, std::span<const std::string> skip,
                       const simdjson::dom::object* shadow, bool& first) {
  std::string prefix;
  append_members(out, obj, prefix, skip, shadow, first);
}

void append_hex(std::string& out, const uint8_t* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
}

BodyWriter::BodyWriter(Signal signal, BodyOptions o, const Resource& resource, Output& out)
    : o_(o), out_(out) {
  switch (signal) {
    case Signal::kTraces:
      body_key_ = "{\"resourceSpans\":[", scope_key_ = "]},\"scopeSpans\":[", items_key_ = "\"spans\":[";
      break;
    case Signal::kLogs:
      body_key_ = "{\"resourceLogs\":[", scope_key_ = "]},\"scopeLogs\":[", items_key_ = "\"logRecords\":[";
      break;
    case Signal::kMetrics:
      body_key_ = "{\"resourceMetrics\":[", scope_key_ = "]},\"scopeMetrics\":[", items_key_ = "\"metrics\":[";
      break;
  }
  bool first = false;  // service.name comes first
  for (const auto& [k, v] : resource.attributes) {
    append_key(resource_tail_, k, first);
    resource_tail_ += "{\"stringValue\":"sv;
    append_json_string(resource_tail_, v);
    resource_tail_ += "}}"sv;
  }
  resource_tail_ += scope_key_;
  resource_tail_ += "{\"scope\":{\"name\":\"ndj\",\"version\":\"" NDJ_VERSION "\"},";
  resource_tail_ += items_key_;
}

// {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":S}}...
static constexpr std::string_view kGroupHead =
    "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":";
static constexpr std::string_view kGroupEnd = "]}]}";

size_t BodyWriter::group_head_size(std::string_view service) const {
  std::string quoted = json_string(service);
  return kGroupHead.size() + quoted.size() + 2 + resource_tail_.size();
}

bool BodyWriter::fits(std::string_view service, size_t item_size) const {
  size_t fixed = body_key_.size() + kGroupHead.size() + 4 + resource_tail_.size() + kGroupEnd.size() + 2;
  if (fixed + 6 * service.size() + item_size <= o_.max_bytes) return true;  // escapes at most 6x
  return body_key_.size() + group_head_size(service) + item_size + kGroupEnd.size() + 2 <= o_.max_bytes;
}

void BodyWriter::add(std::string_view service, std::string_view item, uint64_t first_seq) {
  Group* g = nullptr;
  for (size_t i = 0; i < used_groups_; ++i)
    if (groups_[i].service == service) g = &groups_[i];
  size_t grown = item.size() + (g ? 1 : group_head_size(service) + kGroupEnd.size() + (used_groups_ ? 1 : 0));
  if (items_ && size_ + grown > o_.max_bytes) {
    write_body();
    return add(service, item, first_seq);
  }
  if (!items_) size_ = body_key_.size() + 2;
  size_ += grown;
  if (!g) {
    // Groups keep their buffers from body to body: no allocation per body.
    if (used_groups_ == groups_.size()) groups_.emplace_back();
    g = &groups_[used_groups_++];
    g->service = service;
    g->text = kGroupHead;
    append_json_string(g->text, service);
    g->text += "}}"sv;
    g->text += resource_tail_;
  } else {
    g->text += ',';
  }
  g->text += item;
  first_seq_ = std::min(first_seq_, first_seq);
  if (++items_ >= o_.max_records) write_body();
}

void BodyWriter::add_mark(std::string_view mark, uint64_t seq) { marks_.push_back({seq, std::string(mark)}); }

void BodyWriter::release_marks(uint64_t oldest_held) {
  uint64_t oldest = std::min(oldest_held, first_seq_);
  while (!marks_.empty() && marks_.front().seq <= oldest) {
    out_.write(marks_.front().text);
    out_.put('\n');
    marks_.pop_front();
  }
}

void BodyWriter::flush(uint64_t oldest_held) {
  if (items_) write_body();
  release_marks(oldest_held);
}

void BodyWriter::write_body() {
  out_.write(body_key_);
  for (size_t i = 0; i < used_groups_; ++i) {
    if (i) out_.put(',');
    out_.write(groups_[i].text);
    out_.write(kGroupEnd);
  }
  out_.write("]}\n");
  used_groups_ = 0;
  items_ = 0;
  size_ = 0;
  first_seq_ = UINT64_MAX;
}

}  // namespace ndj
