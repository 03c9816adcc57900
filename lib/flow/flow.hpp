// lib/flow/: ndj-flow: the board of work units from their lifecycle events
// (reference 000's flow.log, a tracker's export): the input mapping and the
// states (`flow`), the reports (`flow_reports`: WIP, blocked, stale,
// critical path, cycle time, throughput and cumulative flow, gates), the
// Monte Carlo forecast (`forecast`) and the formats (`flow_output`, HTML in
// `flow_html`). Included by ndj-flow only; depends on core/ and json/.
//
// This header: the mapping of fields and event names, and the Board, which
// reads records into work units and their events as of one instant.
#pragma once
#include <simdjson.h>

#include <climits>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/timefmt.hpp"
#include "json/field_path.hpp"

namespace ndj::flow {

// The states a work unit is in; every event name maps to one of them or is
// ignored.
enum class State : uint8_t { kReady, kActive, kBlocked, kDone };
inline constexpr size_t kStates = 4;
const char* state_name(State s);

// --states 'ready=wu:create;active=wu:claim,wu:prep;...': event names per
// state, plus `ignore=` for names read and skipped. The first name of
// `ready` is the creation event: a WU's events timed before it are reported.
struct StateMap {
  std::unordered_map<std::string, int> by_event;  // a State, or -1: ignored
  std::string creation;                           // empty: none
};
inline constexpr const char* kDefaultStates =
    "ready=wu:create,wu:release;active=wu:claim,wu:prep,wu:unblock;blocked=wu:block;done=wu:done";
// The reason when `spec` is not a states list.
std::optional<std::string> parse_states(std::string_view spec, StateMap& out);

// Which fields each input name is read from (--map NAME=FIELD[,FIELD...]):
// the first field a record has is read.
struct FieldMap {
  std::vector<FieldPath> id, event, time, lane, depends_on, estimate, type, gate, result;
};
// The names --map takes, for its check and the man page.
const std::vector<std::string>& map_names();
// Reference 000's flow.log and common spellings.
FieldMap default_fields();
// --map NAME=FIELD[,FIELD...]; the reason when it is not one.
std::optional<std::string> add_map(FieldMap& fields, std::string_view spec);

struct Schema {
  FieldMap fields = default_fields();
  StateMap states;
  std::optional<EpochUnit> epoch;
};

// --mapping FILE: a tracker's mapping as one JSON document,
// {"map": {"id": "issue.number", "time": ["a", "b"], ...},
//  "states": "ready=opened;...", "epoch": "ms"}; each member optional. The
// fields go into `schema`, the states text into `states` (parse_states
// reads it) and the epoch unit into schema.epoch. The reason when it fails.
std::optional<std::string> load_mapping(const std::string& path, Schema& schema, std::string& states);

// One work unit as of the board's instant.
struct WorkUnit {
  std::string id;
  uint32_t lane = 0, type = 0;  // indices into Board::lanes() and types()
  double estimate = -1;         // < 0: none
  std::vector<uint32_t> depends_on;  // indices of WUs
  TimeNs depends_since = 0;          // when the list was last given
  bool seen = false;                 // has events; false: only named as a dependency
  State state = State::kReady;
  TimeNs state_since = 0;
  std::optional<TimeNs> created, claimed, done;  // claimed: first time active
  // Time in each state from the claim to the done (or the instant).
  TimeNs in_state[kStates] = {0, 0, 0, 0};
  size_t first_event = 0, events = 0;  // range in Board::events()
};

struct Event {
  TimeNs t;
  uint32_t wu;
  uint32_t line;
  uint16_t file;
  State state;
  bool creation;  // the creation event (StateMap::creation)
};

// One run of a gate (a record with a gate field).
struct GateRun {
  TimeNs t;
  uint32_t gate;  // index into Board::gates()
  bool passed;
};

class Board {
 public:
  // Events after `as_of` are read (and checked) but left out.
  Board(const Schema& schema, TimeNs as_of);

  // Reads one record of FILE:LINE. nullopt when it was taken (or left out
  // as after the instant, or an ignored event); else the reason it is bad.
  std::optional<std::string> add(simdjson::dom::element root, const std::string& file, uint64_t line);

  // Once every record is in: sorts each WU's events by time, checks them
  // against its creation (`report(file, line, reason)` for each event
  // before it: left out) and works out the states.
  void resolve(const std::function<void(const std::string&, uint64_t, const std::string&)>& report);

  TimeNs as_of() const { return as_of_; }
  const std::vector<WorkUnit>& units() const { return units_; }
  const std::vector<Event>& events() const { return events_; }
  const std::vector<std::string>& lanes() const { return lanes_; }
  const std::vector<std::string>& types() const { return types_; }
  const std::vector<std::string>& gates() const { return gates_; }
  const std::vector<GateRun>& gate_runs() const { return gate_runs_; }

 private:
  uint32_t unit(std::string_view id);
  uint32_t intern(std::vector<std::string>& names, std::unordered_map<std::string, uint32_t>& index,
                  std::string_view name);

  const Schema& schema_;
  TimeNs as_of_;
  std::vector<WorkUnit> units_;
  std::unordered_map<std::string, uint32_t> unit_index_;
  std::vector<Event> events_;
  std::vector<std::string> files_;
  std::vector<std::string> lanes_{""}, types_{""};
  std::unordered_map<std::string, uint32_t> lane_index_{{"", 0}}, type_index_{{"", 0}};
  std::vector<std::string> gates_;
  std::unordered_map<std::string, uint32_t> gate_index_;
  std::vector<GateRun> gate_runs_;
  // When each WU's lane, type and estimate were last given.
  struct AttrTimes {
    TimeNs lane = INT64_MIN, type = INT64_MIN, estimate = INT64_MIN, depends = INT64_MIN;
  };
  std::vector<AttrTimes> attr_time_;
};

}  // namespace ndj::flow
