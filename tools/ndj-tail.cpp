// ndj-tail: read NDJSON log files from a persisted cursor, emit complete
// lines only, interleave checkpoint marks (DESIGN.md §2), and follow the
// files through appends, rotation, truncation and deletion (lib/tail).
#include <string>
#include <vector>

#include "core/cli.hpp"
#include "core/output.hpp"
#include "core/timefmt.hpp"
#include "expr/record_filter.hpp"
#include "tail/tail_loop.hpp"

namespace ndj {
namespace {

struct Options {
  TailOptions tail;
  int64_t poll = 0;
  int64_t exit_idle = 0;
  RecordFilter filter;  // --where, --since, --until
};

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Read NDJSON log files from a cursor and follow them."};
  setup_app(app, "ndj-tail");
  app.add_option("PATH", o.tail.paths, "Files, directories or quoted globs")->type_name("")->required();
  app.add_option("--cursor", o.tail.cursor, "Resume from FILE; interleave marks")->type_name("FILE");
  app.add_flag("--autocommit", o.tail.autocommit, "Write the marks into the cursor file too");
  app.add_flag("-f,--follow", o.tail.follow, "Keep reading appended data and new files");
  std::string from = "start";
  app.add_option("--from", from, "Where unknown files start: start|end")
      ->type_name("WHERE");
  with_choices(app.get_option("--from"), {"start", "end"});
  add_duration_option(app, "--poll", o.poll, "Poll this often instead of inotify");
  add_duration_option(app, "--exit-idle", o.exit_idle, "With -f: exit after this long idle");
  app.add_flag("--rotated-gzip", o.tail.rotated_gzip, "Finish rotated files that were compressed (.gz)");
  app.add_flag("-v,--verbose", o.tail.verbose, "Say which rotated files are finished or forgotten");
  app.add_flag("--validate", o.tail.validate, "Check each line is JSON; report the rest");
  app.add_option("--id-field", o.tail.id_field, "Add member NAME: the record's stable id")->type_name("NAME");
  app.add_option("--source-field", o.tail.source_field, "Add member NAME: the record's stream")
      ->type_name("NAME");
  std::vector<std::string> streams;
  app.add_option("--stream", streams, "Files matching GLOB are stream NAME (repeatable)")
      ->type_name("NAME=GLOB");
  add_bad_line_options(app, o.tail.input,
                       {"Append bad lines to FILE (mode 0600)", "Stop at the first bad line (exit 65)",
                        "Longest line passed on (default 16M)"});
  FilterArgs filter;
  add_filter_options(app, filter);
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  o.tail.poll = o.poll != 0;
  std::string filter_error;
  auto f = make_record_filter(filter, {}, now_ns(), "", filter_error);
  if (!f) return usage_error(filter_error);
  o.filter = std::move(*f);
  if (o.filter.active()) o.tail.keep = line_filter(o.filter);
  o.tail.from_end = from == "end";
  if (o.tail.autocommit && o.tail.cursor.empty()) return usage_error("--autocommit needs --cursor");
  if (o.tail.rotated_gzip && o.tail.cursor.empty()) return usage_error("--rotated-gzip needs --cursor");
  if (!o.tail.follow && (o.poll || o.exit_idle)) return usage_error("--poll and --exit-idle need --follow");
  for (const auto& arg : streams) {
    std::string why;
    auto rule = parse_stream_rule(arg, why);
    if (!rule) return usage_error("--stream " + arg + ": " + why);
    o.tail.streams.push_back(std::move(*rule));
  }
  if (!streams.empty() && o.tail.source_field.empty()) return usage_error("--stream needs --source-field");
  if (!o.tail.id_field.empty() && o.tail.id_field == o.tail.source_field)
    return usage_error("--id-field and --source-field name the same member");
  for (const auto& p : o.tail.paths)
    if (p == "-") return usage_error("'-': ndj-tail reads files, not standard input");
  return -1;
}

int run(const Options& o) {
  Output out;
  return run_tail(o.tail, o.poll, o.exit_idle, out);
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-tail", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
