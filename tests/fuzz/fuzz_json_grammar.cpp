// Differential fuzzing of json_check (the simdjson-free checker ndj-emit
// uses, and JsonParser's fallback) against simdjson's DOM: they may only
// disagree where simdjson rejects a number's range. JsonParser::validate()
// (stage 1 + check_structure) must agree with json_check exactly, and the
// lines of the input validated in one buffer (index_lines, validate_line)
// must get the verdicts, reasons and token offsets they get one by one.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "json/json.hpp"
#include "json/json_check.hpp"
#include "core/line_reader.hpp"
#include "fuzz_lines.hpp"

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

  std::string buf;
  std::vector<std::pair<size_t, size_t>> at;
  std::vector<std::string> lines = fuzz_lines(data, size);
  for (const std::string& l : lines) {
    at.emplace_back(buf.size(), l.size());
    buf += l;
    buf += '\n';
  }
  const size_t all_size = buf.size();
  buf.append(ndj::kLinePadding, ' ');
  std::string_view all(buf.data(), all_size);
  static ndj::JsonParser alone, bulk;
  bulk.index_lines(all);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string padded = lines[i] + std::string(ndj::kLinePadding, ' ');
    const char* a = alone.validate(std::string_view(padded.data(), lines[i].size()));
    const char* b = bulk.validate_line(all, at[i].first, at[i].second);
    if ((a == nullptr) != (b == nullptr)) std::abort();
    if (a && std::strcmp(a, b) != 0) std::abort();
    if (a) continue;
    if (alone.has_backslash() != bulk.has_backslash()) std::abort();
    if (alone.structural_count() != bulk.structural_count()) std::abort();
    for (uint32_t k = 0; k < alone.structural_count(); ++k)
      if (alone.structural_indexes()[k] != bulk.structural_indexes()[k]) std::abort();
  }
  return 0;
}
