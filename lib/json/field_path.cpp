// Dotted field path parsing and lookup.
#include "json/field_path.hpp"

#include "json/json_path.hpp"

namespace ndj {

std::optional<FieldPath> FieldPath::parse(std::string_view text) {
  JsonPath path;
  std::string error;
  if (!parse_json_path(text, path, error)) return std::nullopt;
  FieldPath p;
  p.text_ = std::string(text);
  for (PathStep& step : path.steps) {
    if (step.kind != PathStep::Kind::kKey) return std::nullopt;
    p.segments_.push_back(std::move(step.key));
  }
  return p;
}

namespace {
bool array_index(const std::string& seg, size_t& index) {
  if (seg.size() > 9 || seg.find_first_not_of("0123456789") != std::string::npos) return false;
  index = std::stoul(seg);
  return true;
}
}  // namespace

std::optional<simdjson::dom::element> FieldPath::find(simdjson::dom::element e) const {
  for (const std::string& seg : segments_) {
    simdjson::dom::object obj;
    simdjson::dom::array arr;
    if (e.get(obj) == simdjson::SUCCESS) {
      if (obj.at_key(seg).get(e) != simdjson::SUCCESS) return std::nullopt;
    } else if (size_t i; e.get(arr) == simdjson::SUCCESS && array_index(seg, i)) {
      if (arr.at(i).get(e) != simdjson::SUCCESS) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return e;
}

}  // namespace ndj
