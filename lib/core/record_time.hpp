// A record's timestamp (DESIGN.md §5): an RFC 3339 string or an epoch
// number in the unit the user named (--epoch). The one time-field reader of
// the tools that select or bucket records by time; RecordTime looks for it
// in the first present of several top-level fields.
#pragma once
#include <simdjson.h>

#include <optional>
#include <string>
#include <vector>

#include "core/timefmt.hpp"

namespace CLI {
class App;
class Option;
}

namespace ndj {

struct TimeFieldOptions {
  std::vector<std::string> names{"ts", "time", "timestamp"};
  std::optional<EpochUnit> epoch;  // numbers are times only when set
};

// Adds --epoch s|ms|us|ns, checked while parsing.
CLI::Option* add_epoch_option(CLI::App& app, std::optional<EpochUnit>& unit, const std::string& description);

// Adds --time-field NAME[,NAME...] and --epoch s|ms|us|ns.
void add_time_field_options(CLI::App& app, TimeFieldOptions& opts);

// What a timestamp value holds.
enum class TimeValue {
  kTime,
  kBadText,     // a string that is not RFC 3339
  kNeedsEpoch,  // a number, and no --epoch unit was given
  kOutOfRange,  // a number beyond the times a TimeNs holds
  kNotTime,     // null, a boolean, an array or an object
};

// Reads `v` as a timestamp into `out` (on kTime).
TimeValue read_time_value(simdjson::dom::element v, const std::optional<EpochUnit>& epoch, TimeNs& out);

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
