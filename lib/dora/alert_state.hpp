// The memory of --regressions between runs (--alert-state FILE): when the
// alert of each metric and group first and last fired, and when it was
// last acknowledged (--ack). An alert acknowledged less than --ack-for ago
// does not fire again: it is written as a note, and --fail-on-regression
// does not count it. The file is JSON, mode 0600, replaced atomically; its
// writers take FILE.lock, so an acknowledgement made during a run is kept.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dora/dora.hpp"
#include "dora/dora_trends.hpp"

namespace ndj::dora {

// A metric of a group: the group as canonical JSON text, its fields in
// name order and its values compact ("{}" for the overall row).
struct AlertKey {
  Metric metric;
  std::string group;
  bool operator==(const AlertKey&) const = default;
};

struct AlertState {
  struct Fired {
    AlertKey key;
    TimeNs first, last;
  };
  struct Ack {
    AlertKey key;
    TimeNs at;
  };
  std::vector<Fired> fired;
  std::vector<Ack> acks;  // the latest of each key

  const Fired* fired_of(const AlertKey& key) const;
  const Ack* ack_of(const AlertKey& key) const;
  void fire(const AlertKey& key, TimeNs at);
  void acknowledge(const AlertKey& key, TimeNs at);
};

// The state in `path`: empty when there is no such file. Throws Error(1)
// when it cannot be read or is not a state file (it is left untouched).
AlertState load_alert_state(const std::string& path);
// Writes `state` to `path` (mode 0600, replaced atomically).
void save_alert_state(const std::string& path, const AlertState& state);

// --ack: "METRIC" (the overall row), "METRIC/FIELD=VALUE[,FIELD=VALUE...]"
// (string values) or "METRIC/{JSON object}" (any values); the reason when
// malformed.
std::optional<std::string> parse_alert_key(std::string_view spec, AlertKey& key);
// The canonical group of a row of `store`.
std::string canonical_group(const EventStore& store, uint32_t group);

// Turns the alerts of `checks` acknowledged in `state` less than `ack_for`
// before `now` into suppressed ones (RegressionCheck::acknowledged_at).
void suppress_acknowledged(std::vector<RegressionCheck>& checks, const EventStore& store, const AlertState& state,
                           TimeNs now, int64_t ack_for);

// Under the lock of `path`: records `fired` at `now` in the state read
// afresh, and writes it.
void record_fired(const std::string& path, const std::vector<AlertKey>& fired, TimeNs now);
// Under the lock of `path`: records acknowledgements of the keys (--ack:
// as given, and read) at `now`. Warns about a key whose alert never fired
// (a mistyped group?).
void record_acks(const std::string& path, const std::vector<std::pair<std::string, AlertKey>>& acks, TimeNs now);

}  // namespace ndj::dora
