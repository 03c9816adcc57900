// ndj-select: the records that match --where/--since/--until, copied byte
// for byte (marks too), or projected to NDJSON, CSV, TSV, a table or one
// JSON array; --trace ID: one id's events from many files in time order.
#include <string>
#include <vector>

#include "core/cli.hpp"
#include "core/parallel_records.hpp"
#include "core/record_time.hpp"
#include "core/records.hpp"
#include "select/select.hpp"

namespace ndj {
namespace {

int parse_args(int argc, char** argv, SelectOptions& o) {
  CLI::App app{"Select, project, trace and export NDJSON records."};
  setup_app(app, "ndj-select");
  add_input_options(app, o.input);
  FilterArgs filter;
  add_filter_options(app, filter);
  TimeFieldOptions time;
  add_time_field_options(app, time);
  TimeArg now_arg;
  auto* now = add_time_option(app, "--now", now_arg, "Take TIME as the current time (for --since 7d)");
  std::string fields, format = "ndjson", id_fields = "issue_id,wu_id,session_id,trace_id,id", trace;
  app.add_option("-f,--fields", fields, "Write only these fields, in this order")->type_name("PATH,...");
  with_choices(app.add_option("--format", format, "ndjson (default), csv, tsv, table or json (one array)"),
               kSelectFormats)
      ->type_name("FMT");
  app.add_flag("--header,!--no-header", o.header, "A header line in csv, tsv and table (default: on)");
  app.add_flag("--flatten", o.flatten, "Spread objects into a.b columns (first record's)");
  auto* trace_opt = app.add_option("--trace", trace, "Records mentioning ID, merged in time order")->type_name("ID");
  app.add_option("--id-fields", id_fields, "Where --trace looks (default: issue_id,wu_id,...)")
      ->type_name("PATH,...");
  size_t limit = 0;
  auto* limit_opt = add_count_option(app, "-n,--limit", limit, "Stop after N matching records");
  app.add_flag("--count", o.count, "Print the number of matching records only");
  app.add_flag("-v,--invert", o.invert, "Select the records that do not match");
  app.add_flag("--explain", o.explain, "Print counts per clause on stderr at the end");
  add_threads_option(app, o.threads);
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;

  o.format = *kSelectFormats.parse(format);  // one of with_choices' values
  auto paths = [](const std::string& option, const std::string& list, std::vector<JsonPath>& out) -> int {
    for (const std::string& f : split_list(list)) {
      JsonPath p;
      std::string why;
      if (!parse_json_path(f, p, why)) return usage_error(option + ": bad field path '" + f + "': " + why);
      for (const JsonPath& seen : out)
        if (seen.text == p.text) return usage_error(option + ": '" + f + "' is given twice");
      out.push_back(std::move(p));
    }
    return -1;
  };
  if (int rc = paths("--fields", fields, o.fields); rc >= 0) return rc;
  if (int rc = paths("--id-fields", id_fields, o.id_fields); rc >= 0) return rc;
  if (trace_opt->count()) {
    if (trace.empty()) return usage_error("--trace: the id is empty");
    o.trace = trace;
  }
  if (limit_opt->count()) o.limit = limit;
  bool columns = o.format != SelectFormat::kNdjson && o.format != SelectFormat::kJson;
  if (columns && o.fields.empty() && !o.flatten && !o.trace && !o.count)
    return usage_error("--format " + format + " needs -f FIELD,... or --flatten");
  if (o.flatten && o.trace) return usage_error("--flatten and --trace do not go together");
  std::string error;
  TimeNs now_ts = now->count() ? now_arg.resolve("", now_ns()) : now_ns();
  auto f = make_record_filter(filter, time, now_ts, "", error);
  if (!f) return usage_error(error);
  o.filter = std::move(*f);
  o.copy_filter = [filter, time, now_ts] {
    std::string unused;  // it parsed once already
    return *make_record_filter(filter, time, now_ts, "", unused);
  };
  return -1;
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-select", [&] {
    ndj::SelectOptions o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run_select(o);
  });
}
