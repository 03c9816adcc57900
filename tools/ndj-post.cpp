// ndj-post: POST each input line as one request body and commit checkpoint
// marks to the cursor file only once every body before them is acknowledged.
#include <exception>
#include <string>
#include <utility>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/cursor.hpp"
#include "core/diag.hpp"
#include "core/gzip.hpp"
#include "core/output.hpp"
#include "core/records.hpp"
#include "core/signals.hpp"
#include "ship/json_array.hpp"
#include "ship/post_request.hpp"
#include "ship/shipper.hpp"
#include "ship/sink_pushgateway.hpp"

namespace ndj {
namespace {

struct Options {
  InputOptions input;
  HttpTarget target;
  RequestOptions request;
  std::string body = "json";
  SinkOptions sink;
  std::string cursor, status, dead_letter;
  TimeNs commit_interval = kNsPerSec / 5;
  bool dry_run = false, verbose = false, otlp = false;
};

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"POST each NDJSON line (a batch) as one HTTP request body."};
  setup_app(app, "ndj-post");
  app.add_option("URL", o.target.url, "Endpoint (http:// or https://)")->required()->type_name("");
  app.add_option("--sink", o.sink.kind, "Receiver: http, clickhouse, prometheus-pushgateway")->type_name("KIND");
  with_choices(app.get_option("--sink"), {"http", "clickhouse", "prometheus-pushgateway"});
  app.add_option("--table", o.sink.table, "clickhouse: insert into TABLE")->type_name("TABLE");
  app.add_flag("--skip-unknown-fields", o.sink.skip_unknown, "clickhouse: ignore fields the table lacks");
  app.add_option("--job", o.sink.job, "prometheus-pushgateway: the group's job")->type_name("NAME");
  app.add_option("--label", o.sink.label_args, "prometheus-pushgateway: group label (repeatable)")
      ->type_name("NAME=VALUE");
  app.add_option("-H,--header", o.request.headers, "Extra header 'Name: value' (repeatable)")
      ->type_name("HEADER");
  app.add_option("--token-file", o.request.token_file, "Bearer token from FILE")->type_name("FILE");
  app.add_option("--token-env", o.request.token_env, "Bearer token from variable VAR")->type_name("VAR");
  app.add_option("--user", o.request.user, "HTTP basic auth user (with --password-file)")->type_name("NAME");
  app.add_option("--password-file", o.request.password_file, "HTTP basic auth password from FILE")
      ->type_name("FILE");
  app.add_option("--content-type", o.request.content_type, "Content-Type (application/json)")
      ->type_name("TYPE");
  app.add_option("--body", o.body, "json: line as is; ndjson: array as NDJSON")
      ->type_name("FORM");
  with_choices(app.get_option("--body"), {"json", "ndjson"});
  app.add_flag("--otlp", o.otlp, "OTLP/HTTP JSON: count partialSuccess rejections");
  bool gzip = false;
  app.add_flag("--gzip", gzip, "Compress bodies (Content-Encoding: gzip)");
  app.add_option("--gzip-level", o.request.gzip, "gzip level, 1 (fastest, default) to 9; implies --gzip")
      ->type_name("N")
      ->check(CLI::Range(1, 9).description(""));
  add_count_option(app, "-j,--concurrency", o.target.concurrency, "Requests in flight (default 4)");
  add_duration_option(app, "--backoff", o.target.backoff.base, "First retry wait ceiling (500ms)");
  add_duration_option(app, "--max-backoff", o.target.backoff.cap, "Longest retry wait (30s)");
  add_duration_option(app, "--retry-for", o.target.backoff.budget, "Give up on a body after (5m)");
  add_duration_option(app, "--timeout", o.target.timeout, "Per request (default 30s)");
  add_duration_option(app, "--connect-timeout", o.target.connect_timeout, "Per connection (10s)");
  app.add_option("--cacert", o.target.cacert, "Trust the CAs in FILE (PEM)")->type_name("FILE");
  app.add_flag("--insecure", o.target.insecure, "Do not verify TLS certificates");
  app.add_option("--cursor", o.cursor, "Commit acknowledged marks to FILE")->type_name("FILE");
  add_duration_option(app, "--commit-interval", o.commit_interval, "Commit at most this often (200ms)");
  app.add_option("--status", o.status, "Write sync health JSON to FILE")->type_name("FILE");
  app.add_option("--dead-letter", o.dead_letter, "Keep rejected bodies in FILE, go on")
      ->type_name("FILE");
  app.add_flag("--dry-run", o.dry_run, "Print the requests, send nothing");
  app.add_flag("-v,--verbose", o.verbose, "One line per request on stderr");
  add_bad_line_options(app, o.input);
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  if (gzip && !o.request.gzip) o.request.gzip = 1;
  if (auto why = check_sink_options(o.sink, o.request, o.body, app.count("--body") > 0, o.otlp,
                                    !o.cursor.empty() || !o.dead_letter.empty()))
    return usage_error(*why);
  if (o.otlp && o.body == "ndjson") return usage_error("--otlp: OTLP/HTTP bodies are JSON, not --body ndjson");
  if (o.otlp && o.request.content_type.empty()) o.request.content_type = "application/json";
  if (auto why = check_request_options(o.target, o.request, o.body == "ndjson")) return usage_error(*why);
  return -1;
}

int run(const Options& o) {
  if (o.target.insecure) warn("--insecure: TLS certificates are not verified");
  HttpTarget target = o.target;
  ShipperOptions::Auth auth = load_credentials(o.request, target);
  ClickHouseSink clickhouse;
  aim_at_sink(o.sink, target, clickhouse);
  if (target.put) {  // the Pushgateway: standard input is one text body
    std::string text = read_fd(0, "<stdin>");
    if (o.dry_run) {
      Output out;
      out.write(describe_request(target, text.size()));
      out.flush();
      return kExitOk;
    }
    return push_text(std::move(text), {"", o.status, "", o.verbose, o.request.gzip, false, o.target.backoff.budget, auth},
                     target);
  }
  Output out;
  RecordReader reader(o.input, out, RecordReader::Validation::kSyntax);
  reader.keep_held_lines();
  Shipper shipper({o.cursor, o.status, o.dead_letter, o.verbose, o.request.gzip, o.body == "ndjson",
                   o.target.backoff.budget, auth, o.commit_interval, o.otlp, false, target.sink},
                  target);
  std::exception_ptr failure;
  if (!o.dry_run) {
    reader.set_wait_hook([&] {
      try {
        if (!shipper.fatal()) shipper.pump(200, 0);
      } catch (...) {
        failure = std::current_exception();
      }
      return shipper.fatal() || failure ? kStopWaiting : 0;
    });
  }
  Record rec;
  RecordReader::Status st = RecordReader::Status::kEnd;
  std::string ndjson;
  for (;;) {
    while (!o.dry_run && !shipper.poster().has_room() && !shipper.fatal() && !failure && !stop_requested())
      shipper.pump(200, -1);
    if (shipper.fatal() || failure) break;
    if (stop_requested()) {
      st = RecordReader::Status::kStopped;
      break;
    }
    if ((st = reader.next(rec)) != RecordReader::Status::kRecord) break;
    if (rec.is_mark) {
      // is_mark has parsed it: a line that is not a well-formed mark is a
      // record and is sent like one.
      if (!o.dry_run) shipper.add_mark(*parse_mark(rec.text));
      continue;
    }
    std::string_view body = rec.text;
    if (o.body == "ndjson") {
      ndjson.clear();
      // The line is valid JSON, so its first byte tells.
      bool is_array = rec.text.substr(rec.text.find_first_not_of(" \t\r\n")).starts_with('[');
      if (!is_array) {
        if (reader.bad_lines().report(*rec.file, rec.line, "not a JSON array (--body ndjson)", rec.text)) {
          st = RecordReader::Status::kStrictStop;
          break;
        }
        continue;
      }
      append_array_as_ndjson(rec.text, ndjson);
      if (ndjson.empty()) continue;  // an empty array: nothing to send
      body = ndjson;
    }
    // A line sent as it is stays where it was read (no copy), held by the
    // body until the receiver has answered.
    Body payload;
    if (o.request.gzip) {
      std::string packed;
      gzip_compress(body, packed, o.request.gzip);
      payload = std::move(packed);
    } else if (o.body == "ndjson") {
      payload = std::exchange(ndjson, std::string());
    } else {
      payload = Body(reader.line_buffer(), body);
    }
    if (o.dry_run) {
      out.write(describe_request(target, payload.size()));
      continue;
    }
    shipper.post(std::move(payload), *rec.file + ":" + std::to_string(rec.line));
    shipper.pump(0, -1);
  }
  out.flush();
  if (failure) std::rethrow_exception(failure);
  shipper.drain();
  shipper.finish();
  if (shipper.fatal()) return shipper.fatal();
  if (auto rc = reader.stop_exit_code(st)) return *rc;
  int rc = reader.exit_code();
  return (rc == kExitOk || rc == kExitTempFail) && shipper.dead_lettered() ? kExitDataError : rc;
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-post", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
