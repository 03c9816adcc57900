// Differential fuzzing of the RFC 8259 grammar check against simdjson: what
// simdjson's DOM accepts the grammar check must accept, and the two may only
// disagree when simdjson rejects a number's range.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "json.hpp"
#include "line_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string padded(reinterpret_cast<const char*>(data), size);
  padded.append(ndj::kLinePadding, ' ');
  std::string_view text(padded.data(), size);
  simdjson::dom::parser parser;
  auto result = parser.parse(text.data(), text.size(), false);
  bool grammar = ndj::is_valid_json_text(text);
  if (!result.error() && !grammar) std::abort();
  if (result.error() && grammar && result.error() != simdjson::NUMBER_ERROR &&
      result.error() != simdjson::DEPTH_ERROR)
    std::abort();
  return 0;
}
