// Fuzz timestamp, duration and size parsing: no crash, and what parses
// round-trips through the formatter.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/timefmt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  if (auto t = ndj::parse_rfc3339(s)) {
    auto again = ndj::parse_rfc3339(ndj::format_rfc3339(*t, 9));
    if (!again || *again != *t) std::abort();
  }
  if (auto d = ndj::parse_duration(s)) {
    auto again = ndj::parse_duration(ndj::format_duration(*d));
    if (!again || *again != *d) std::abort();
  }
  ndj::parse_size(s);
  ndj::kEpochUnits.parse(s);
  return 0;
}
