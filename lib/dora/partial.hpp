// ndj-dora --partial and --merge: the events of a run's intake as a
// compact, versioned file that runs over other parts of the input can be
// merged with, into the report one run over all the input would give.
//
// What a partial holds, and why. Counts and sums add up, but exact
// medians and p90s need every value, and the values are not known where
// the input is split: a change's lead time needs its deployment (maybe in
// another part), a failure needs the incidents that name the deployment or
// its service, a recovery the service's next deployment, a work unit its
// start, a repeated id its first occurrence. So a partial holds the events
// the run kept after reading (IntakeBatch entries: times, flags, id hashes,
// services and group keys interned once, change lists), before any of
// them is joined; a merge inserts them into one store and joins there.
// The result is the single run's for any split of the input, with no
// split key to respect.
//
// The file (version 1) is one JSON header line, then the body:
//   {"ndj_dora_partial":1,"fingerprint":"<16 hex>","since":T,"until":T,
//    "keep_from":T,"since_ns":N,"until_ns":N,"keep_from_ns":N,
//    "definitions":NAME,"group_by":[...],"entries":N,"strings":N,"bytes":N}
// The body, `bytes` long, is little-endian LEB128 varints (z: zigzag):
//   counts: records, events, in_window, deployments, z first, z last deployment
//   strings: N times (length, bytes): services and group keys
//   entries: N times (flags, z time delta from the previous entry, then
//     by flags: z until - time, id (8 bytes), service string, group key
//     string, change count and ids (8 bytes each))
//   XXH3-64 of all the above (8 bytes).
// Partials concatenate: a stream of them reads as all of them.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dora/dora.hpp"

namespace ndj::dora {

inline constexpr int kPartialVersion = 1;

// What the events of a partial were read for: the schema (definitions,
// mapping, grouping, failure window, epoch unit), the report window's
// start (`window_since`, for the counts of the note) and end (`as_of`),
// and from when events were kept.
struct PartialPlan {
  const Schema* schema = nullptr;
  TimeNs keep_from = 0, as_of = 0, window_since = 0;
};

// The fingerprint of what must be the same for partials to merge: the
// version, the schema, window_since and as_of (keep_from aside: a partial
// that kept more serves a merge that needs less).
std::string partial_fingerprint(const PartialPlan& plan);

// Collects the entries of IntakeBatches (in any number of calls) and
// writes them as one partial.
class PartialWriter {
 public:
  explicit PartialWriter(const PartialPlan& plan);
  void add(const IntakeBatch& batch);
  // The whole partial, header line and body, to `sink` in pieces (the
  // entries are not copied).
  void finish(const std::function<void(std::string_view)>& sink) const;

 private:
  uint32_t string_id(std::string_view s);

  PartialPlan plan_;
  InputCounts counts_;
  // Looked up by string_view: no string made per entry.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids_;
  std::string strings_, entries_;
  uint32_t nstrings_ = 0;
  uint64_t nentries_ = 0;
  TimeNs last_time_ = 0;
};

// Reads the partials in `bytes` (one or several concatenated; `name` in
// messages) into batches passed to `insert`, as an EventReader with the
// plan `want` would have read their records: entries a partial kept
// for an earlier keep_from than `want` are left out as the reader would.
// Throws Error: kExitUsage when a partial was made with other settings
// (the message says which differ) or for a later keep_from; kExitDataError
// when it is empty or not a partial, or is truncated or damaged.
void read_partials(std::string_view bytes, const std::string& name, const PartialPlan& want,
                   const std::function<void(const IntakeBatch&)>& insert);

}  // namespace ndj::dora
