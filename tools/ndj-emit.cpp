// ndj-emit: append one structured event (or validated NDJSON lines) to a log
// that other processes append to at the same time, without tearing lines.
#include <string>
#include <vector>

#include "cli.hpp"
#include "diag.hpp"
#include "event_builder.hpp"
#include "locked_append.hpp"
#include "output.hpp"
#include "records.hpp"
#include "signals.hpp"
#include "timefmt.hpp"

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
  app.add_option("--rejects", o.input.rejects, "--stdin: append invalid lines to FILE")
      ->type_name("FILE");
  app.add_flag("--strict", o.input.strict, "--stdin: stop at the first invalid line");
  add_size_option(app, "--max-line", o.input.max_line, "--stdin: longest line (default 16M)");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  if (o.from_stdin && !o.assignments.empty())
    return usage_error("--stdin takes no key=value arguments");
  if (!o.from_stdin && o.assignments.empty())
    return usage_error("nothing to emit: give key=value arguments or --stdin");
  return -1;
}

int timeout_ms(const Options& o) { return static_cast<int>(o.timeout / 1'000'000); }

void write_lines(const Options& o, Output& out, std::string_view lines) {
  if (o.output.empty()) {
    out.write(lines);
    out.flush();
  } else {
    append_locked(o.output, lines, timeout_ms(o));
  }
}

int emit_event(const Options& o, Output& out) {
  EventBuilder event;
  for (const std::string& a : o.assignments) event.add(a);
  if (!o.no_ts && !event.has_top_level("ts")) event.prepend_string("ts", format_rfc3339(now_ns(), 3));
  std::string line = event.json();
  line.push_back('\n');
  write_lines(o, out, line);
  return kExitOk;
}

// Valid lines are appended in blocks of whole lines, each block under one
// lock hold: other emitters wait at most one block, never for our input.
int append_stdin(const Options& o, Output& out) {
  constexpr size_t kBlock = size_t{1} << 20;
  std::string block;
  auto flush_block = [&] {
    if (block.empty()) return;
    write_lines(o, out, block);
    block.clear();
  };
  RecordReader reader(o.input, out, true);
  reader.set_wait_hook([&] {
    flush_block();
    return -1;
  });
  Record rec;
  RecordReader::Status st;
  while ((st = reader.next(rec)) == RecordReader::Status::kRecord) {
    if (rec.is_mark) continue;  // pipeline bookkeeping, not an event
    block.append(rec.text).push_back('\n');
    if (block.size() >= kBlock) flush_block();
  }
  flush_block();
  if (st == RecordReader::Status::kStrictStop) return kExitDataError;
  if (st == RecordReader::Status::kStopped && !reader.streaming()) return interrupted_exit_code();
  return reader.exit_code();
}

int run(const Options& o) {
  Output out;
  try {
    return o.from_stdin ? append_stdin(o, out) : emit_event(o, out);
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
