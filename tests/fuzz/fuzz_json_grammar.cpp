// Differential fuzzing of json_check (the simdjson-free checker ndj-emit
// uses, and JsonParser's fallback) against simdjson's DOM: they may only
// disagree where simdjson rejects a number's range. JsonParser::validate()
// (stage 1 + check_structure) must agree with json_check exactly.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "json/json.hpp"
#include "json/json_check.hpp"
#include "core/line_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string padded(reinterpret_cast<const char*>(data), size);
  padded.append(ndj::kLinePadding, ' ');
  std::string_view text(padded.data(), size);
  simdjson::dom::parser parser;
  auto result = parser.parse(text.data(), text.size(), false);
  bool grammar = ndj::json_check(text) == nullptr;
  if (!result.error() && !grammar) std::abort();
  if (result.error() && grammar && result.error() != simdjson::NUMBER_ERROR) std::abort();
  static ndj::JsonParser fast;
  if ((fast.validate(text) == nullptr) != grammar) std::abort();
  return 0;
}
