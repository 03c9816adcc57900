// ndj-dora: the DORA metrics (deployment frequency, lead time, change failure
// rate, failed deployment recovery time, rework rate, time to restore) of a
// stream of deployment, change and incident records, over a time window.
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/diag.hpp"
#include "dora/dora.hpp"
#include "dora/dora_html.hpp"
#include "dora/dora_report.hpp"
#include "dora/dora_series.hpp"
#include "dora/dora_trends.hpp"
#include "json/json.hpp"
#include "core/output.hpp"
#include "core/parallel_records.hpp"
#include "core/record_time.hpp"
#include "core/records.hpp"
#include "core/signals.hpp"
#include "core/time_bucket.hpp"
#include "core/timefmt.hpp"

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
  std::string output;  // -o: replaced atomically
  bool tiers = true;
  bool compare_previous = false;
  bool regressions = false, fail_on_regression = false;
  int64_t recent = 7 * dora::kNsPerDay, baseline = 28 * dora::kNsPerDay;
  dora::Thresholds thresholds = dora::default_thresholds();
  std::vector<dora::Goal> goals;
  std::optional<BucketUnit> bucket;
  bool week_starts_sunday = false;
  std::string color = "auto";
  std::string tz;  // --tz: local-day buckets; empty: UTC
  unsigned threads = 1;
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
  std::string group_by, format = "ndjson", tiers = "dora", compare, bucket;
  std::vector<std::string> tags, maps, type_values, thresholds, goals;
  app.add_option("--group-by", group_by, "Metrics per value of FIELD[,FIELD...]")->type_name("FIELDS");
  app.add_option("--format", format, "ndjson (default), json, csv, table, prom, html")->type_name("FORMAT");
  app.add_option("--color", o.color, "Table colours: auto (default), always, never")->type_name("WHEN");
  app.add_option("-o,--output", o.output, "Write to FILE, replaced atomically")->type_name("FILE");
  app.add_option("--tag", tags, "Add K=V to every record's tags")->type_name("K=V");
  app.add_option("--tiers", tiers, "dora (default) or none")->type_name("WHICH");
  app.add_option("--compare", compare, "Also the window before: previous")->type_name("WHICH");
  app.add_option("--bucket", bucket, "Time series of day, week or month buckets")->type_name("UNIT");
  add_bucket_zone_options(app, o.tz, o.week_starts_sunday);
  app.add_flag("--regressions", o.regressions, "Alert on regressions: --recent vs --baseline");
  add_duration_option(app, "--recent", o.recent, "Recent window, ending at --until (7d)");
  add_duration_option(app, "--baseline", o.baseline, "Baseline window, before the recent one (28d)");
  app.add_option("--threshold", thresholds, "Regression threshold, in percent")->type_name("METRIC=PCT");
  app.add_flag("--fail-on-regression", o.fail_on_regression, "Exit 3 when a regression was found");
  app.add_option("--goal", goals, "Target, e.g. 'lead_time<=24h' (repeatable)")->type_name("GOAL");
  add_duration_option(app, "--failure-window", o.schema.failure_window,
                      "Incident-to-deployment link window (24h)");
  app.add_option("--map", maps, "Read field NAME from input field FIELD")->type_name("NAME=FIELD");
  app.add_option("--type-value", type_values, "Also read type TYPE from VALUE")->type_name("TYPE=VALUE");
  add_epoch_option(app, o.schema.epoch, "Numeric times are in s, ms, us or ns");
  add_threads_option(app, o.threads);
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;

  o.has_since = since->count() > 0;
  o.has_until = app.get_option("--until")->count() > 0;
  if (o.has_since && days->count() > 0) return usage_error("--days and --since cannot be used together");
  if (auto f = dora::parse_format(format)) o.format = *f;
  else return usage_error("--format: expected ndjson, json, csv, table, prom or html, got '" + format + "'");
  if (tiers == "none") o.tiers = false;
  else if (tiers != "dora") return usage_error("--tiers: expected dora or none, got '" + tiers + "'");
  if (compare == "previous") o.compare_previous = true;
  else if (!compare.empty()) return usage_error("--compare: expected previous, got '" + compare + "'");
  if (!bucket.empty() && !(o.bucket = parse_bucket_unit(bucket)))
    return usage_error("--bucket: expected day, week or month, got '" + bucket + "'");
  if (o.color != "auto" && o.color != "always" && o.color != "never")
    return usage_error("--color: expected auto, always or never, got '" + o.color + "'");
  // A scrape sees one value per series: a bucket would need a timestamp.
  if (o.bucket && o.format == dora::Format::kProm) return usage_error("--bucket: not with --format prom");
  // The page always shows the regression checks, and trends by week unless told.
  if (o.fail_on_regression || o.format == dora::Format::kHtml) o.regressions = true;
  if (o.format == dora::Format::kHtml && !o.bucket) o.bucket = BucketUnit::kWeek;
  if (o.recent <= 0 || o.baseline <= 0) return usage_error("--recent and --baseline must be positive");
  for (const auto& t : thresholds)
    if (auto why = dora::parse_threshold(t, o.thresholds)) return usage_error("--threshold: " + *why);
  for (const auto& text : goals) {
    dora::Goal g;
    if (auto why = dora::parse_goal(text, g)) return usage_error("--goal: " + *why);
    for (const auto& other : o.goals)
      if (other.metric == g.metric) return usage_error("--goal: two goals for " + text.substr(0, text.find_first_of("<>")));
    o.goals.push_back(std::move(g));
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

// One thread's parsers and event reader.
struct BatchReader {
  JsonParser parser;
  simdjson::dom::parser stream;  // whole batches
  dora::EventReader events;
};

// Reads one parsed line's events; a bad record becomes a failure.
void read_events(BatchReader& r, WorkBatch<dora::IntakeBatch>& b, size_t i, simdjson::dom::element root) {
  if (auto why = r.events.read(root, b.result)) b.lines.fail(i, 0, std::move(*why));
}

// Parses the lines of a batch and reads their events; bad lines become
// failures with the reasons RecordReader and EventStore::add give.
//
// The batch is first parsed as one stream of documents (one stage 1 for
// all its lines, not one per line), as long as each document is exactly
// the next line; from the first one that is not (an invalid line, two
// values on a line, a number beyond a double), lines are parsed one by one.
void read_batch(BatchReader& r, WorkBatch<dora::IntakeBatch>& b) {
  b.result.clear();
  const auto items = b.lines.items();
  size_t i = 0;
  const std::string_view all = b.lines.all_text();
  // The stream parser takes about 14 bytes per byte of the batch: only
  // batches of ordinary lines go through it.
  if (all.size() <= LineBatch::kTargetBytes * 2) {
    simdjson::dom::document_stream docs;
    if (!r.stream.parse_many(all.data(), all.size(), std::max<size_t>(all.size(), 1 << 16)).get(docs)) {
      for (auto it = docs.begin(); it != docs.end() && i < items.size(); ++it) {
        simdjson::dom::element root;
        if ((*it).get(root)) break;
        std::string_view line = b.lines.text(items[i]);
        const size_t lead = line.find_first_not_of(" \t\r");
        const size_t last = line.find_last_not_of(" \t\r");
        if (lead == std::string_view::npos || it.current_index() != items[i].begin + lead ||
            it.source().size() != last + 1 - lead)
          break;
        if (!items[i].mark) read_events(r, b, i, root);
        ++i;
      }
    }
  }
  for (; i < items.size(); ++i) {
    if (items[i].mark) continue;
    if (const char* why = r.parser.parse(b.lines.text(items[i]))) {
      b.lines.fail(i, 0, bad_line_reason(why, items[i].complete));
    } else if (!r.parser.has_root()) {
      b.lines.fail(i, 0, kBeyondDouble);
    } else {
      read_events(r, b, i, r.parser.root());
    }
  }
}

// a - b, false when it would leave the range of TimeNs.
bool earlier(TimeNs a, int64_t b, TimeNs& out) { return !__builtin_sub_overflow(a, b, &out); }

// --color auto: only on a terminal, and not when NO_COLOR is set (no-color.org).
bool use_color(const Options& o) {
  if (o.color != "auto") return o.color == "always";
  const char* no_color = std::getenv("NO_COLOR");
  return o.output.empty() && isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

int run(const Options& o) {
  dora::Window w;
  w.until = o.has_until ? o.until : now_ns();
  // Times and window lengths are int64 nanoseconds: 1677 to 2262, 106751 days.
  const uint64_t max_days = std::min<uint64_t>(
      INT64_MAX / dora::kNsPerDay, (static_cast<uint64_t>(w.until) - static_cast<uint64_t>(INT64_MIN)) / dora::kNsPerDay);
  if (!o.has_since && o.days > max_days)
    return usage_error("--days: at most " + std::to_string(max_days) + " (times run from 1677 to 2262)");
  w.since = o.has_since ? o.since : w.until - static_cast<TimeNs>(o.days) * dora::kNsPerDay;
  if (w.since >= w.until) return usage_error("the window is empty: --since must be before --until");
  // The window before, as long as this one, for --compare previous, and
  // the --regressions windows.
  dora::Window before{w.since, w.since};
  dora::RegressionWindows trend{{w.until, w.until}, {w.until, w.until}};
  int64_t span = 0;
  if (!earlier(w.until, w.since, span) || (o.compare_previous && !earlier(w.since, span, before.since)) ||
      (o.regressions && !earlier(w.until, o.recent, trend.recent.since)) ||
      (o.regressions && !earlier(trend.recent.since, o.baseline, trend.baseline.since)))
    return usage_error("the windows do not fit the times ndj-dora can represent (1677 to 2262, 106751 days)");
  trend.baseline.until = trend.recent.since;
  std::vector<TimeNs> edges;
  if (o.bucket && (edges = bucket_edges(w.since, w.until, Bucketer(*o.bucket, o.week_starts_sunday, o.tz))).empty())
    return usage_error("--bucket: more than " + std::to_string(kMaxBuckets) + " buckets in the window");

  TimeNs keep_from = o.compare_previous ? before.since : w.since;
  if (o.regressions) keep_from = std::min(keep_from, trend.baseline.since);

  Output out;
  RecordReader reader(o.input, out, RecordReader::Validation::kNone);  // read_batch parses
  dora::EventStore store(o.schema, keep_from, w.until);
  store.set_threads(o.threads);
  std::vector<std::unique_ptr<BatchReader>> readers;
  for (unsigned i = 0; i < o.threads; ++i)
    readers.push_back(std::make_unique<BatchReader>(BatchReader{{}, {}, {o.schema, keep_from, w.until}}));
  // Events go in in input order, so the store is the same for any number of
  // threads. A bad line is reported after the good ones of its batch: after
  // a --strict stop the store is not used.
  auto st = run_batches<dora::IntakeBatch>(
      reader, o.threads,
      [&](WorkBatch<dora::IntakeBatch>& b, unsigned worker) { read_batch(*readers[worker], b); },
      [&](WorkBatch<dora::IntakeBatch>& b) {
        store.insert(b.result);
        for (const auto& f : b.lines.failures())
          if (b.lines.report(reader.bad_lines(), f)) return false;
        return true;
      });
  if (st == RecordReader::Status::kStrictStop) return kExitDataError;
  if (st == RecordReader::Status::kStopped && !reader.streaming()) return interrupted_exit_code();

  store.resolve();
  std::optional<dora::Series> series;
  if (o.bucket) series = dora::compute_series(store, std::move(edges), *o.bucket, o.compare_previous, o.tz);
  // The whole window: a series shows it only in the table and the page;
  // otherwise its buckets' counts are all the warnings need.
  const bool whole = !series || o.format == dora::Format::kTable || o.format == dora::Format::kHtml;
  std::vector<dora::GroupMetrics> rows = whole ? store.compute(w) : std::vector{series->summed_overall()};
  const auto& all = rows.front();
  if (all.negative_lead_times)
    warn(std::to_string(all.negative_lead_times) +
         " change(s) with a deployment time before their own time (negative lead time) left out");
  if (all.negative_recoveries)
    warn(std::to_string(all.negative_recoveries) +
         " failed deployment(s) whose incidents were resolved before it (negative recovery time) left out");
  dora::ReportSettings settings{w, o.tags, o.tiers, nullptr, before, o.goals, nullptr, nullptr, {}};
  std::vector<dora::GroupMetrics> previous_rows;
  if (o.compare_previous && whole) {
    previous_rows = store.compute(before);
    settings.previous = &previous_rows;
  }
  std::vector<dora::RegressionCheck> checks;
  if (o.regressions) {
    checks = dora::find_regressions(store, trend, o.thresholds);
    settings.regressions = &checks;
    settings.regression_windows = trend;
  }
  const bool regressed = std::any_of(checks.begin(), checks.end(), [](const auto& c) { return c.alert; });
  // Standard output takes the report piece by piece; -o needs it whole.
  std::string report;
  auto sink = [&](std::string_view text) {
    if (o.output.empty()) out.write(text);
    else report.append(text);
  };
  if (!series) sink(dora::format_report(o.format, store, rows, settings));
  else if (o.format == dora::Format::kHtml) sink(dora::format_html(store, *series, rows, settings));
  else dora::write_series(o.format, store, *series, rows, settings, use_color(o), sink);
  // Readable by other users: a report, for collectors running as another user.
  if (!o.output.empty()) write_file_atomic(o.output, report, 0644);
  out.flush();
  int rc = reader.exit_code();
  return rc == kExitOk && regressed && o.fail_on_regression ? kExitRegression : rc;
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
