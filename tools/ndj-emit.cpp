// ndj-emit: append one structured event (or validated NDJSON lines) to a log
// that other processes append to at the same time, without tearing lines.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/output.hpp"
#include "core/timefmt.hpp"
#include "emit/emit_lines.hpp"
#include "emit/event_builder.hpp"

namespace ndj {
namespace {

struct Options {
  std::vector<std::string> assignments;
  std::string output;
  bool no_ts = false;
  bool from_stdin = false;
  int64_t timeout = 2 * kNsPerSec;
  bool best_effort = false;
  InputOptions input;  // --stdin: always standard input
};

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Append one JSON event built from key=value arguments to a log."};
  setup_app(app, "ndj-emit");
  app.add_option("ASSIGNMENT", o.assignments, "key=string, key:=JSON, key@=FILE; a.b=... nests")
      ->type_name("");
  app.add_option("-o,--output", o.output, "Append to FILE under a lock (default: stdout)")
      ->type_name("FILE");
  app.add_flag("--no-ts", o.no_ts, "Do not add a \"ts\" field");
  app.add_flag("--stdin", o.from_stdin, "Append NDJSON lines from stdin, validated");
  add_duration_option(app, "--timeout", o.timeout, "Longest wait for the lock (default 2s)");
  app.add_flag("--best-effort", o.best_effort, "Report failures but exit 0");
  add_bad_line_options(app, o.input,
                       {"--stdin: append invalid lines to FILE", "--stdin: stop at the first invalid line",
                        "--stdin: longest line (default 16M)"});
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  if (o.from_stdin && !o.assignments.empty())
    return usage_error("--stdin takes no key=value arguments");
  if (!o.from_stdin && o.assignments.empty())
    return usage_error("nothing to emit: give key=value arguments or --stdin");
  if (!o.from_stdin && (!o.input.rejects.empty() || o.input.strict))
    return usage_error("--rejects and --strict go with --stdin");
  return -1;
}

EmitTarget target(const Options& o) {
  return {o.output, static_cast<int>(std::min<int64_t>(o.timeout / 1'000'000, INT32_MAX))};
}

int emit_event(const Options& o, Output& out) {
  EventBuilder event;
  for (const std::string& a : o.assignments) event.add(a);
  if (!o.no_ts && !event.has_top_level("ts")) event.prepend_string("ts", format_rfc3339(now_ns(), 3));
  std::string line = event.json();
  line.push_back('\n');
  write_lines(target(o), out, line);
  return kExitOk;
}

int run(const Options& o) {
  Output out;
  try {
    return o.from_stdin ? append_validated_lines(0, o.input, target(o), out) : emit_event(o, out);
  } catch (const Error& e) {
    if (!o.best_effort && e.code() == kExitUsage) return usage_error(e.what());
    if (!o.best_effort) throw;
    error(e.what());
    return kExitOk;
  }
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-emit", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
