// ndj-dora: the DORA metrics (deployment frequency, lead time, change failure
// rate, failed deployment recovery time, rework rate, time to restore) of a
// stream of deployment, change and incident records, over a time window.
#include <string>
#include <vector>

#include "cli.hpp"
#include "diag.hpp"
#include "dora.hpp"
#include "dora_report.hpp"
#include "output.hpp"
#include "records.hpp"
#include "signals.hpp"
#include "timefmt.hpp"

namespace ndj {
namespace {

struct Options {
  InputOptions input;
  size_t days = 30;
  TimeNs since = 0, until = 0;
  bool has_since = false, has_until = false;
  dora::Schema schema;
  dora::Format format = dora::Format::kNdjson;
  std::vector<std::pair<std::string, std::string>> tags;
  bool tiers = true;
  bool compare_previous = false;
};

// "NAME=VALUE" with both parts non-empty.
bool split_pair(const std::string& s, std::pair<std::string, std::string>& out) {
  auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) return false;
  out = {s.substr(0, eq), s.substr(eq + 1)};
  return true;
}

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Compute the DORA metrics of deployment, change and incident records."};
  setup_app(app, "ndj-dora");
  add_input_options(app, o.input);
  auto* days = add_count_option(app, "--days", o.days, "Window length in days, ending at --until (30)");
  auto* since = add_time_option(app, "--since", o.since, "Window start (instead of --days)");
  add_time_option(app, "--until", o.until, "Window end, exclusive (default: now)");
  std::string group_by, format = "ndjson", tiers = "dora", epoch, compare;
  std::vector<std::string> tags, maps, type_values;
  app.add_option("--group-by", group_by, "Metrics per value of FIELD[,FIELD...]")->type_name("FIELDS");
  app.add_option("--format", format, "ndjson (default), json, csv or table")->type_name("FORMAT");
  app.add_option("--tag", tags, "Add K=V to every record's tags")->type_name("K=V");
  app.add_option("--tiers", tiers, "dora (default) or none")->type_name("WHICH");
  app.add_option("--compare", compare, "Also the window before: previous")->type_name("WHICH");
  add_duration_option(app, "--failure-window", o.schema.failure_window,
                      "Incident-to-deployment link window (24h)");
  app.add_option("--map", maps, "Read field NAME from input field FIELD")->type_name("NAME=FIELD");
  app.add_option("--type-value", type_values, "Also read type TYPE from VALUE")->type_name("TYPE=VALUE");
  app.add_option("--epoch", epoch, "Numeric times are in s, ms, us or ns")->type_name("UNIT");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;

  o.has_since = since->count() > 0;
  o.has_until = app.get_option("--until")->count() > 0;
  if (o.days > 1'000'000) return usage_error("--days: at most 1000000");
  if (o.has_since && days->count() > 0) return usage_error("--days and --since cannot be used together");
  if (auto f = dora::parse_format(format)) o.format = *f;
  else return usage_error("--format: expected ndjson, json, csv or table, got '" + format + "'");
  if (tiers == "none") o.tiers = false;
  else if (tiers != "dora") return usage_error("--tiers: expected dora or none, got '" + tiers + "'");
  if (compare == "previous") o.compare_previous = true;
  else if (!compare.empty()) return usage_error("--compare: expected previous, got '" + compare + "'");
  if (!epoch.empty()) {
    o.schema.epoch = parse_epoch_unit(epoch);
    if (!o.schema.epoch) return usage_error("--epoch: expected s, ms, us or ns, got '" + epoch + "'");
  }
  if (o.schema.failure_window <= 0) return usage_error("--failure-window must be positive");
  for (size_t start = 0; !group_by.empty() && start <= group_by.size();) {
    size_t comma = std::min(group_by.find(',', start), group_by.size());
    std::string field = group_by.substr(start, comma - start);
    if (field.empty()) return usage_error("--group-by: empty field name in '" + group_by + "'");
    for (const auto& f : o.schema.group_by)
      if (f == field) return usage_error("--group-by: '" + field + "' given twice");
    o.schema.group_by.push_back(field);
    start = comma + 1;
  }
  for (const auto& t : tags) {
    std::pair<std::string, std::string> kv;
    if (!split_pair(t, kv)) return usage_error("--tag: expected K=V, got '" + t + "'");
    o.tags.push_back(kv);
  }
  for (const auto& m : maps) {
    std::pair<std::string, std::string> kv;
    if (!split_pair(m, kv)) return usage_error("--map: expected NAME=FIELD, got '" + m + "'");
    const auto& known = dora::canonical_fields();
    bool ok = std::find(known.begin(), known.end(), kv.first) != known.end() ||
              std::find(o.schema.group_by.begin(), o.schema.group_by.end(), kv.first) != o.schema.group_by.end();
    if (!ok)
      return usage_error("--map: unknown field '" + kv.first +
                         "' (a --group-by field or one of type, id, time, service, status, changes, "
                         "change_type, unplanned, deployment_id, deployed_at, completed_at, resolved_at)");
    o.schema.renames[kv.first] = kv.second;
  }
  for (const auto& tv : type_values) {
    std::pair<std::string, std::string> kv;
    auto type = split_pair(tv, kv) ? dora::parse_event_type(kv.first) : std::nullopt;
    if (!type) return usage_error("--type-value: expected deployment=VALUE, change=VALUE or incident=VALUE, got '" + tv + "'");
    o.schema.type_values.emplace_back(kv.second, *type);
  }
  return -1;
}

// A valid line the DOM cannot hold (see JsonParser) cannot be read.
constexpr const char* kBeyondDouble = "a number beyond the range of a double";

int run(const Options& o) {
  dora::Window w;
  w.until = o.has_until ? o.until : now_ns();
  w.since = o.has_since ? o.since : w.until - static_cast<TimeNs>(o.days) * dora::kNsPerDay;
  if (w.since >= w.until) return usage_error("the window is empty: --since must be before --until");

  // The window before, as long as this one, for --compare previous.
  const dora::Window before{w.since - (w.until - w.since), w.since};

  Output out;
  RecordReader reader(o.input, out, true);
  dora::EventStore store(o.schema, o.compare_previous ? before.since : w.since, w.until);
  Record rec;
  RecordReader::Status st;
  while ((st = reader.next(rec)) == RecordReader::Status::kRecord) {
    if (rec.is_mark) continue;
    std::optional<std::string> why = kBeyondDouble;
    if (reader.has_root()) why = store.add(reader.root());
    if (why) {
      if (reader.bad_lines().report(*rec.file, rec.line, *why, rec.text)) {
        st = RecordReader::Status::kStrictStop;
        break;
      }
    }
  }
  if (st == RecordReader::Status::kStrictStop) return kExitDataError;
  if (st == RecordReader::Status::kStopped && !reader.streaming()) return interrupted_exit_code();

  store.resolve();
  auto rows = store.compute(w);
  const auto& all = rows.front();
  if (all.negative_lead_times)
    warn(std::to_string(all.negative_lead_times) +
         " change(s) with a deployment time before their own time (negative lead time) left out");
  if (all.negative_recoveries)
    warn(std::to_string(all.negative_recoveries) +
         " failed deployment(s) whose incidents were resolved before it (negative recovery time) left out");
  dora::ReportSettings settings{w, o.tags, o.tiers, nullptr, before};
  std::vector<dora::GroupMetrics> previous_rows;
  if (o.compare_previous) {
    previous_rows = store.compute(before);
    settings.previous = &previous_rows;
  }
  out.write(dora::format_report(o.format, store, rows, settings));
  out.flush();
  return reader.exit_code();
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-dora", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
