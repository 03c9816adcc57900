// ndj-stats: one-pass grouped statistics over NDJSON records (counts, sums,
// means, exact percentiles, success rates), optionally per day/week/month
// (in UTC or a --tz zone, weeks from Monday or Sunday).
#include <memory>
#include <string>
#include <vector>

#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/parallel_records.hpp"
#include "stats/group_stats.hpp"
#include "core/output.hpp"
#include "core/records.hpp"
#include "core/record_time.hpp"
#include "core/time_bucket.hpp"
#include "expr/record_filter.hpp"
#include "stats/stats_output.hpp"

namespace ndj {
namespace {

struct Options {
  InputOptions input;
  std::vector<FieldPath> group_by;
  std::vector<AggSpec> aggs;
  StatsFormat format = StatsFormat::kNdjson;
  std::optional<BucketUnit> bucket;
  bool week_starts_sunday = false;
  std::string tz;  // --tz: local-day buckets; empty: UTC
  FieldPath time_field = *FieldPath::parse("ts");
  std::optional<EpochUnit> epoch;
  size_t top = 0;
  std::optional<size_t> sort;  // index into aggs
  bool approx = false;
  bool nest = false;  // --format json as one nested document
  std::function<RecordFilter()> copy_filter;  // --where, --since, --until: one per worker
  unsigned threads = 1;
};

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Grouped statistics over NDJSON records, in one pass."};
  setup_app(app, "ndj-stats");
  add_input_options(app, o.input);
  std::string group, format = "ndjson", time_field = "ts", sort;
  std::vector<std::string> aggs;
  app.add_option("-g,--group-by", group, "Group by these fields (a.b: nested)")
      ->type_name("FIELD,...");
  app.add_option("-a,--agg", aggs, "count, sum:F, p90:F, sum(EXPR) AS NAME... (man page)")
      ->type_name("AGG,...");
  with_choices(app.add_option("-f,--format", format, "ndjson (default), json, csv, table or prom"), kStatsFormats)
      ->type_name("FMT");
  app.add_flag("--nest", o.nest, "With -f json: one document nested by group values");
  add_bucket_options(app, "Also group by day, week or month", o.bucket, o.tz, o.week_starts_sunday);
  app.add_option("--time-field", time_field, "Time of a record for --bucket (ts)")->type_name("FIELD");
  add_epoch_option(app, o.epoch, "Numeric times are in s, ms, us or ns");
  add_threads_option(app, o.threads);
  add_count_option(app, "--top", o.top, "Keep the N largest groups (per bucket)");
  app.add_flag("--approx", o.approx, "Percentiles within 1%, in bounded memory");
  app.add_option("--sort", sort, "Largest first by this AGG (default count)")->type_name("AGG");
  FilterArgs filter;
  add_filter_options(app, filter);
  TimeArg now_arg;
  auto* now = add_time_option(app, "--now", now_arg, "Take TIME as the current time (for --since 7d)");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;

  for (const std::string& g : split_list(group)) {
    auto p = FieldPath::parse(g);
    if (!p) return usage_error("--group-by: bad field path '" + g + "'");
    o.group_by.push_back(std::move(*p));
  }
  std::string why;
  if (aggs.empty()) aggs.push_back("count");
  std::vector<std::string> items;
  for (const std::string& list : aggs)
    for (std::string& a : AggSpec::split(list)) items.push_back(std::move(a));
  for (const std::string& a : items) {
    auto spec = AggSpec::parse(a, why);
    if (!spec) return usage_error("--agg: " + why);
    for (const AggSpec& seen : o.aggs)
      if (seen.column == spec->column)
        return usage_error("--agg: '" + a + "' repeats the column " + seen.column);
    o.aggs.push_back(std::move(*spec));
  }
  o.format = *kStatsFormats.parse(format);  // one of with_choices' values
  // A scrape sees one value per series: a bucket would need a timestamp.
  if (o.bucket && o.format == StatsFormat::kProm) return usage_error("--bucket: not with --format prom");
  if (o.format == StatsFormat::kProm)  // a scrape refuses a series twice
    for (size_t a = 0; a < o.aggs.size(); ++a)
      for (size_t b = 0; b < a; ++b) {
        PromFamily x = prom_family(o.aggs[a]), y = prom_family(o.aggs[b]);
        if (x.name == y.name && x.stat == y.stat)
          return usage_error("--agg: '" + o.aggs[a].spec + "' and '" + o.aggs[b].spec + "' are both " + x.name +
                             (x.stat.empty() ? "" : "{stat=\"" + x.stat + "\"}") + " in --format prom");
      }
  if (o.nest && o.format != StatsFormat::kJson) return usage_error("--nest: only with --format json");
  auto tf = FieldPath::parse(time_field);
  if (!tf) return usage_error("--time-field: bad field path '" + time_field + "'");
  o.time_field = std::move(*tf);
  TimeNs now_ts = now->count() ? now_arg.resolve(o.tz, now_ns()) : now_ns();
  const TimeFieldOptions time_options{{time_field}, o.epoch};
  if (!make_record_filter(filter, time_options, now_ts, o.tz, why)) return usage_error(why);
  o.copy_filter = [filter, time_options, now_ts, tz = o.tz] {
    std::string unused;
    return *make_record_filter(filter, time_options, now_ts, tz, unused);  // it parsed once already
  };
  if (!sort.empty() || o.top) {
    if (sort.empty()) sort = "count";
    for (size_t i = 0; i < o.aggs.size(); ++i)
      if (o.aggs[i].spec == sort || o.aggs[i].column == sort) o.sort = i;
    if (!o.sort) return usage_error("--sort: '" + sort + "' is not one of the --agg aggregates");
  }
  return -1;
}

// A valid line the DOM cannot hold (see JsonParser) cannot be read.
constexpr const char* kBeyondDouble = "a number beyond the range of a double";

// A worker's parser, filter and extractor.
struct Worker {
  Worker(const Options& o, const GroupStats& stats) : filter(o.copy_filter()), extractor(stats) {}
  JsonParser parser;
  RecordFilter filter;
  StatsExtractor extractor;
};

// Validates, filters and extracts the lines of a batch; bad lines become
// failures with the reasons the single-threaded reader gave.
void extract_batch(const Options& o, Worker& w, WorkBatch<StatsRows>& b) {
  b.result.clear();
  const auto items = b.lines.items();
  std::string why;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].mark) continue;
    const std::string_view text = b.lines.text(items[i]);
    if (const char* bad = w.parser.parse(text)) {
      b.lines.fail(i, 0, bad_line_reason(bad, items[i].complete));
      continue;
    }
    const RecordView view(text, w.parser);
    if (w.filter.active() && !w.filter.matches(view)) continue;
    if (!w.parser.has_root()) {
      b.lines.fail(i, 0, kBeyondDouble);
      continue;
    }
    TimeNs t = 0;
    if (o.bucket) {
      auto time = read_time_field(w.parser.root(), o.time_field, o.epoch, why);
      if (!time) {
        b.lines.fail(i, 0, why);
        continue;
      }
      t = *time;
    }
    w.extractor.extract(w.parser.root(), view, t, b.result);
  }
}

// One thread: the reader's own parse, and each record extracted and
// inserted at once (no batches to copy the lines into).
RecordReader::Status read_inline(const Options& o, RecordReader& reader, GroupStats& stats,
                                 const std::optional<Bucketer>& buckets) {
  RecordFilter filter = o.copy_filter();
  apply_record_filter(reader, filter);
  std::string why;
  Record rec;
  RecordReader::Status st;
  while ((st = reader.next(rec)) == RecordReader::Status::kRecord) {
    if (rec.is_mark) continue;
    if (!reader.has_root()) {  // a valid line the DOM cannot hold (see JsonParser)
      if (reader.bad_lines().report(*rec.file, rec.line, kBeyondDouble, rec.text))
        return RecordReader::Status::kStrictStop;
      continue;
    }
    TimeNs bucket = 0;
    if (buckets) {
      auto t = read_time_field(reader.root(), o.time_field, o.epoch, why);
      if (!t) {
        if (reader.bad_lines().report(*rec.file, rec.line, why, rec.text)) return RecordReader::Status::kStrictStop;
        continue;
      }
      bucket = buckets->start(*t);
    }
    const RecordView view(rec.text, reader.parser());
    stats.add(reader.root(), bucket, &view);
  }
  return st;
}

// Several: workers parse and extract batches, this thread inserts them in
// input order.
RecordReader::Status read_parallel(const Options& o, RecordReader& reader, GroupStats& stats,
                                   const std::optional<Bucketer>& buckets) {
  std::vector<std::unique_ptr<Worker>> workers(o.threads);
  return run_batches<StatsRows>(
      reader, o.threads,
      [&](WorkBatch<StatsRows>& b, unsigned w) {
        if (!workers[w]) workers[w] = std::make_unique<Worker>(o, stats);
        extract_batch(o, *workers[w], b);
      },
      [&](WorkBatch<StatsRows>& b) {
        // Rows first, then the reports: a --strict stop writes nothing anyway.
        stats.insert(b.result, buckets ? &*buckets : nullptr);
        for (const auto& f : b.lines.failures())
          if (b.lines.report(reader.bad_lines(), f)) return false;
        return true;
      });
}

int run(Options& o) {
  Output out;
  // With workers, they validate the lines (the reader handles blank lines,
  // marks and over-long lines, in line order).
  RecordReader reader(o.input, out,
                      o.threads > 1 ? RecordReader::Validation::kNone : RecordReader::Validation::kDom);
  GroupStats stats(o.group_by, o.aggs, o.approx, o.bucket.has_value());
  std::optional<Bucketer> buckets;  // sets TZ before any worker starts; only this thread uses it
  if (o.bucket) buckets.emplace(*o.bucket, o.week_starts_sunday, o.tz);
  const RecordReader::Status st = o.threads > 1 ? read_parallel(o, reader, stats, buckets)
                                                : read_inline(o, reader, stats, buckets);
  if (auto rc = reader.stop_exit_code(st)) return *rc;
  if (!may_write_report(reader)) return reader.exit_code();
  for (const std::string& missing : stats.missing_fields()) warn(missing);
  for (const std::string& skipped : stats.skipped_values()) warn(skipped);

  std::vector<GroupRow> rows = stats.rows();
  if (o.sort) rank_rows(rows, *o.sort, o.top);
  StatsLayout layout;
  for (const FieldPath& g : o.group_by) layout.key_names.push_back(g.text());
  for (const AggSpec& a : o.aggs) layout.agg_names.push_back(a.column);
  layout.bucket = buckets ? &*buckets : nullptr;
  layout.aggs = &o.aggs;
  layout.nest = o.nest;
  write_stats(out, o.format, layout, rows);
  out.flush();
  return reader.exit_code();
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-stats", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
