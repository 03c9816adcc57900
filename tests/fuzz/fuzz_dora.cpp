// Fuzz ndj-dora's record intake: each input line that is valid JSON goes to
// EventStore::add, then the store resolves and computes, as ndj-dora does.
// Any record is kept, refused with a reason, or ignored, never a crash.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dora/dora.hpp"
#include "json/json.hpp"
#include "core/line_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  static ndj::JsonParser parser;
  ndj::dora::Schema schema;
  schema.group_by = {"service", "team"};
  schema.type_values = {{"deploy", ndj::dora::EventType::kDeployment}};
  const ndj::TimeNs until = 1'700'000'000LL * ndj::kNsPerSec;
  const ndj::TimeNs since = until - 30 * ndj::dora::kNsPerDay;
  ndj::dora::EventStore store(schema, since - 30 * ndj::dora::kNsPerDay, until);
  std::string line;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) nl = s.size();
    line.assign(s.substr(start, nl - start));
    start = nl + 1;
    size_t length = line.size();
    line.append(ndj::kLinePadding, '\0');
    if (parser.parse(std::string_view(line.data(), length)) != nullptr || !parser.has_root()) continue;
    if (auto why = store.add(parser.root()); why && why->empty()) std::abort();
  }
  store.resolve();
  store.compute({since, until});
  store.compute({since - 30 * ndj::dora::kNsPerDay, since});
  return 0;
}
