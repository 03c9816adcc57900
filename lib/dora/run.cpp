// ndj-dora's report of a resolved store.
#include "dora/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "core/diag.hpp"
#include "core/format.hpp"
#include "core/atomic_file.hpp"
#include "core/local_time.hpp"

namespace ndj::dora {

std::string window_note(const InputCounts& in, const GroupMetrics& all, const Window& w, const std::string& zone) {
  if (all.total_deployments) return "";
  if (in.records == 0) return "no records read";
  if (in.events == 0)
    return (in.records == 1 ? std::string("the one record read is not")
                            : "none of the " + grouped_digits(in.records) + " records read is") +
           " a deployment, change or incident (see --map and --type-value)";
  LocalClock clock(zone);
  auto bound = [&](TimeNs t) {
    return clock.midnight(clock.local_day(t)) == t ? clock.date_text(t) : time_text(t);
  };
  std::string note = grouped_digits(in.in_window) + " of " + grouped_digits(in.records) + " records fall in the window " +
                     bound(w.since) + " to " + bound(w.until);
  if (in.in_window && in.deployments) note += ", none of them a deployment";
  if (in.deployments == 0) note += "; no record is a deployment";
  else if (in.last_deployment < w.since) note += "; the latest deployment is " + clock.date_text(in.last_deployment);
  else if (in.first_deployment >= w.until) note += "; the earliest deployment is " + clock.date_text(in.first_deployment);
  else note += "; the deployments run from " + clock.date_text(in.first_deployment) + " to " + clock.date_text(in.last_deployment);
  return note + "; use --since or --days";
}

std::string lead_time_note(const GroupMetrics& all) {
  const uint64_t n = all.lead_time.n, instant = all.instant_lead_times;
  // The rule of ndj-git's warning about the same changes.
  if (n < 20 || instant * 100 < n * 80) return "";
  return std::to_string(instant * 100 / n) + "% of the " + grouped_digits(n) +
         " lead times are under a second: those changes were authored, committed and deployed in the same second "
         "(squash or rebase merges?), so lead time measures merge to deployment only; ndj-git --prs FILE gives "
         "each change its pull request's times";
}

std::vector<AlertKey> write_report(const EventStore& store, const Options& o, const RunWindows& w, bool color,
                                   const AlertState* alerts, const TextSink& sink) {
  std::optional<Series> series;
  if (o.bucket) series = compute_series(store, w.edges, *o.bucket, o.compare_previous, o.tz, w.partial, w.now);
  // The whole window: a series shows it only in the table and the page;
  // otherwise its buckets' counts are all the warnings need.
  const bool whole = !series || o.format == Format::kTable || o.format == Format::kHtml;
  std::vector<GroupMetrics> rows = whole ? store.compute(w.window) : std::vector{series->summed_overall()};
  const auto& all = rows.front();
  if (all.negative_lead_times)
    warn(std::to_string(all.negative_lead_times) +
         " change(s) with a deployment time before their own time (negative lead time) left out");
  if (all.negative_recoveries)
    warn(std::to_string(all.negative_recoveries) +
         " failed deployment(s) whose incidents were resolved before it (negative recovery time) left out");
  // Lead times from somewhere else than changes: say where, when none came.
  const Definitions& defs = o.schema.defs;
  if (!defs.lead_from_changes && all.successful_deployments && all.lead_time.n == 0 && all.negative_lead_times == 0) {
    std::string from;
    if (defs.lead_from_work_units)
      from = "work units (records of type work_start and work_end, see --type-value)";
    if (defs.lead_from_deployments)
      from += (from.empty() ? "" : " and ") + std::string("successful deployments' ") +
              o.schema.input_name(EventType::kDeployment, "started_at");
    warn("no lead time in the window: the definitions " + defs.name + " take it from " + from + ", and none was read");
  }
  if (store.unpaired_work_ends())
    warn(grouped_digits(store.unpaired_work_ends()) +
         " work unit end(s) without a start of the same id before them left out of lead time");
  ReportSettings settings;
  settings.window = w.window;
  settings.tags = o.tags;
  // Only a snapshot runs git and reads the CI's variables: the other
  // formats' output depends on the input and the options alone.
  SourceTags source;
  if (o.format == Format::kSnapshot) {
    source = detect_source_tags([](const char* name) { return std::getenv(name); });
    settings.source = &source;
  }
  settings.tiers = o.tiers;
  settings.min_samples = o.min_samples;
  settings.previous_window = w.before;
  for (const auto& g : o.goals) {
    if (g.expires && *g.expires <= o.now) warn("goal '" + g.text + "' expired on " + g.until_text + ": not judged");
    else settings.goals.push_back(g);
  }
  if (defs.name != "dora") settings.definitions = defs.name;
  settings.shape = {defs.frequency_per_week, defs.rate_as_fraction};
  settings.note = window_note(store.input(), all, w.window, o.tz);
  if (settings.note.empty()) settings.note = lead_time_note(all);
  if (!settings.note.empty()) warn(settings.note);
  std::vector<GroupMetrics> previous_rows;
  if (o.compare_previous && whole) {
    previous_rows = store.compute(w.before);
    settings.previous = &previous_rows;
  }
  std::vector<RegressionCheck> checks;
  if (o.regressions) {
    checks = find_regressions(store, w.trend, o.thresholds, o.min_samples);
    if (alerts) suppress_acknowledged(checks, store, *alerts, o.now, o.ack_for);
    settings.regressions = &checks;
    settings.regression_windows = w.trend;
  }
  if (!series) sink(format_report(o.format, store, rows, settings));
  else if (o.format == Format::kHtml) sink(format_html(store, *series, rows, settings));
  else write_series(o.format, store, *series, rows, settings, color, sink);
  std::vector<AlertKey> fired;
  for (const auto& c : checks)
    if (c.fired()) fired.push_back({c.metric, canonical_group(store, c.group)});
  return fired;
}

PartialPlan partial_plan(const Options& o, const RunWindows& w) {
  PartialPlan plan{&o.schema, w.keep_from, w.window.until, w.window.since};
  if (!o.partial) return plan;
  Options with_trends = o;
  with_trends.regressions = true;
  RunWindows trends;
  if (!plan_windows(with_trends, w.now, trends)) plan.keep_from = std::min(plan.keep_from, trends.keep_from);
  return plan;
}

namespace {

std::string read_stdin() {
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n == 0) return out;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(kExitFailure, "<stdin>: read failed: " + errno_text(errno));
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

void read_partial_files(const std::vector<std::string>& files, const PartialPlan& plan,
                        const std::function<void(const IntakeBatch&)>& insert) {
  const std::vector<std::string> all = files.empty() ? std::vector<std::string>{"-"} : files;
  for (const auto& f : all) {
    if (f == "-") {
      read_partials(read_stdin(), "<stdin>", plan, insert);
      continue;
    }
    auto bytes = read_file(f);
    if (!bytes) throw Error(kExitFailure, f + ": " + errno_text(ENOENT));
    read_partials(*bytes, f, plan, insert);
  }
}

}  // namespace ndj::dora
