// ndj-tail: read NDJSON log files from a persisted cursor, emit complete
// lines only, interleave checkpoint marks (DESIGN.md §2), and follow the
// files through appends, rotation, truncation and deletion (lib/tailer).
#include <algorithm>
#include <string>

#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/signals.hpp"
#include "tail/tailer.hpp"
#include "core/timefmt.hpp"

namespace ndj {
namespace {

// How often the patterns are expanded again when no event says so.
constexpr TimeNs kRescanEvery = kNsPerSec;

struct Options {
  TailOptions tail;
  int64_t poll = 0;
  int64_t exit_idle = 0;
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
      ->type_name("WHERE")
      ->check(CLI::IsMember({"start", "end"}));
  add_duration_option(app, "--poll", o.poll, "Poll this often instead of inotify");
  add_duration_option(app, "--exit-idle", o.exit_idle, "With -f: exit after this long idle");
  app.add_flag("--rotated-gzip", o.tail.rotated_gzip, "Finish rotated files that were compressed (.gz)");
  app.add_flag("-v,--verbose", o.tail.verbose, "Say which rotated files are finished or forgotten");
  app.add_flag("--validate", o.tail.validate, "Check each line is JSON; report the rest");
  add_bad_line_options(app, o.tail.input,
                       {"Append bad lines to FILE (mode 0600)", "Stop at the first bad line (exit 65)",
                        "Longest line passed on (default 16M)"});
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  o.tail.poll = o.poll != 0;
  o.tail.from_end = from == "end";
  if (o.tail.autocommit && o.tail.cursor.empty()) return usage_error("--autocommit needs --cursor");
  if (o.tail.rotated_gzip && o.tail.cursor.empty()) return usage_error("--rotated-gzip needs --cursor");
  if (!o.tail.follow && (o.poll || o.exit_idle)) return usage_error("--poll and --exit-idle need --follow");
  for (const auto& p : o.tail.paths)
    if (p == "-") return usage_error("'-': ndj-tail reads files, not standard input");
  return -1;
}

int run(const Options& o) {
  Output out;
  Tailer t(o.tail, out);
  t.scan(true);
  TimeNs last_data = now_ns(), last_scan = now_ns();
  for (;;) {
    size_t n = t.round();
    TimeNs now = now_ns();
    if (n) last_data = now;
    if (stop_requested() || t.strict_stopped()) break;
    t.commit(false);
    if (!o.tail.follow) {
      if (!t.any_open()) break;
      continue;
    }
    DirWatch::Events ev;
    if (n == 0) {
      t.commit(true);
      out.flush();
      if (o.exit_idle && now - last_data >= o.exit_idle) break;
      int timeout = static_cast<int>((o.poll ? o.poll : kRescanEvery) / 1'000'000);
      if (o.exit_idle) timeout = std::min<int64_t>(timeout, (last_data + o.exit_idle - now) / 1'000'000 + 1);
      if (int due = t.retire_due_ms(); due >= 0) timeout = std::min(timeout, due);
      ev = t.watch().wait(timeout);
    } else {
      ev = t.watch().wait(0);  // while busy too: a new file may be rotated away soon
    }
    bool polled = n == 0 && t.watch().polling();
    if (!ev.names && !polled && now_ns() - last_scan < kRescanEvery) continue;
    t.scan(false);
    last_scan = now_ns();
  }
  t.commit(true);
  out.flush();
  if (t.strict_stopped()) return kExitDataError;
  int status = t.exit_code();
  if (status == kExitLost) return status;  // never hidden behind how the run ended
  if (stop_requested() && !o.tail.follow) return interrupted_exit_code();
  return status;
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
