// ndj-post: POST each input line as one request body and commit checkpoint
// marks to the cursor file only once every body before them is acknowledged.
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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
#include "ship/sink_clickhouse.hpp"
#include "ship/sink_pushgateway.hpp"

namespace ndj {
namespace {

struct Options {
  InputOptions input;
  HttpTarget target;
  RequestOptions request;
  std::string body = "json";
  std::string sink = "http";
  std::string table, job;  // --sink clickhouse --table, --sink prometheus-pushgateway --job
  std::vector<std::pair<std::string, std::string>> labels;
  bool skip_unknown = false;
  std::string cursor, status, dead_letter;
  TimeNs commit_interval = kNsPerSec / 5;
  bool dry_run = false, verbose = false, otlp = false;
};

// The checks of --sink and its options; sets the body form a sink takes.
std::optional<std::string> check_sink_options(Options& o, const std::vector<std::string>& labels, bool body_given) {
  bool ch = o.sink == "clickhouse", pg = o.sink == "prometheus-pushgateway";
  if (!ch && (!o.table.empty() || o.skip_unknown)) return "--table and --skip-unknown-fields need --sink clickhouse";
  if (!pg && (!o.job.empty() || !labels.empty())) return "--job and --label need --sink prometheus-pushgateway";
  if (ch) {
    if (o.table.empty()) return "--sink clickhouse needs --table";
    if (auto why = clickhouse_table_problem(o.table)) return "--table " + o.table + ": " + *why;
    if (body_given && o.body != "ndjson") return "--sink clickhouse: bodies are NDJSON (JSONEachRow), not --body json";
    if (o.otlp) return "--otlp and --sink clickhouse are different receivers";
    o.body = "ndjson";
  }
  if (pg) {
    if (o.job.empty()) return "--sink prometheus-pushgateway needs --job";
    if (body_given || o.otlp || !o.cursor.empty() || !o.dead_letter.empty())
      return "--sink prometheus-pushgateway sends its input as one Prometheus text body: "
             "no --body, --otlp, --cursor or --dead-letter";
    for (const auto& l : labels) {
      size_t eq = l.find('=');
      if (eq == std::string::npos) return "--label " + l + ": expected NAME=VALUE";
      std::string name = l.substr(0, eq);
      if (auto why = label_name_problem(name)) return "--label " + l + ": " + *why;
      if (name == "job") return "--label job: the job is --job";
      o.labels.emplace_back(name, l.substr(eq + 1));
    }
    if (o.request.content_type.empty()) o.request.content_type = "text/plain; version=0.0.4";
  }
  return std::nullopt;
}

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"POST each NDJSON line (a batch) as one HTTP request body."};
  setup_app(app, "ndj-post");
  app.add_option("URL", o.target.url, "Endpoint (http:// or https://)")->required()->type_name("");
  app.add_option("--sink", o.sink, "Receiver: http, clickhouse, prometheus-pushgateway")->type_name("KIND");
  with_choices(app.get_option("--sink"), {"http", "clickhouse", "prometheus-pushgateway"});
  app.add_option("--table", o.table, "clickhouse: insert into TABLE")->type_name("TABLE");
  app.add_flag("--skip-unknown-fields", o.skip_unknown, "clickhouse: ignore fields the table lacks");
  app.add_option("--job", o.job, "prometheus-pushgateway: the group's job")->type_name("NAME");
  std::vector<std::string> labels;
  app.add_option("--label", labels, "prometheus-pushgateway: group label (repeatable)")
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
  app.add_flag("--gzip", o.request.gzip, "Compress bodies (Content-Encoding: gzip)");
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
  if (auto why = check_sink_options(o, labels, app.count("--body") > 0)) return usage_error(*why);
  if (o.otlp && o.body == "ndjson") return usage_error("--otlp: OTLP/HTTP bodies are JSON, not --body ndjson");
  if (o.otlp && o.request.content_type.empty()) o.request.content_type = "application/json";
  if (auto why = check_request_options(o.target, o.request, o.body == "ndjson")) return usage_error(*why);
  return -1;
}

// Standard input, whole: the Prometheus text for the Pushgateway.
std::string read_stdin() {
  constexpr size_t kMaxText = size_t{64} << 20;
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(kExitFailure, "<stdin>: " + errno_text(errno));
    if (n == 0) return text;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxText) throw Error(kExitDataError, "<stdin>: more than 64M of metrics text");
  }
}

int push_metrics(const Options& o, HttpTarget target, ShipperOptions::Auth auth) {
  std::string text = read_stdin();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error(kExitDataError, "<stdin>: no metrics to push");
  if (o.dry_run) {
    Output out;
    out.write(describe_request(target, text.size()));
    out.flush();
    return kExitOk;
  }
  ShipperOptions so{"", o.status, "", o.verbose, o.request.gzip, false, o.target.backoff.budget, auth, 0, false, true};
  Shipper shipper(so, target);
  std::string payload;
  if (o.request.gzip) gzip_compress(text, payload);
  else payload = std::move(text);
  shipper.post(std::move(payload), "<stdin>");
  shipper.drain();
  shipper.finish();
  return shipper.fatal();
}

int run(const Options& o) {
  if (o.target.insecure) warn("--insecure: TLS certificates are not verified");
  HttpTarget target = o.target;
  ShipperOptions::Auth auth = load_credentials(o.request, target);
  ClickHouseSink clickhouse;
  if (o.sink == "clickhouse") {
    target.url = clickhouse_insert_url(target.url, o.table, o.skip_unknown);
    target.sink = &clickhouse;
  } else if (o.sink == "prometheus-pushgateway") {
    target.url = pushgateway_url(target.url, o.job, o.labels);
    target.put = true;
    return push_metrics(o, target, auth);
  }
  Output out;
  RecordReader reader(o.input, out, RecordReader::Validation::kSyntax);
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
  std::string payload, ndjson;
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
    if (o.request.gzip) gzip_compress(body, payload);
    else payload.assign(body);
    if (o.dry_run) {
      out.write(describe_request(target, payload.size()));
      continue;
    }
    shipper.post(std::move(payload), *rec.file + ":" + std::to_string(rec.line));
    payload = std::string();
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
