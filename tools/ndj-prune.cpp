// ndj-prune: retention for NDJSON logs (by age and size) that never drops a
// record the cursor file has not seen shipped, and rewrites files in place
// without losing what writers append meanwhile (lib/pruner).
#include <algorithm>
#include <string>

#include "core/cli.hpp"
#include "prune/pruner.hpp"

namespace ndj {
namespace {

int parse_args(int argc, char** argv, PruneOptions& o, RecordFilter& where) {
  CLI::App app{"Drop old NDJSON records, never ones not yet shipped."};
  setup_app(app, "ndj-prune");
  add_input_options(app, o.input);
  int64_t older = 0;
  auto* older_opt = add_duration_option(app, "--older-than", older, "Drop records older than this");
  TimeArg now;
  auto* now_opt = add_time_option(app, "--now", now, "Age is measured from TIME (default: now)");
  add_time_field_options(app, o.time);
  app.add_flag("--drop-undated", o.drop_undated, "Drop records without a usable time");
  add_size_option(app, "--max-size", o.max_size, "Drop the oldest records until a file fits");
  app.add_flag("-i,--in-place", o.in_place, "Rewrite each FILE (or DIR's logs) in place");
  app.add_flag("--follow-symlinks", o.follow_symlinks, "With -i, rewrite the file a symbolic link names");
  app.add_option("--cursor", o.cursor, "Keep records at or past its offsets")->type_name("FILE");
  app.add_flag("--dry-run", o.dry_run, "Change nothing; print one JSON line per file");
  FilterArgs filter;
  add_where_option(app, filter, "Only records where EXPR holds may be dropped");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  if (older_opt->count()) o.older_than = older;
  if (now_opt->count()) o.now = now.resolve("", now_ns());
  if (!o.older_than && o.max_size == 0 && !o.drop_undated)
    return usage_error("nothing to prune: give --older-than, --max-size or --drop-undated");
  bool has_stdin = o.input.files.empty() ||
                   std::find(o.input.files.begin(), o.input.files.end(), "-") != o.input.files.end();
  if (o.in_place && has_stdin) return usage_error("-i needs FILE or DIR arguments");
  std::string filter_error;
  auto f = make_record_filter(filter, o.time, o.now, "", filter_error);
  if (!f) return usage_error(filter_error);
  where = std::move(*f);
  o.where = &where;
  if (!o.cursor.empty() && has_stdin)
    return usage_error("--cursor needs FILE arguments (standard input has no cursor entry)");
  return -1;
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-prune", [&] {
    ndj::PruneOptions o;
    ndj::RecordFilter where;
    if (int rc = ndj::parse_args(argc, argv, o, where); rc >= 0) return rc;
    return ndj::prune(o);
  });
}
