// ndj-batch: group NDJSON records into batches, one JSON array per line,
// holding checkpoint marks until every record before them is written.
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <tuple>

#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/output.hpp"
#include "core/records.hpp"
#include "ship/batcher.hpp"

namespace ndj {
namespace {

struct Options {
  InputOptions input;
  BatcherOptions batch;
  std::string by;
};

// `ndj-batch --wrap ev/tools.ndjson` takes the file for the KEY and reads
// standard input: say so (the run goes on, its status unchanged).
void warn_about_input(const Options& o) {
  bool reads_stdin = o.input.files.empty();
  for (const auto& f : o.input.files) reads_stdin |= f == "-";
  if (!reads_stdin) return;
  struct stat st;
  for (const auto& [option, value, what] : {std::tuple{"--by", &o.by, "FIELD"},
                                            std::tuple{"--wrap", &o.batch.wrap, "KEY"}}) {
    if (value->empty() || ::stat(value->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    warn(std::string(option) + " '" + *value + "' is an existing file, taken as the " + what +
         ": to batch it, give the " + what + " first (" + option + " " + what + " " + *value + ")");
  }
  if (isatty(STDIN_FILENO))
    warn("reading records from the terminal (give a FILE, or end the input with Ctrl-D)");
}

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Group NDJSON records into batches: one JSON array per output line."};
  setup_app(app, "ndj-batch");
  add_input_options(app, o.input);
  add_count_option(app, "-n,--max-records", o.batch.max_records, "Records per batch (default 1000)");
  add_size_option(app, "--max-bytes", o.batch.max_bytes, "Largest batch line, in bytes (default 1M)");
  add_duration_option(app, "--linger", o.batch.linger,
                      "Write a partial batch this old when idle (1s)");
  app.add_option("--by", o.by, "One open batch per value of this top-level field")
      ->type_name("FIELD");
  app.add_option("--wrap", o.batch.wrap, "Write {\"KEY\":[...]} instead of [...]")->type_name("KEY");
  add_count_option(app, "--max-open", o.batch.max_open, "With --by: most open batches (default 1000)");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  warn_about_input(o);
  return -1;
}

int run(const Options& o) {
  Output out;
  RecordReader reader(o.input, out, RecordReader::Validation::kSyntax);
  Batcher batcher(o.batch, out);
  reader.set_wait_hook([&] { return batcher.flush_due(); });
  std::string keybuf;
  Record rec;
  RecordReader::Status st;
  while ((st = reader.next(rec)) == RecordReader::Status::kRecord) {
    if (rec.is_mark) {
      batcher.add_mark(rec.text);
      continue;
    }
    if (!batcher.fits(rec.text.size())) {
      std::string why = "record of " + std::to_string(rec.text.size()) +
                        " bytes cannot fit in a batch of --max-bytes " + std::to_string(o.batch.max_bytes);
      if (reader.bad_lines().report(*rec.file, rec.line, why, rec.text)) {
        st = RecordReader::Status::kStrictStop;
        break;
      }
      continue;
    }
    batcher.add(o.by.empty() ? std::string_view{} : group_key(reader, rec.text, o.by, keybuf), rec.text);
  }
  batcher.flush_all();
  out.flush();
  if (auto rc = reader.stop_exit_code(st)) return *rc;
  return reader.exit_code();
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-batch", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
