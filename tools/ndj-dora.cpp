// ndj-dora: the DORA metrics (deployment frequency, lead time, change failure
// rate, failed deployment recovery time, rework rate, time to restore) of a
// stream of deployment, change and incident records, over a time window.
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/output.hpp"
#include "core/parallel_records.hpp"
#include "core/record_time.hpp"
#include "core/records.hpp"
#include "core/signals.hpp"
#include "core/time_bucket.hpp"
#include "core/timefmt.hpp"
#include "dora/intake.hpp"
#include "dora/options.hpp"
#include "dora/run.hpp"
#include "dora/windows.hpp"

namespace ndj {
namespace {

int parse_args(int argc, char** argv, dora::Options& o) {
  CLI::App app{"Compute the DORA metrics of deployment, change and incident records."};
  setup_app(app, "ndj-dora");
  add_input_options(app, o.input);
  TimeArg since_arg, until_arg, now_arg;
  auto* days = add_count_option(app, "--days", o.days, "Whole days before --until or today (30)");
  auto* since = add_time_option(app, "--since", since_arg, "Window start (instead of --days)");
  auto* until = add_time_option(app, "--until", until_arg, "Window end, exclusive (default: see --days)");
  auto* now = add_time_option(app, "--now", now_arg, "Take TIME as the current time");
  std::string group_by, format = "ndjson", tiers = "dora", compare, min_samples, color = "auto";
  std::vector<std::string> tags, maps, type_values, thresholds, goals, acks;
  app.add_option("--group-by", group_by, "Metrics per value of FIELD[,FIELD...]")->type_name("FIELDS");
  app.add_option("--format", format, "ndjson (default), json, csv, table, prom, html")->type_name("FORMAT");
  app.add_option("--color", color, "Table colours: auto (default), always, never")->type_name("WHEN");
  app.add_option("-o,--output", o.output, "Write to FILE, replaced atomically")->type_name("FILE");
  app.add_option("--tag", tags, "Add K=V to every record's tags")->type_name("K=V");
  app.add_option("--tiers", tiers, "dora (default) or none")->type_name("WHICH");
  app.add_option("--min-samples", min_samples, "Fewer samples: flagged low_n, no tier (5; 0: off)")
      ->type_name("N");
  app.add_option("--compare", compare, "Also the window before: previous")->type_name("WHICH");
  with_choices(app.get_option("--format"), dora::kFormats);
  with_choices(app.get_option("--color"), dora::kColorChoices);
  with_choices(app.get_option("--tiers"), dora::kTierChoices);
  with_choices(app.get_option("--compare"), dora::kCompareChoices);
  add_bucket_options(app, "Time series of day, week or month buckets", o.bucket, o.tz, o.week_starts_sunday);
  app.add_flag("--regressions", o.regressions, "Alert on regressions: --recent vs --baseline");
  add_duration_option(app, "--recent", o.recent, "Recent window, ending at --until (7d)");
  add_duration_option(app, "--baseline", o.baseline, "Baseline window, before the recent one (28d)");
  app.add_option("--threshold", thresholds, "Regression threshold in percent, or off")->type_name("METRIC=PCT");
  app.add_flag("--fail-on-regression", o.fail_on_regression, "Exit 3 when a regression was found");
  app.add_option("--goal", goals, "Target, e.g. 'lead_time.p90<=72h' (repeatable)")->type_name("GOAL");
  app.add_option("--alert-state", o.alert_state, "Remember alerts and acknowledgements in FILE")->type_name("FILE");
  app.add_option("--ack", acks, "Acknowledge the alert of METRIC[/GROUP], then exit")->type_name("ALERT");
  add_duration_option(app, "--ack-for", o.ack_for, "An acknowledged alert stays silent so long (24h)");
  add_duration_option(app, "--failure-window", o.schema.failure_window,
                      "Incident-to-deployment link window (24h)");
  app.add_option("--map", maps, "Read field NAME from input field FIELD")->type_name("NAME=FIELD");
  app.add_option("--type-value", type_values, "Also read type TYPE from VALUE")->type_name("TYPE=VALUE");
  add_epoch_option(app, o.schema.epoch, "Numeric times are in s, ms, us or ns");
  add_threads_option(app, o.threads);
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;

  // Dates and today/yesterday need --tz and --now, wherever they came.
  o.now = now->count() ? now_arg.resolve(o.tz, now_ns()) : now_ns();
  o.has_since = since->count() > 0;
  o.has_until = until->count() > 0;
  if (o.has_since) o.since = since_arg.resolve(o.tz, o.now);
  if (o.has_until) o.until = until_arg.resolve(o.tz, o.now);
  const dora::OptionText text{days->count() > 0, format, tiers, compare, min_samples, group_by, color, thresholds,
                              goals, acks};
  if (auto why = dora::check_output_options(text, o)) return usage_error(*why);
  if (auto why = dora::check_trend_options(text, o)) return usage_error(*why);
  if (auto why = dora::check_schema_options(text, o)) return usage_error(*why);
  for (const auto& t : tags) {
    std::pair<std::string, std::string> kv;
    if (!split_key_value(t, kv.first, kv.second)) return usage_error("--tag: expected K=V, got '" + t + "'");
    o.tags.push_back(kv);
  }
  for (const auto& m : maps) {
    std::pair<std::string, std::string> kv;
    if (!split_key_value(m, kv.first, kv.second)) return usage_error("--map: expected NAME=FIELD, got '" + m + "'");
    if (auto why = dora::add_map(o.schema, kv)) return usage_error(*why);
  }
  for (const auto& tv : type_values) {
    std::pair<std::string, std::string> kv;
    auto type = split_key_value(tv, kv.first, kv.second) ? dora::parse_event_type(kv.first) : std::nullopt;
    if (!type) return usage_error("--type-value: expected deployment=VALUE, change=VALUE or incident=VALUE, got '" + tv + "'");
    o.schema.type_values.emplace_back(kv.second, *type);
  }
  return -1;
}

// --color auto: only on a terminal, and not when NO_COLOR is set (no-color.org).
bool use_color(const dora::Options& o) {
  if (o.color != dora::ColorWhen::kAuto) return o.color == dora::ColorWhen::kAlways;
  const char* no_color = std::getenv("NO_COLOR");
  return o.output.empty() && isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

int run(const dora::Options& o) {
  if (!o.acks.empty()) {
    dora::record_acks(o.alert_state, o.acks, o.now);
    return kExitOk;
  }
  dora::RunWindows w;
  if (auto why = dora::plan_windows(o, o.now, w)) return usage_error(*why);
  // Read before the input: a bad state file stops the run before its work.
  std::optional<dora::AlertState> alerts;
  if (!o.alert_state.empty()) alerts = dora::load_alert_state(o.alert_state);
  Output out;
  RecordReader reader(o.input, out, RecordReader::Validation::kNone);  // read_records parses
  dora::EventStore store(o.schema, w.keep_from, w.window.until, w.window.since);
  store.set_threads(o.threads);
  auto st = dora::read_records(reader, store, o.threads);
  if (st == RecordReader::Status::kStrictStop) return kExitDataError;
  if (st == RecordReader::Status::kStopped && !reader.streaming()) return interrupted_exit_code();

  if (!may_write_report(reader)) return reader.exit_code();
  store.resolve();
  // Standard output takes the report piece by piece; -o needs it whole.
  std::string report;
  auto sink = [&](std::string_view text) {
    if (o.output.empty()) out.write(text);
    else report.append(text);
  };
  const auto fired = dora::write_report(store, o, w, use_color(o), alerts ? &*alerts : nullptr, sink);
  // Readable by other users: a report, for collectors running as another user.
  if (!o.output.empty()) write_file_atomic(o.output, report, 0644);
  out.flush();
  // Once the report is out: a run that failed to write it fires again next time.
  if (alerts && !fired.empty()) dora::record_fired(o.alert_state, fired, o.now);
  int rc = reader.exit_code();
  return rc == kExitOk && !fired.empty() && o.fail_on_regression ? kExitRegression : rc;
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-dora", [&] {
    ndj::dora::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
