// Definitions sets: the built-in ones are JSON documents read by the same
// code as a --definitions FILE, so a team's own file can say anything a
// built-in set says.
#include "dora/definitions.hpp"

#include <simdjson.h>

#include <algorithm>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/format.hpp"
#include "core/timefmt.hpp"

namespace ndj::dora {

namespace {

struct NamedSet {
  const char* name;
  const char* json;
};

// dora: the DORA research program's definitions (the defaults of
// Definitions). commits: reference 000, commit-based (LumenFlow-style).
// ledger: reference 003, a change and incident ledger (Vigilo-style).
constexpr NamedSet kSets[] = {
    {"dora", R"({"name":"dora"})"},
    {"commits", R"({"name":"commits","deployments":"all","frequency":"per_week",
      "lead_time":["work_units"],
      "recovery":"emergency_pairs",
      "emergency_when":[{"field":"change_type","in":["emergency"]},{"field":"emergency","in":[true]}],
      "rework":"changes",
      "rework_when":[{"field":"revert","in":[true]},{"field":"hotfix","in":[true]}]})"},
    {"ledger", R"({"name":"ledger","linked_incidents":"failure_window","service_incidents":false,
      "lead_time":["deployments"],"rate":"fraction"})"},
};

using simdjson::dom::element;

// The members that choose between two words: `on` sets the flag.
struct Switch {
  const char* key;
  const char* off;
  const char* on;
  bool Definitions::*flag;
};
constexpr Switch kSwitches[] = {
    {"deployments", "successful", "all", &Definitions::all_deployments},
    {"frequency", "per_day", "per_week", &Definitions::frequency_per_week},
    {"rate", "percent", "fraction", &Definitions::rate_as_fraction},
    {"linked_incidents", "any", "failure_window", &Definitions::linked_within_window},
    {"recovery", "restore", "emergency_pairs", &Definitions::recovery_from_emergency_pairs},
    {"rework", "deployments", "changes", &Definitions::rework_counts_changes},
};

struct ConditionList {
  const char* key;
  std::vector<Condition> Definitions::*conditions;
};
constexpr ConditionList kConditionLists[] = {
    {"failed_when", &Definitions::failed_when},
    {"incidents_when", &Definitions::incidents_when},
    {"emergency_when", &Definitions::emergency_when},
    {"rework_when", &Definitions::rework_when},
};

std::optional<std::string> read_conditions(element v, const char* key, std::vector<Condition>& out) {
  const std::string where = std::string("\"") + key + "\"";
  simdjson::dom::array list;
  if (v.get_array().get(list)) return where + ": expected an array of {\"field\":NAME,\"in\":[VALUE,...]}";
  out.clear();
  for (element c : list) {
    simdjson::dom::object o;
    if (c.get_object().get(o)) return where + ": expected an array of {\"field\":NAME,\"in\":[VALUE,...]}";
    Condition cond;
    for (auto [k, value] : o) {
      std::string_view field;
      simdjson::dom::array values;
      if (k == "field" && !value.get_string().get(field) && !field.empty()) {
        cond.field = field;
      } else if (k == "in" && !value.get_array().get(values)) {
        for (element x : values) cond.values.push_back(simdjson::minify(x));
      } else if (k == "equals") {
        cond.values.push_back(simdjson::minify(value));
      } else {
        return where + ": unexpected \"" + std::string(k) + "\" (a condition has \"field\" and \"in\" or \"equals\")";
      }
    }
    if (cond.field.empty() || cond.values.empty()) return where + ": a condition needs \"field\" and \"in\" (or \"equals\")";
    out.push_back(std::move(cond));
  }
  return std::nullopt;
}

// One of `choices` in a string member; false when it is none of them.
bool read_choice(element v, std::initializer_list<const char*> choices, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s)) return false;
  for (const char* c : choices)
    if (s == c) {
      out = s;
      return true;
    }
  return false;
}

// A member of "input" that maps names to one string or an array of them.
template <class Add>
std::optional<std::string> read_pairs(element v, const char* key, Add add) {
  simdjson::dom::object o;
  const std::string where = std::string("\"input\": \"") + key + "\"";
  if (v.get_object().get(o)) return where + ": expected an object";
  for (auto [k, value] : o) {
    std::vector<std::string> texts;
    std::string_view s;
    simdjson::dom::array list;
    if (!value.get_string().get(s)) {
      texts.emplace_back(s);
    } else if (!value.get_array().get(list)) {
      for (element x : list) {
        if (x.get_string().get(s)) return where + ": expected strings for \"" + std::string(k) + "\"";
        texts.emplace_back(s);
      }
    } else {
      return where + ": expected a string or an array of strings for \"" + std::string(k) + "\"";
    }
    if (auto why = add(std::string(k), texts)) return where + ": " + *why;
  }
  return std::nullopt;
}

std::optional<std::string> read_input(element v, Schema& schema) {
  simdjson::dom::object o;
  if (v.get_object().get(o)) return std::string("\"input\": expected an object");
  for (auto [k, value] : o) {
    std::optional<std::string> why;
    if (k == "map") {
      why = read_pairs(value, "map", [&](const std::string& name, const std::vector<std::string>& fields) {
        std::string joined;
        for (const auto& f : fields) joined += (joined.empty() ? "" : ",") + f;
        return add_map(schema, {name, joined});
      });
    } else if (k == "type_values" || k == "status_values") {
      const bool types = k == "type_values";
      why = read_pairs(value, types ? "type_values" : "status_values",
                       [&](const std::string& name, const std::vector<std::string>& values) {
                         std::optional<std::string> bad;
                         for (const auto& x : values)
                           if (!bad) bad = types ? add_type_value(schema, {name, x}) : add_status_value(schema, {name, x});
                         return bad;
                       });
    } else if (k == "epoch") {
      std::string_view unit;
      auto parsed = value.get_string().get(unit) ? std::nullopt : kEpochUnits.parse(std::string(unit));
      if (!parsed) return "\"input\": \"epoch\": " + kEpochUnits.expected(std::string(unit));
      schema.epoch = *parsed;
    } else {
      return "\"input\": unexpected \"" + std::string(k) + "\" (map, type_values, status_values, epoch)";
    }
    if (why) return why;
  }
  return std::nullopt;
}

// Reads a set's JSON document over `schema` (defs as they are: the base);
// `named`: whether it has a name of its own.
std::optional<std::string> read_set(std::string_view json, Schema& schema, int depth, bool& named) {
  simdjson::dom::parser parser;
  simdjson::padded_string text(json);
  simdjson::dom::object o;
  if (auto err = parser.parse(text).get_object().get(o))
    return std::string("not a JSON object (") + simdjson::error_message(err) + ")";
  Definitions& d = schema.defs;
  // The base first, wherever it is written.
  if (element base; !o["base"].get(base)) {
    std::string_view name;
    if (base.get_string().get(name)) return std::string("\"base\": expected the name of a built-in set");
    auto set = std::find_if(std::begin(kSets), std::end(kSets), [&](const NamedSet& s) { return name == s.name; });
    if (set == std::end(kSets) || depth > 0)
      return "\"base\": expected dora, commits or ledger, got '" + std::string(name) + "'";
    bool base_named;
    if (auto why = read_set(set->json, schema, depth + 1, base_named)) return why;
  }
  for (auto [k, v] : o) {
    std::string choice;
    const std::string key(k);
    auto expected = [&](const std::string& what) { return "\"" + key + "\": expected " + what; };
    if (key == "base") continue;
    if (key == "name") {
      std::string_view name;
      if (v.get_string().get(name) || name.empty()) return expected("a name");
      d.name = name;
      named = true;
    } else if (auto sw = std::find_if(std::begin(kSwitches), std::end(kSwitches),
                                      [&](const Switch& x) { return key == x.key; });
               sw != std::end(kSwitches)) {
      if (!read_choice(v, {sw->off, sw->on}, choice)) return expected(std::string(sw->off) + " or " + sw->on);
      d.*sw->flag = choice == sw->on;
    } else if (auto list = std::find_if(std::begin(kConditionLists), std::end(kConditionLists),
                                        [&](const ConditionList& x) { return key == x.key; });
               list != std::end(kConditionLists)) {
      if (auto why = read_conditions(v, list->key, d.*list->conditions)) return why;
    } else if (key == "service_incidents") {
      if (v.get_bool().get(d.service_incidents)) return expected("true or false");
    } else if (key == "failure_window") {
      std::string_view text;
      auto ns = v.get_string().get(text) ? std::nullopt : parse_duration(text);
      if (!ns || *ns <= 0) return expected("a positive duration such as \"24h\"");
      schema.failure_window = *ns;
    } else if (key == "lead_time") {
      simdjson::dom::array from;
      if (v.get_array().get(from)) return expected("an array of changes, deployments, work_units");
      d.lead_from_changes = d.lead_from_deployments = d.lead_from_work_units = false;
      for (element x : from) {
        if (!read_choice(x, {"changes", "deployments", "work_units"}, choice))
          return expected("an array of changes, deployments, work_units");
        (choice == "changes" ? d.lead_from_changes : choice == "deployments" ? d.lead_from_deployments
                                                                             : d.lead_from_work_units) = true;
      }
      if (!d.lead_from_changes && !d.lead_from_deployments && !d.lead_from_work_units)
        return expected("at least one of changes, deployments, work_units");
    } else if (key == "input") {
      if (auto why = read_input(v, schema)) return why;
    } else {
      return "unknown member \"" + key + "\"";
    }
  }
  return std::nullopt;
}

// "revert is true or hotfix is true", with the input fields read.
std::string conditions_text(const Schema& schema, EventType t, const std::vector<Condition>& conditions) {
  std::string out;
  for (const Condition& c : conditions) {
    if (!out.empty()) out += ", or ";
    std::string fields;
    for (const auto& f : schema.input_names(t, c.field)) fields += (fields.empty() ? "" : "/") + f;
    out += fields + (c.values.size() == 1 ? " is " : " is one of ");
    for (size_t i = 0; i < c.values.size(); ++i) out += (i ? ", " : "") + c.values[i];
  }
  return out;
}

}  // namespace

const std::vector<std::string>& definition_set_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& s : kSets) n.emplace_back(s.name);
    return n;
  }();
  return names;
}

std::optional<std::string> load_definitions(const std::string& name_or_file, Schema& schema) {
  schema.defs = Definitions{};
  bool named = false;
  for (const auto& s : kSets)
    if (name_or_file == s.name) return read_set(s.json, schema, 0, named);
  std::optional<std::string> text;
  try {
    text = read_file(name_or_file);
  } catch (const std::exception& e) {
    return std::string("--definitions: ") + e.what();  // names the file
  }
  if (!text)
    return "--definitions: expected dora, commits, ledger or a file, got '" + name_or_file + "' (no such file)";
  // A file without a name is known by its own.
  const size_t slash = name_or_file.rfind('/');
  std::string stem = name_or_file.substr(slash == std::string::npos ? 0 : slash + 1);
  stem = stem.substr(0, stem.rfind(".json") == std::string::npos ? stem.size() : stem.rfind(".json"));
  if (auto why = read_set(*text, schema, 0, named)) return "--definitions: " + name_or_file + ": " + *why;
  if (!named) schema.defs.name = stem;
  return std::nullopt;
}

std::optional<std::string> parse_definitions(std::string_view json, Schema& schema) {
  schema.defs = Definitions{};
  bool named = false;
  return read_set(json, schema, 0, named);
}

std::optional<std::string> add_map(Schema& schema, const std::pair<std::string, std::string>& kv) {
  std::string name = kv.first;
  const size_t dot = name.find('.');
  if (dot != std::string::npos) {
    auto type = parse_event_type(std::string_view(name).substr(0, dot));
    if (!type)
      return "--map: unknown record type in '" + name +
             "' (TYPE.NAME: TYPE is deployment, change, incident, work_start or work_end)";
    if (name.substr(dot + 1) == "type") return "--map: the type field is one for all records, not '" + name + "'";
  }
  const std::string field = dot == std::string::npos ? name : name.substr(dot + 1);
  const auto& known = canonical_fields();
  bool ok = std::find(known.begin(), known.end(), field) != known.end() ||
            std::find(schema.group_by.begin(), schema.group_by.end(), field) != schema.group_by.end();
  if (!ok)
    return "--map: unknown field '" + field +
           "' (a --group-by field or one of type, id, time, service, status, changes, "
           "change_type, unplanned, deployment_id, deployed_at, completed_at, resolved_at, committed_at, started_at)";
  std::vector<std::string> inputs = split_list(kv.second);
  if (inputs.empty()) inputs.emplace_back();
  schema.renames[name] = std::move(inputs);
  return std::nullopt;
}

std::optional<std::string> add_type_value(Schema& schema, const std::pair<std::string, std::string>& kv) {
  auto type = parse_event_type(kv.first);
  if (!type)
    return "--type-value: expected deployment=VALUE, change=VALUE, incident=VALUE, work_start=VALUE or "
           "work_end=VALUE, got '" + kv.first + "=" + kv.second + "'";
  schema.type_values.emplace_back(kv.second, *type);
  return std::nullopt;
}

std::optional<std::string> add_status_value(Schema& schema, const std::pair<std::string, std::string>& kv) {
  if (kv.first != "success" && kv.first != "failure" && kv.first != "rolled_back")
    return "--status-value: expected success=VALUE, failure=VALUE or rolled_back=VALUE, got '" + kv.first + "=" +
           kv.second + "'";
  schema.status_values.emplace_back(kv.second, kv.first);
  return std::nullopt;
}

std::string explain_definitions(const Schema& schema) {
  const Definitions& d = schema.defs;
  auto field = [&](EventType t, const char* name) {
    std::string out;
    for (const auto& f : schema.input_names(t, name)) out += (out.empty() ? "" : "/") + f;
    return out;
  };
  using T = EventType;
  const std::string window = format_duration(schema.failure_window);
  std::string out = "definitions: " + d.name + "\n";
  out += "deployment_frequency: " + std::string(d.all_deployments ? "every deployment" : "successful deployments") +
         " (by " + field(T::kDeployment, "time") + ") in the window, per " +
         (d.frequency_per_week ? "week" : "day") + "\n";
  out += "lead_time: median of";
  std::string sources;
  auto source = [&](bool on, const std::string& text) {
    if (on) sources += (sources.empty() ? " " : "; and ") + text;
  };
  source(d.lead_from_changes, "each change of a successful deployment: the deployment's " + field(T::kDeployment, "time") +
                                  " minus the change's " + field(T::kChange, "time") + " (or " +
                                  field(T::kChange, "deployed_at") + " minus " + field(T::kChange, "time") + ")");
  source(d.lead_from_deployments, "each successful deployment: its " + field(T::kDeployment, "time") + " minus its " +
                                      field(T::kDeployment, "started_at"));
  source(d.lead_from_work_units, "each work unit ending in the window: its end's " + field(T::kWorkEnd, "time") +
                                     " minus the first start's " + field(T::kWorkStart, "time") + " of the same " +
                                     field(T::kWorkEnd, "id"));
  out += sources + "\n";
  out += "change_failure_rate: failed deployments / all deployments, as a " +
         std::string(d.rate_as_fraction ? "fraction" : "percentage") + "; failed: " +
         field(T::kDeployment, "status") + " is failure or rolled_back" +
         (schema.status_values.empty() ? "" : " (after the status values below)");
  if (!d.failed_when.empty()) out += ", or " + conditions_text(schema, T::kDeployment, d.failed_when);
  out += ", or an incident names it in " + field(T::kIncident, "deployment_id") +
         (d.linked_within_window ? " and opened within " + window + " after it" : " (at any time)");
  if (d.service_incidents)
    out += ", or an incident of its " + field(T::kIncident, "service") + " without one opened within " + window +
           " after it";
  out += "\n";
  if (d.recovery_from_emergency_pairs)
    out += "failed_deployment_recovery_time: median time from an emergency deployment (" +
           conditions_text(schema, T::kDeployment, d.emergency_when) +
           ") to the next of its service, in pairs (first, second), (third, fourth), ...\n";
  else
    out += "failed_deployment_recovery_time: median time from a failed deployment to the latest " +
           field(T::kIncident, "resolved_at") + " of its incidents, else to its service's next successful deployment\n";
  out += "rework_rate: " + std::string(d.rework_counts_changes ? "changes" : "deployments") + " where " +
         conditions_text(schema, d.rework_counts_changes ? T::kChange : T::kDeployment, d.rework_when) +
         ", / all deployments, as a " + (d.rate_as_fraction ? "fraction" : "percentage") + "\n";
  out += "time_to_restore: median of " + field(T::kIncident, "resolved_at") + " minus " + field(T::kIncident, "time") +
         " of the incidents resolved in the window\n";
  if (!d.incidents_when.empty())
    out += "incidents: only those where " + conditions_text(schema, T::kIncident, d.incidents_when) + "\n";
  std::string types;
  for (const auto& [value, type] : schema.type_values) types += " " + std::string(event_type_name(type)) + "=" + value;
  if (!types.empty()) out += "type values:" + types + "\n";
  std::string statuses;
  for (const auto& [value, status] : schema.status_values) statuses += " " + status + "=" + value;
  if (!statuses.empty()) out += "status values:" + statuses + "\n";
  return out;
}

}  // namespace ndj::dora
