// Fuzz ndj-dora --merge's reading of partials: the bytes as a whole file,
// and as the body of a partial whose header and checksum are right (so the
// decoder past the checksum is reached), read into a store that resolves
// and computes as a merge does. A partial is read or refused with an Error
// (usage or data error); never a crash, never an entry the store cannot
// take.
#include <xxhash.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/diag.hpp"
#include "dora/dora.hpp"
#include "dora/partial.hpp"

namespace {

void merge(std::string_view bytes, const ndj::dora::PartialPlan& plan) {
  ndj::dora::EventStore store(*plan.schema, plan.keep_from, plan.as_of, plan.window_since);
  try {
    ndj::dora::read_partials(bytes, "fuzz", plan, [&](const ndj::dora::IntakeBatch& b) { store.insert(b); });
  } catch (const ndj::Error& e) {
    if (e.code() != ndj::kExitUsage && e.code() != ndj::kExitDataError) std::abort();
    return;
  }
  store.resolve();
  store.compute({plan.window_since, plan.as_of});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (bool grouped : {false, true}) {
    ndj::dora::Schema schema;
    if (grouped) schema.group_by = {"team", "service"};
    const ndj::TimeNs until = 1'700'000'000LL * ndj::kNsPerSec;
    const ndj::dora::PartialPlan plan{&schema, until - 60 * ndj::dora::kNsPerDay, until,
                                      until - 30 * ndj::dora::kNsPerDay};
    merge(body, plan);
    std::string file = "{\"ndj_dora_partial\":1,\"fingerprint\":\"" + ndj::dora::partial_fingerprint(plan) +
                       "\",\"since_ns\":" + std::to_string(plan.window_since) +
                       ",\"until_ns\":" + std::to_string(plan.as_of) +
                       ",\"keep_from_ns\":" + std::to_string(plan.keep_from) +
                       ",\"definitions\":\"dora\",\"group_by\":[],\"bytes\":" + std::to_string(size + 8) + "}\n";
    file.append(body);
    const uint64_t sum = XXH3_64bits(body.data(), body.size());
    for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>(sum >> (8 * i)));
    merge(file, plan);
  }
  return 0;
}
