// ndj-flow: where work is stuck. From the lifecycle events of work units
// (reference 000's flow.log, a tracker's export): WIP per lane against its
// limit, blocked and stale work, the critical path, cycle time, throughput
// with the cumulative flow, and Monte Carlo forecasts, as of any instant.
#include <algorithm>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/output.hpp"
#include "core/record_time.hpp"
#include "core/records.hpp"
#include "core/time_bucket.hpp"
#include "flow/dora_headline.hpp"
#include "flow/flow.hpp"
#include "flow/flow_html.hpp"
#include "flow/flow_output.hpp"
#include "flow/flow_reports.hpp"

namespace ndj {
namespace {

const std::vector<std::string> kFailOn = {"wip", "blocked", "stale"};

struct Options {
  InputOptions input;
  flow::Schema schema;
  flow::ReportOptions reports;
  std::vector<flow::Report> which;
  flow::Format format = flow::Format::kNdjson;
  TimeNs as_of = 0;
  std::string output;
  std::vector<std::string> fail_on, dora_files, dora_args;
};

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Where work is stuck: WIP, blocked, stale, critical path, cycle time, forecasts."};
  setup_app(app, "ndj-flow");
  add_input_options(app, o.input);
  std::vector<std::string> reports = {"wip", "blocked", "stale", "critical-path", "cycle-time", "throughput",
                                      "forecast"};
  std::string format = "ndjson", states = flow::kDefaultStates, limits_file, mapping;
  std::vector<std::string> maps, limits;
  TimeArg as_of_arg, forecast_date_arg;
  std::optional<BucketUnit> bucket;
  int64_t stale = 0;
  with_choices(app.add_option("-r,--report", reports, "Reports (default all but gates and report)"),
               flow::kReports)
      ->delimiter(',')
      ->type_name("NAME,...");
  with_choices(app.add_option("-f,--format", format, "ndjson (default), table, json, csv or html"), flow::kFormats)
      ->type_name("FMT");
  app.add_option("-o,--output", o.output, "Write to FILE, replaced atomically")->type_name("FILE");
  auto* as_of = add_time_option(app, "--as-of", as_of_arg, "The board as it stood at TIME (default now)");
  app.add_option("--map", maps, "Read NAME (id, event, time, ...) from these fields")
      ->type_name("NAME=FIELDS");
  auto* states_opt = app.add_option("--states", states, "Event names per state (man page)")->type_name("SPEC");
  app.add_option("--mapping", mapping, "--map, --states and --epoch from a JSON file")->type_name("FILE");
  add_epoch_option(app, o.schema.epoch, "Numeric times are in s, ms, us or ns");
  add_count_option(app, "--days", o.reports.days, "The window: days up to --as-of (30)");
  add_bucket_options(app, "Throughput per day (default), week or month", bucket, o.reports.tz,
                     o.reports.week_starts_sunday);
  app.add_option("--wip-limit", limits, "WIP limit of a lane (LANE *: the others)")->type_name("LANE=N");
  app.add_option("--wip-limits", limits_file, "WIP limits from a JSON object {\"LANE\": N}")->type_name("FILE");
  auto* stale_opt = add_duration_option(app, "--stale", stale, "Stale past this age (default: lane's p85)");
  add_count_option(app, "--top", o.reports.top, "Critical-path rows (20; 0: all)", 0);
  add_count_option(app, "--trials", o.reports.trials, "Monte Carlo trials (10000)");
  app.add_option("--seed", o.reports.seed, "Seed of the trials (1)")->type_name("N");
  auto* fdate = add_time_option(app, "--forecast-date", forecast_date_arg, "Items done by TIME (as-of + 14 days)");
  size_t items = 0;
  auto* fitems = add_count_option(app, "--forecast-items", items, "Date for N items (default: unfinished)");
  with_choices(app.add_option("--fail-on", o.fail_on, "Exit 3 when any is found: wip, blocked, stale"), kFailOn)
      ->delimiter(',')
      ->type_name("WHAT,...");
  app.add_option("--dora", o.dora_files, "report: ndj-dora's headline of FILE")->type_name("FILE");
  app.add_option("--dora-arg", o.dora_args, "report: pass ARG to ndj-dora")->type_name("ARG");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;

  o.as_of = as_of->count() ? as_of_arg.resolve(o.reports.tz, now_ns()) : now_ns();
  if (fdate->count()) o.reports.forecast_date = forecast_date_arg.resolve(o.reports.tz, o.as_of);
  if (fitems->count()) o.reports.forecast_items = items;
  if (stale_opt->count()) o.reports.stale = stale;
  if (bucket) o.reports.bucket = *bucket;
  for (const std::string& r : reports) o.which.push_back(*flow::kReports.parse(r));
  o.format = *flow::kFormats.parse(format);
  // The file first: --map, --states and --epoch given override it.
  const auto epoch = o.schema.epoch;
  std::string file_states = states;
  if (!mapping.empty())
    if (auto why = flow::load_mapping(mapping, o.schema, file_states)) return usage_error(*why);
  if (epoch) o.schema.epoch = epoch;
  if (auto why = flow::parse_states(states_opt->count() ? states : file_states, o.schema.states))
    return usage_error(*why);
  for (const std::string& m : maps)
    if (auto why = flow::add_map(o.schema.fields, m)) return usage_error(*why);
  if (!limits_file.empty())
    if (auto why = flow::load_wip_limits(limits_file, o.reports)) return usage_error(*why);
  for (const std::string& l : limits)
    if (auto why = flow::add_wip_limit(l, o.reports)) return usage_error(*why);
  if (!o.dora_files.empty() && std::find(o.which.begin(), o.which.end(), flow::Report::kReport) == o.which.end())
    return usage_error("--dora goes with --report report");
  if (!o.dora_args.empty() && o.dora_files.empty()) return usage_error("--dora-arg goes with --dora");
  if (o.reports.days > kMaxBuckets) return usage_error("--days: at most " + std::to_string(kMaxBuckets));
  return -1;
}

// ndj-dora over --dora FILE..., on the same window and zone.
flow::Table dora_table(const Options& o, const flow::FlowReports& reports) {
  std::vector<std::string> argv{flow::dora_program(), "--since", format_rfc3339(reports.window_start(), 9), "--until",
                                format_rfc3339(reports.window_end(), 9), "--now", format_rfc3339(o.as_of, 9)};
  if (!o.reports.tz.empty()) argv.insert(argv.end(), {"--tz", o.reports.tz});
  argv.insert(argv.end(), o.dora_args.begin(), o.dora_args.end());
  argv.insert(argv.end(), o.dora_files.begin(), o.dora_files.end());
  return flow::dora_headline(argv);
}

int run(const Options& o) {
  Output out;
  RecordReader reader(o.input, out, RecordReader::Validation::kDom);
  flow::Board board(o.schema, o.as_of);
  Record rec;
  RecordReader::Status st;
  while ((st = reader.next(rec)) == RecordReader::Status::kRecord) {
    if (rec.is_mark) continue;
    std::optional<std::string> why;
    if (!reader.has_root()) why = "a number beyond the range of a double";  // see JsonParser
    else why = board.add(reader.root(), *rec.file, rec.line);
    if (why && reader.bad_lines().report(*rec.file, rec.line, *why, rec.text)) {
      st = RecordReader::Status::kStrictStop;
      break;
    }
  }
  if (auto rc = reader.stop_exit_code(st)) return *rc;
  if (!may_write_report(reader)) return reader.exit_code();
  board.resolve([&](const std::string& file, uint64_t line, const std::string& why) {
    reader.bad_lines().note(file, line, why);
  });

  flow::FlowReports reports(board, o.reports);
  std::vector<flow::Table> tables;
  for (flow::Report r : o.which)
    for (flow::Table& t : reports.tables(r)) {
      const bool seen = std::any_of(tables.begin(), tables.end(), [&](const flow::Table& x) { return x.name == t.name; });
      if (!seen) tables.push_back(std::move(t));
    }
  if (!o.dora_files.empty()) tables.push_back(dora_table(o, reports));
  flow::ReportHeader header{o.as_of, reports.day_labels().front(), o.reports.days, o.reports.tz};
  const std::string text = o.format == flow::Format::kHtml
                               ? flow::format_html(header, tables, reports.day_labels(), reports.cumulative_flow())
                               : flow::format_tables(o.format, header, tables);
  if (o.output.empty()) out.write(text);
  else write_file_atomic(o.output, text, 0644);
  out.flush();

  int rc = reader.exit_code();
  if (rc == kExitOk && !o.fail_on.empty()) {
    const flow::Findings f = reports.findings();
    for (const std::string& what : o.fail_on)
      if ((what == "wip" && f.lanes_over_limit) || (what == "blocked" && f.blocked) || (what == "stale" && f.stale))
        rc = kExitRegression;
  }
  return rc;
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-flow", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
