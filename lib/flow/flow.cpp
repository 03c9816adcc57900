// The board: records read into work units and their events, then each
// unit's states worked out as of one instant.
#include "flow/flow.hpp"

#include <algorithm>
#include <charconv>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/record_time.hpp"

namespace ndj::flow {

const char* state_name(State s) {
  static const char* const kNames[kStates] = {"ready", "active", "blocked", "done"};
  return kNames[static_cast<size_t>(s)];
}

std::optional<std::string> parse_states(std::string_view spec, StateMap& out) {
  out = {};
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t end = spec.find(';', pos);
    if (end == std::string_view::npos) end = spec.size();
    const std::string_view part = spec.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty()) continue;
    std::string key, names;
    if (!split_key_value(part, key, names)) return "--states: expected STATE=EVENT[,EVENT...], got '" + std::string(part) + "'";
    int state = -1;
    for (size_t s = 0; s < kStates; ++s)
      if (key == state_name(static_cast<State>(s))) state = static_cast<int>(s);
    if (state < 0 && key != "ignore")
      return "--states: expected ready, active, blocked, done or ignore, got '" + key + "'";
    for (const std::string& name : split_list(names)) {
      if (name.empty()) return "--states: an empty event name in '" + std::string(part) + "'";
      if (!out.by_event.emplace(name, state).second) return "--states: event '" + name + "' is given twice";
      if (state == static_cast<int>(State::kReady) && out.creation.empty()) out.creation = name;
    }
  }
  for (size_t s = 0; s < kStates; ++s) {
    const bool mapped = std::any_of(out.by_event.begin(), out.by_event.end(),
                                    [&](const auto& e) { return e.second == static_cast<int>(s); });
    if (!mapped && static_cast<State>(s) != State::kBlocked && static_cast<State>(s) != State::kReady)
      return std::string("--states: no event for ") + state_name(static_cast<State>(s));
  }
  return std::nullopt;
}

const std::vector<std::string>& map_names() {
  static const std::vector<std::string> kNames = {"id",   "event",    "time", "lane",  "depends_on",
                                                  "estimate", "type", "gate", "result"};
  return kNames;
}

namespace {

std::vector<FieldPath>* map_slot(FieldMap& m, std::string_view name) {
  std::vector<FieldPath>* slots[] = {&m.id,       &m.event, &m.time, &m.lane,  &m.depends_on,
                                     &m.estimate, &m.type,  &m.gate, &m.result};
  const auto& names = map_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return slots[i];
  return nullptr;
}

// The first of `paths` present in `root`, and which one.
std::optional<simdjson::dom::element> find_first(simdjson::dom::element root, const std::vector<FieldPath>& paths,
                                                 const FieldPath** which = nullptr) {
  for (const FieldPath& p : paths)
    if (auto v = p.find(root)) {
      if (which) *which = &p;
      return v;
    }
  return std::nullopt;
}

std::string field_list(const std::vector<FieldPath>& paths) {
  std::string out;
  for (const FieldPath& p : paths) out += (out.empty() ? "" : ", ") + p.text();
  return out;
}

// An id: a string, or a whole number written as its digits (GitHub's issue
// numbers).
std::optional<std::string> id_text(simdjson::dom::element v) {
  if (v.is_string()) return std::string(v.get_string().value());
  if (v.is_int64()) return std::to_string(v.get_int64().value());
  if (v.is_uint64()) return std::to_string(v.get_uint64().value());
  return std::nullopt;
}

}  // namespace

FieldMap default_fields() {
  FieldMap m;
  for (const char* spec : {"id=wuId,wu_id,id", "event=event", "time=timestamp,ts,time",
                           "lane=lane", "depends_on=depends_on,blocked_by,dependsOn,blockedBy",
                           "estimate=estimate", "type=wu_type,wuType", "gate=gate,gate_name",
                           "result=passed,result,status"})
    add_map(m, spec);
  return m;
}

std::optional<std::string> add_map(FieldMap& fields, std::string_view spec) {
  std::string name, list;
  if (!split_key_value(spec, name, list)) return "--map: expected NAME=FIELD[,FIELD...], got '" + std::string(spec) + "'";
  auto* slot = map_slot(fields, name);
  if (!slot) return "--map: expected " + alternatives(map_names()) + ", got '" + name + "'";
  std::vector<FieldPath> paths;
  for (const std::string& f : split_list(list)) {
    auto p = FieldPath::parse(f);
    if (!p || f.empty()) return "--map: bad field path '" + f + "' for " + name;
    paths.push_back(std::move(*p));
  }
  *slot = std::move(paths);
  return std::nullopt;
}

std::optional<std::string> load_mapping(const std::string& path, Schema& schema, std::string& states) {
  const std::string where = "--mapping: " + path + ": ";
  std::optional<std::string> text;
  try {
    text = read_file(path);
  } catch (const std::exception& e) {
    return std::string("--mapping: ") + e.what();
  }
  if (!text) return where + "no such file";
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  if (parser.parse(*text).get(doc) != simdjson::SUCCESS) return where + "not a JSON object";
  for (auto [key, value] : doc) {
    if (key == "map") {
      simdjson::dom::object map;
      if (value.get(map) != simdjson::SUCCESS) return where + "\"map\" is not an object";
      for (auto [name, fields] : map) {
        std::string list;
        if (fields.is_string()) {
          list = fields.get_string().value();
        } else if (fields.is_array()) {
          for (auto f : fields.get_array()) {
            if (!f.is_string()) return where + "the fields of \"" + std::string(name) + "\" are not strings";
            list += (list.empty() ? "" : ",") + std::string(f.get_string().value());
          }
        } else {
          return where + "the fields of \"" + std::string(name) + "\" are not a string or a list";
        }
        if (auto why = add_map(schema.fields, std::string(name) + "=" + list)) return where + *why;
      }
    } else if (key == "states") {
      if (!value.is_string()) return where + "\"states\" is not a string";
      states = value.get_string().value();
    } else if (key == "epoch") {
      auto unit = value.is_string() ? kEpochUnits.parse(value.get_string().value()) : std::nullopt;
      if (!unit) return where + "\"epoch\" is not s, ms, us or ns";
      schema.epoch = unit;
    } else if (key != "about") {
      return where + "unknown member \"" + std::string(key) + "\" (map, states, epoch, about)";
    }
  }
  return std::nullopt;
}

Board::Board(const Schema& schema, TimeNs as_of) : schema_(schema), as_of_(as_of) {}

uint32_t Board::intern(std::vector<std::string>& names, std::unordered_map<std::string, uint32_t>& index,
                       std::string_view name) {
  auto it = index.find(std::string(name));
  if (it != index.end()) return it->second;
  const auto i = static_cast<uint32_t>(names.size());
  names.emplace_back(name);
  index.emplace(std::string(name), i);
  return i;
}

uint32_t Board::unit(std::string_view id) {
  auto it = unit_index_.find(std::string(id));
  if (it != unit_index_.end()) return it->second;
  const auto i = static_cast<uint32_t>(units_.size());
  units_.emplace_back().id = id;
  attr_time_.emplace_back();
  unit_index_.emplace(std::string(id), i);
  return i;
}

std::optional<std::string> Board::add(simdjson::dom::element root, const std::string& file, uint64_t line) {
  if (!root.is_object()) return "not an object";
  const FieldMap& f = schema_.fields;
  const FieldPath* which = nullptr;
  TimeNs t = 0;
  auto read_time = [&]() -> std::optional<std::string> {
    auto v = find_first(root, f.time, &which);
    if (!v) return "no time (" + field_list(f.time) + ")";
    switch (read_time_value(*v, schema_.epoch, t)) {
      case TimeValue::kTime: return std::nullopt;
      case TimeValue::kNeedsEpoch: return which->text() + " is a number: give its unit with --epoch";
      default: return which->text() + " is not an RFC 3339 time";
    }
  };
  if (auto gate = find_first(root, f.gate)) {
    if (!gate->is_string()) return "the gate name is not a string";
    if (auto why = read_time()) return why;
    auto r = find_first(root, f.result, &which);
    if (!r) return "a gate run without a result (" + field_list(f.result) + ")";
    bool passed;
    if (r->is_bool()) {
      passed = r->get_bool().value();
    } else {
      const std::string_view s = r->is_string() ? r->get_string().value() : std::string_view();
      if (s == "pass" || s == "passed" || s == "success" || s == "ok") passed = true;
      else if (s == "fail" || s == "failed" || s == "failure" || s == "error") passed = false;
      else return which->text() + " is not true, false, pass or fail";
    }
    if (t <= as_of_) gate_runs_.push_back({t, intern(gates_, gate_index_, gate->get_string().value()), passed});
    return std::nullopt;
  }
  auto idv = find_first(root, f.id);
  if (!idv) return "no work unit id (" + field_list(f.id) + ")";
  auto id = id_text(*idv);
  if (!id || id->empty()) return "the work unit id is not a string or a whole number";
  auto ev = find_first(root, f.event);
  if (!ev) return "no event name (" + field_list(f.event) + ")";
  if (!ev->is_string()) return "the event name is not a string";
  const std::string_view name = ev->get_string().value();
  auto st = schema_.states.by_event.find(std::string(name));
  if (st == schema_.states.by_event.end()) return "unknown event '" + std::string(name) + "' (see --states)";
  if (auto why = read_time()) return why;
  if (st->second < 0 || t > as_of_) return std::nullopt;

  // Attributes, checked before anything is kept.
  std::optional<std::string_view> lane, type;
  std::optional<double> estimate;
  std::optional<std::vector<std::string>> deps;
  if (auto v = find_first(root, f.lane)) {
    if (!v->is_string()) return "the lane is not a string";
    lane = v->get_string().value();
  }
  if (auto v = find_first(root, f.type)) {
    if (!v->is_string()) return "the type is not a string";
    type = v->get_string().value();
  }
  if (auto v = find_first(root, f.estimate)) {
    if (!v->is_number() || v->get_double().value() < 0) return "the estimate is not a number of 0 or more";
    estimate = v->get_double().value();
  }
  if (auto v = find_first(root, f.depends_on)) {
    deps.emplace();
    if (v->is_string()) {
      for (const std::string& d : split_list(v->get_string().value()))
        if (!d.empty()) deps->push_back(d);
    } else if (v->is_array()) {
      for (auto item : v->get_array()) {
        auto d = id_text(item);
        if (!d) return "a dependency is not a string or a whole number";
        deps->push_back(std::move(*d));
      }
    } else if (!v->is_null()) {
      return "the dependencies are not a list of ids";
    }
  }

  const uint32_t u = unit(*id);
  if (files_.empty() || files_.back() != file) files_.push_back(file);
  events_.push_back({t, u, static_cast<uint32_t>(line), static_cast<uint16_t>(std::min<size_t>(files_.size() - 1, 65535)),
                     static_cast<State>(st->second), name == schema_.states.creation});
  AttrTimes& at = attr_time_[u];
  if (lane && t >= at.lane) at.lane = t, units_[u].lane = intern(lanes_, lane_index_, *lane);
  if (type && t >= at.type) at.type = t, units_[u].type = intern(types_, type_index_, *type);
  if (estimate && t >= at.estimate) at.estimate = t, units_[u].estimate = *estimate;
  if (deps && t >= at.depends) {
    at.depends = t;
    std::vector<uint32_t> idx;
    for (const std::string& d : *deps) idx.push_back(unit(d));
    std::sort(idx.begin(), idx.end());
    idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
    units_[u].depends_on = std::move(idx);
    units_[u].depends_since = t;
  }
  return std::nullopt;
}

void Board::resolve(const std::function<void(const std::string&, uint64_t, const std::string&)>& report) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const Event& a, const Event& b) { return a.wu != b.wu ? a.wu < b.wu : a.t < b.t; });
  std::vector<Event> kept;
  kept.reserve(events_.size());
  for (size_t i = 0; i < events_.size();) {
    size_t end = i;
    while (end < events_.size() && events_[end].wu == events_[i].wu) ++end;
    WorkUnit& w = units_[events_[i].wu];
    std::optional<TimeNs> creation;
    for (size_t k = i; k < end && !creation; ++k)
      if (events_[k].creation) creation = events_[k].t;
    w.first_event = kept.size();
    for (size_t k = i; k < end; ++k) {
      const Event& e = events_[k];
      if (creation && e.t < *creation) {
        report(files_[e.file], e.line,
               std::string(state_name(e.state)) + " event of " + w.id + " before its creation at " +
                   format_rfc3339(*creation) + ": left out");
        continue;
      }
      kept.push_back(e);
    }
    w.events = kept.size() - w.first_event;
    i = end;
    if (!w.events) continue;
    w.seen = true;
    const Event* ev = kept.data() + w.first_event;
    w.created = creation ? *creation : ev[0].t;
    TimeNs prev = ev[0].t;
    w.state = ev[0].state;
    w.state_since = prev;
    for (size_t k = 0; k < w.events; ++k) {
      const Event& e = ev[k];
      if (w.claimed) w.in_state[static_cast<size_t>(w.state)] += e.t - prev;
      if (e.state == State::kActive && !w.claimed) w.claimed = e.t;
      if (e.state != w.state || k == 0) w.state_since = e.t;
      w.state = e.state;
      prev = e.t;
    }
    if (w.state == State::kDone) w.done = w.state_since;
    else if (w.claimed) w.in_state[static_cast<size_t>(w.state)] += as_of_ - prev;
  }
  events_ = std::move(kept);
}

}  // namespace ndj::flow
