// A record's timestamp (DESIGN.md §5): the first present of several
// top-level fields, an RFC 3339 string or an epoch number in a unit the user
// named. Shared by the tools that select records by time.
#pragma once
#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

#include "core/timefmt.hpp"

namespace CLI {
class App;
}

namespace ndj {

struct TimeFieldOptions {
  std::vector<std::string> names{"ts", "time", "timestamp"};
  std::optional<EpochUnit> epoch;  // numbers are times only when set
};

// Adds --time-field NAME[,NAME...] and --epoch s|ms|us|ns.
void add_time_field_options(CLI::App& app, TimeFieldOptions& opts);

class RecordTime {
 public:
  enum class Result {
    kFound,
    kMissing,      // not an object, or none of the fields is present
    kUnparseable,  // the first present field is not a time
    kNeedsEpoch,   // it is a number and no --epoch unit was given
  };

  explicit RecordTime(TimeFieldOptions opts) : opts_(std::move(opts)) {}

  // Looks at the first field of `names` present in `root`; never falls
  // through to the next name when that one holds a bad value (a guess would
  // silently change which records are selected).
  Result find(simdjson::dom::element root, TimeNs& out) const;

  // "ts, time, timestamp": for diagnostics.
  std::string field_list() const;

 private:
  TimeFieldOptions opts_;
};

}  // namespace ndj
