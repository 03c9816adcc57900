// The encoders' shared field lookups and the item-size check.
#include "otlp/encoder.hpp"

#include "core/bad_lines.hpp"

namespace ndj {

std::optional<std::string> Encoder::record_time(simdjson::dom::object obj, TimeNs& t, std::string& field) const {
  for (const auto& name : fields_.time.names) {
    simdjson::dom::element v;
    if (obj.at_key(name).get(v)) continue;
    field = name;
    switch (read_time_value(v, fields_.time.epoch, t)) {
      case TimeValue::kTime: return std::nullopt;
      case TimeValue::kNeedsEpoch: return name + " is a number: give its unit with --epoch";
      case TimeValue::kOutOfRange: return name + " is out of range";
      case TimeValue::kBadText:
      case TimeValue::kNotTime: return name + " is not an RFC 3339 time";
    }
  }
  std::string names;
  for (const auto& n : fields_.time.names) names += (names.empty() ? "" : ", ") + n;
  return "no time (" + names + ")";
}

std::string_view Encoder::service_of(simdjson::dom::object obj) const {
  if (!fields_.service.empty()) return fields_.service;
  for (const auto& name : fields_.service_fields) {
    std::string_view s;
    if (!obj.at_key(name).get(s)) return s;
  }
  return resource_.service;
}

void Encoder::emit(std::string_view service, std::string_view item, uint64_t first_seq, const std::string& file,
                   uint64_t line) {
  if (!writer_.fits(service, item.size())) {
    bad_.note(file, line,
              "the OTLP item made of it, " + std::to_string(item.size()) +
                  " bytes, cannot fit in a body of --max-bytes " + std::to_string(writer_.max_bytes()));
    return;
  }
  writer_.add(service, item, first_seq);
}

}  // namespace ndj
