// Fuzz ndj-emit's assignment parsing: each input line is one assignment
// (key=string, key:=JSON, key@=FILE); a bad one is an ndj::Error, never a
// crash, and whatever is built is valid JSON.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/diag.hpp"
#include "emit/event_builder.hpp"
#include "json/json_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  ndj::EventBuilder builder;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) nl = s.size();
    std::string_view assignment = s.substr(start, nl - start);
    start = nl + 1;
    // key@=FILE reads a file: keep the fuzzer away from the filesystem.
    if (assignment.find("@=") != std::string_view::npos) continue;
    try {
      builder.add(assignment);
    } catch (const ndj::Error&) {
    }
  }
  if (!builder.has_top_level("time")) builder.prepend_string("time", "2024-01-01T00:00:00Z");
  if (ndj::json_check(builder.json()) != nullptr) std::abort();
  return 0;
}
