// Fuzz ndj-dora's record intake: each input line that is valid JSON goes to
// EventStore::add, then the store resolves and computes, as ndj-dora does,
// under each built-in definitions set and, when the first line is one, the
// definitions document it holds. Any record is kept, refused with a
// reason, or ignored; any definitions document is read or refused with a
// reason; never a crash.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/line_reader.hpp"
#include "fuzz_lines.hpp"
#include "dora/definitions.hpp"
#include "dora/dora.hpp"
#include "json/json.hpp"

namespace {

void run(const ndj::dora::Schema& schema, const std::vector<std::string>& lines) {
  static ndj::JsonParser parser;
  const ndj::TimeNs until = 1'700'000'000LL * ndj::kNsPerSec;
  const ndj::TimeNs since = until - 30 * ndj::dora::kNsPerDay;
  ndj::dora::EventStore store(schema, since - 30 * ndj::dora::kNsPerDay, until);
  std::string line;
  for (const auto& text : lines) {
    line.assign(text);
    line.append(ndj::kLinePadding, '\0');
    if (parser.parse(std::string_view(line.data(), text.size())) != nullptr || !parser.has_root()) continue;
    if (auto why = store.add(parser.root()); why && why->empty()) std::abort();
  }
  store.resolve();
  store.compute({since, until});
  store.compute({since - 30 * ndj::dora::kNsPerDay, since});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string> lines = fuzz_lines(data, size);
  ndj::dora::Schema schema;
  schema.group_by = {"service", "team"};
  schema.type_values = {{"deploy", ndj::dora::EventType::kDeployment},
                        {"claim", ndj::dora::EventType::kWorkStart},
                        {"done", ndj::dora::EventType::kWorkEnd}};
  for (const std::string& set : ndj::dora::definition_set_names()) {
    if (ndj::dora::load_definitions(set, schema)) std::abort();  // built in: always read
    run(schema, lines);
  }
  if (!lines.empty()) {
    auto why = ndj::dora::parse_definitions(lines.front(), schema);
    if (why && why->empty()) std::abort();
    if (!why) run(schema, lines);
  }
  return 0;
}
