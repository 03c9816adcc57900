// ndj-emit: append one structured event (or validated NDJSON lines) to a log
// that other processes append to at the same time, without tearing lines.
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/cli.hpp"
#include "core/cursor.hpp"
#include "core/diag.hpp"
#include "emit/event_builder.hpp"
#include "json/json.hpp"
#include "json/json_check.hpp"
#include "core/line_reader.hpp"
#include "emit/locked_append.hpp"
#include "core/output.hpp"
#include "core/records.hpp"
#include "core/signals.hpp"
#include "core/timefmt.hpp"

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

int timeout_ms(const Options& o) {
  return static_cast<int>(std::min<int64_t>(o.timeout / 1'000'000, INT32_MAX));
}

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
// Validation uses json_check, not simdjson, so the tool does not link it.
int append_stdin(const Options& o, Output& out) {
  constexpr size_t kBlock = size_t{1} << 20;
  std::string block;
  auto flush_block = [&] {
    if (block.empty()) return;
    write_lines(o, out, block);
    block.clear();
  };
  BadLines bad(o.input);
  LineReader reader(0, "<stdin>", o.input.max_line);
  reader.set_wait_hook([&] {
    flush_block();
    return -1;
  });
  if (!o.input.rejects.empty())
    reader.set_overflow_sink([&](std::string_view part, bool last) { bad.quarantine_part(part, last); });
  struct stat st;
  const bool streaming = fstat(0, &st) == 0 && !S_ISREG(st.st_mode);
  Line line;
  for (;;) {
    LineReader::Status status = reader.next(line);
    if (status == LineReader::Status::kEof) break;
    if (status == LineReader::Status::kStopped) {
      flush_block();
      return streaming ? kExitOk : interrupted_exit_code();
    }
    if (status == LineReader::Status::kTooLong) {
      if (bad.note(reader.name(), line.number,
                   "line too long (" + std::to_string(line.raw_size) + " bytes, --max-line is " +
                       std::to_string(o.input.max_line) + ")"))
        break;
      continue;
    }
    if (is_mark(line.text) || is_blank(line.text)) continue;  // marks: pipeline bookkeeping
    if (const char* why = json_check(line.text)) {
      if (streaming && !line.complete) {
        bad.cut_short(reader.name(), line.number);
        continue;
      }
      if (bad.report(reader.name(), line.number, bad_line_reason(why, line.complete), line.text)) break;
      continue;
    }
    block.append(line.text).push_back('\n');
    if (block.size() >= kBlock) flush_block();
  }
  flush_block();
  return bad.exit_code();
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
