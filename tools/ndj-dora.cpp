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
#include "core/locked_append.hpp"
#include "core/output.hpp"
#include "core/parallel_records.hpp"
#include "core/record_time.hpp"
#include "core/records.hpp"
#include "core/time_bucket.hpp"
#include "core/timefmt.hpp"
#include "dora/intake.hpp"
#include "dora/options.hpp"
#include "dora/run.hpp"
#include "dora/windows.hpp"
#include "expr/record_filter.hpp"

namespace ndj {
namespace {

// --append waits this long for the log's lock, held by appenders for one
// write each and by ndj-prune while it rewrites the log.
constexpr int kAppendLockTimeoutMs = 10'000;

int parse_args(int argc, char** argv, dora::Options& o, RecordFilter& where) {
  CLI::App app{"Compute the DORA metrics of deployment, change and incident records."};
  setup_app(app, "ndj-dora");
  add_input_options(app, o.input);
  TimeArg since_arg, until_arg, now_arg;
  auto* days = add_count_option(app, "--days", o.days, "Whole days before --until or today (30)");
  auto* since = add_time_option(app, "--since", since_arg, "Window start (instead of --days)");
  auto* until = add_time_option(app, "--until", until_arg, "Window end, exclusive (default: see --days)");
  auto* now = add_time_option(app, "--now", now_arg, "Take TIME as the current time");
  std::string group_by, format = "ndjson", tiers = "dora", compare, min_samples, color = "auto";
  std::vector<std::string> tags, thresholds, goals;
  dora::OptionText text;
  app.add_option("--group-by", group_by, "Metrics per value of FIELD[,FIELD...]")->type_name("FIELDS");
  app.add_option("--format", format, "Default ndjson; snapshot, json, csv, table, prom, html")
      ->type_name("FORMAT");
  app.add_option("--color", color, "Table colours: auto (default), always, never")->type_name("WHEN");
  app.add_option("-o,--output", o.output, "Write to FILE, replaced atomically")->type_name("FILE");
  app.add_option("--append", o.append, "Append the records to FILE under a lock")->type_name("FILE");
  app.add_option("--tag", tags, "Set tag K to V in every record's tags (K=: remove)")->type_name("K=V");
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
  app.add_option("--ack", text.acks, "Acknowledge the alert of METRIC[/GROUP], then exit")->type_name("ALERT");
  add_duration_option(app, "--ack-for", o.ack_for, "An acknowledged alert stays silent so long (24h)");
  int64_t failure_window = 0;
  auto* window = add_duration_option(app, "--failure-window", failure_window, "Incident-to-deployment link window (24h)");
  app.add_option("--definitions", text.definitions, "Metric definitions: dora (default), commits, ledger")
      ->type_name("NAME|FILE");
  app.add_flag("--explain", o.explain, "Print the definitions in force and exit");
  app.add_option("--map", text.maps, "Read NAME (or TYPE.NAME) from FIELD[,FIELD...]")
      ->type_name("NAME=FIELD");
  app.add_option("--type-value", text.type_values, "Also read type TYPE from VALUE")->type_name("TYPE=VALUE");
  app.add_option("--status-value", text.status_values, "Read deployment status VALUE as STATUS")
      ->type_name("STATUS=VALUE");
  add_epoch_option(app, o.schema.epoch, "Numeric times are in s, ms, us or ns");
  add_threads_option(app, o.threads);
  app.add_flag("--partial", o.partial, "Write a partial for --merge, not a report");
  app.add_flag("--merge", o.merge, "Read partials (FILE...), not records");
  FilterArgs filter;
  add_where_option(app, filter, "Only records where EXPR holds, before any metric");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;

  // Dates and today/yesterday need --tz and --now, wherever they came.
  o.now = now->count() ? now_arg.resolve(o.tz, now_ns()) : now_ns();
  o.has_since = since->count() > 0;
  o.has_until = until->count() > 0;
  if (o.has_since) o.since = since_arg.resolve(o.tz, o.now);
  if (o.has_until) o.until = until_arg.resolve(o.tz, o.now);
  std::string filter_error;
  auto f = make_record_filter(filter, {}, o.now, o.tz, filter_error);
  if (!f) return usage_error(filter_error);
  where = std::move(*f);
  // Partials hold only the records the filter let through: it is part of
  // what --merge must match.
  o.schema.where = filter.where;
  text.days_given = days->count() > 0;
  text.format = format;
  text.tiers = tiers;
  text.compare = compare;
  text.min_samples = min_samples;
  text.group_by = group_by;
  text.color = color;
  text.thresholds = thresholds;
  text.goals = goals;
  if (auto why = dora::check_output_options(text, o)) return usage_error(*why);
  if (auto why = dora::check_trend_options(text, o)) return usage_error(*why);
  auto given_window = window->count() ? std::optional<int64_t>(failure_window) : std::nullopt;
  if (auto why = dora::check_schema_options(text, o, given_window)) return usage_error(*why);
  for (const auto& t : tags) {
    // K= is kept: an empty value removes the tag.
    const size_t eq = t.find('=');
    if (eq == 0 || eq == std::string::npos) return usage_error("--tag: expected K=V or K=, got '" + t + "'");
    o.tags.emplace_back(t.substr(0, eq), t.substr(eq + 1));
  }
  return -1;
}

// --color auto: only on a terminal, and not when NO_COLOR is set (no-color.org).
bool use_color(const dora::Options& o) {
  if (o.color != dora::ColorWhen::kAuto) return o.color == dora::ColorWhen::kAlways;
  const char* no_color = std::getenv("NO_COLOR");
  return o.output.empty() && isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

int run(const dora::Options& o, RecordFilter& where) {
  if (o.explain) {
    Output out;
    out.write(dora::explain_definitions(o.schema));
    out.flush();
    return kExitOk;
  }
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
  const dora::PartialPlan plan = dora::partial_plan(o, w);
  dora::EventStore store(o.schema, plan.keep_from, w.window.until, w.window.since);
  store.set_threads(o.threads);
  std::optional<dora::PartialWriter> partial;
  if (o.partial) partial.emplace(plan);
  auto insert = [&](const dora::IntakeBatch& b) { partial ? partial->add(b) : store.insert(b); };
  std::optional<RecordReader> reader;
  if (o.merge) {
    dora::read_partial_files(o.input.files, plan, insert);
  } else {
    reader.emplace(o.input, out, RecordReader::Validation::kNone);  // read_records parses
    apply_record_filter(*reader, where);
    auto st = dora::read_records(*reader, store.event_reader(), insert, o.threads);
    if (auto rc = reader->stop_exit_code(st)) return *rc;
    if (!may_write_report(*reader)) return reader->exit_code();
  }
  // Standard output takes the report piece by piece; -o and --append need
  // it whole.
  std::string report;
  const bool whole = !o.output.empty() || !o.append.empty();
  auto sink = [&](std::string_view text) {
    if (whole) report.append(text);
    else out.write(text);
  };
  std::vector<dora::AlertKey> fired;
  if (partial) {
    partial->finish(sink);
  } else {
    store.resolve();
    fired = dora::write_report(store, o, w, use_color(o), alerts ? &*alerts : nullptr, sink);
  }
  // Readable by other users: a report, for collectors running as another user.
  if (!o.output.empty()) write_file_atomic(o.output, report, 0644);
  // One write under the lock ndj-emit takes: no line of another writer
  // comes between the report's lines.
  if (!o.append.empty()) append_locked(o.append, report, kAppendLockTimeoutMs);
  out.flush();
  // Once the report is out: a run that failed to write it fires again next time.
  if (alerts && !fired.empty()) dora::record_fired(o.alert_state, fired, o.now);
  int rc = reader ? reader->exit_code() : kExitOk;
  return rc == kExitOk && !fired.empty() && o.fail_on_regression ? kExitRegression : rc;
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-dora", [&] {
    ndj::dora::Options o;
    ndj::RecordFilter where;
    if (int rc = ndj::parse_args(argc, argv, o, where); rc >= 0) return rc;
    return ndj::run(o, where);
  });
}
