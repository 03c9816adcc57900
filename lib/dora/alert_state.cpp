// The alert state file of --regressions: read, written, and applied.
#include "dora/alert_state.hpp"

#include <algorithm>
#include <utility>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/timefmt.hpp"
#include "dora/dora_report.hpp"
#include "json/json.hpp"

namespace ndj::dora {

const AlertState::Fired* AlertState::fired_of(const AlertKey& key) const {
  for (const auto& f : fired)
    if (f.key == key) return &f;
  return nullptr;
}

const AlertState::Ack* AlertState::ack_of(const AlertKey& key) const {
  for (const auto& a : acks)
    if (a.key == key) return &a;
  return nullptr;
}

void AlertState::fire(const AlertKey& key, TimeNs at) {
  for (auto& f : fired)
    if (f.key == key) {
      f.last = at;
      return;
    }
  fired.push_back({key, at, at});
}

void AlertState::acknowledge(const AlertKey& key, TimeNs at) {
  for (auto& a : acks)
    if (a.key == key) {
      a.at = at;
      return;
    }
  acks.push_back({key, at});
}

namespace {

// An object's members sorted by name, its values compact; the reason when
// a name comes twice.
std::optional<std::string> canonical_object(simdjson::dom::object object, std::string& out) {
  std::vector<std::pair<std::string_view, simdjson::dom::element>> members;
  for (auto field : object) members.emplace_back(field.key, field.value);
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out = "{";
  for (size_t i = 0; i < members.size(); ++i) {
    if (i && members[i].first == members[i - 1].first)
      return "field '" + std::string(members[i].first) + "' given twice";
    if (i) out.push_back(',');
    append_json_string(out, members[i].first);
    out.push_back(':');
    append_json(out, members[i].second);
  }
  out.push_back('}');
  return std::nullopt;
}

// The canonical text of the JSON object `text`; the reason when it is not one.
std::optional<std::string> canonical_group_text(std::string_view text, std::string& out) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  const simdjson::padded_string padded(text);
  if (auto err = parser.parse(padded).get(object))
    return err == simdjson::INCORRECT_TYPE ? "not a JSON object" : json_error_reason(err);
  return canonical_object(object, out);
}

std::string key_json(const AlertKey& key) {
  return std::string("\"metric\":\"") + metric_info(key.metric).name + "\",\"group\":" + key.group;
}

}  // namespace

std::string canonical_group(const EventStore& store, uint32_t group) {
  std::string text, out;
  append_group_object(text, store, group);
  canonical_group_text(text, out);  // the store's groups are valid objects with distinct fields
  return out;
}

std::optional<std::string> parse_alert_key(std::string_view spec, AlertKey& key) {
  const auto slash = spec.find('/');
  const std::string_view name = spec.substr(0, slash);
  auto metric = find_metric(name);
  if (!metric) return "unknown metric '" + std::string(name) + "'";
  key.metric = *metric;
  if (slash == std::string_view::npos) {
    key.group = "{}";
    return std::nullopt;
  }
  std::string_view group = spec.substr(slash + 1);
  std::string text;
  if (group.starts_with("{")) {
    text = group;
  } else {
    text = "{";
    for (const auto& item : split_list(group)) {
      std::string field, value;
      if (!split_key_value(item, field, value))
        return "expected METRIC/FIELD=VALUE[,FIELD=VALUE...] or METRIC/{JSON object}, got '" + std::string(spec) + "'";
      text.append(text.size() > 1 ? "," : "").append(json_string(field)).append(":").append(json_string(value));
    }
    text.push_back('}');
  }
  if (auto why = canonical_group_text(text, key.group)) return "group of '" + std::string(spec) + "': " + *why;
  return std::nullopt;
}

AlertState load_alert_state(const std::string& path) {
  AlertState state;
  auto text = read_file(path);
  if (!text) return state;
  auto corrupt = [&](const std::string& why) {
    return Error(kExitFailure,
                 path + ": corrupt alert state file: " + why + " (left untouched; move it away to start over)");
  };
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const simdjson::padded_string padded(*text);
  if (auto err = parser.parse(padded).get(doc)) throw corrupt(json_error_reason(err));
  int64_t version;
  if (doc["version"].get(version)) throw corrupt("missing \"version\"");
  if (version != 1)
    throw Error(kExitFailure, path + ": alert state file version " + std::to_string(version) +
                                  " is not supported (this ndj reads version 1); left untouched");
  // The key and the times `names` of an entry.
  auto entry = [&](simdjson::dom::element e, std::initializer_list<const char*> names, AlertKey& key,
                   std::vector<TimeNs>& times) {
    std::string_view metric;
    simdjson::dom::object group;
    if (e["metric"].get(metric) || e["group"].get(group)) throw corrupt("an entry lacks \"metric\" or \"group\"");
    auto m = find_metric(metric);
    if (!m) throw corrupt("unknown metric '" + std::string(metric) + "'");
    key.metric = *m;
    if (auto why = canonical_object(group, key.group)) throw corrupt(*why);
    for (const char* name : names) {
      std::string_view t;
      std::optional<TimeNs> at;
      if (!e[name].get(t)) at = parse_rfc3339(t);
      if (!at) throw corrupt(std::string("an entry lacks an RFC 3339 \"") + name + "\"");
      times.push_back(*at);
    }
  };
  simdjson::dom::array alerts, acks;
  if (doc["alerts"].get(alerts) || doc["acks"].get(acks)) throw corrupt("missing \"alerts\" or \"acks\" array");
  for (auto e : alerts) {
    AlertKey key;
    std::vector<TimeNs> times;
    entry(e, {"first_fired", "last_fired"}, key, times);
    state.fired.push_back({std::move(key), times[0], times[1]});
  }
  for (auto e : acks) {
    AlertKey key;
    std::vector<TimeNs> times;
    entry(e, {"acknowledged_at"}, key, times);
    state.acks.push_back({std::move(key), times[0]});
  }
  return state;
}

void save_alert_state(const std::string& path, const AlertState& state) {
  std::string out = "{\"version\":1,\"alerts\":[";
  for (size_t i = 0; i < state.fired.size(); ++i) {
    const auto& f = state.fired[i];
    out.append(i ? ",\n  {" : "\n  {").append(key_json(f.key));
    out.append(",\"first_fired\":\"").append(time_text(f.first));
    out.append("\",\"last_fired\":\"").append(time_text(f.last)).append("\"}");
  }
  out.append("],\n \"acks\":[");
  for (size_t i = 0; i < state.acks.size(); ++i) {
    const auto& a = state.acks[i];
    out.append(i ? ",\n  {" : "\n  {").append(key_json(a.key));
    out.append(",\"acknowledged_at\":\"").append(time_text(a.at)).append("\"}");
  }
  out.append("]}\n");
  write_file_atomic(path, out, 0600);
}

void suppress_acknowledged(std::vector<RegressionCheck>& checks, const EventStore& store, const AlertState& state,
                           TimeNs now, int64_t ack_for) {
  for (auto& c : checks) {
    if (!c.alert) continue;
    const auto* ack = state.ack_of({c.metric, canonical_group(store, c.group)});
    // An acknowledgement after `now` (a run with an earlier --now) does not count.
    if (!ack || ack->at > now || now - ack->at >= ack_for) continue;
    c.acknowledged_at = ack->at;
    c.silenced_until = ack->at > kNever - ack_for ? kNever : ack->at + ack_for;
  }
}

void record_fired(const std::string& path, const std::vector<AlertKey>& fired, TimeNs now) {
  FileLock lock(path + ".lock");
  AlertState state = load_alert_state(path);
  for (const auto& key : fired) state.fire(key, now);
  save_alert_state(path, state);
}

void record_acks(const std::string& path, const std::vector<std::pair<std::string, AlertKey>>& acks, TimeNs now) {
  FileLock lock(path + ".lock");
  AlertState state = load_alert_state(path);
  for (const auto& [spec, key] : acks) {
    if (!state.fired_of(key))
      warn("--ack " + spec + ": no such alert has fired (per " + path + "); acknowledged all the same");
    state.acknowledge(key, now);
  }
  save_alert_state(path, state);
}

}  // namespace ndj::dora
