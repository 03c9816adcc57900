// ndj-post: POST each input line as one request body and commit checkpoint
// marks to the cursor file only once every body before them is acknowledged.
#include <strings.h>

#include <cctype>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "core/cli.hpp"
#include "core/cursor.hpp"
#include "core/diag.hpp"
#include "core/gzip.hpp"
#include "ship/http_credentials.hpp"
#include "ship/http_post.hpp"
#include "json/json.hpp"
#include "ship/json_array.hpp"
#include "core/output.hpp"
#include "core/records.hpp"
#include "ship/shipper.hpp"
#include "core/signals.hpp"
#include "core/timefmt.hpp"

namespace ndj {
namespace {

struct Options {
  InputOptions input;
  HttpTarget target;
  std::vector<std::string> headers;
  std::string token_file, token_env;
  std::string user, password_file;
  std::string content_type;
  std::string body = "json";
  bool gzip = false;
  std::string cursor, status, dead_letter;
  bool dry_run = false, verbose = false;
};

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"POST each NDJSON line (a batch) as one HTTP request body."};
  setup_app(app, "ndj-post");
  app.add_option("URL", o.target.url, "Endpoint (http:// or https://)")->required()->type_name("");
  app.add_option("-H,--header", o.headers, "Extra header 'Name: value' (repeatable)")
      ->type_name("HEADER");
  app.add_option("--token-file", o.token_file, "Bearer token from FILE")->type_name("FILE");
  app.add_option("--token-env", o.token_env, "Bearer token from variable VAR")->type_name("VAR");
  app.add_option("--user", o.user, "HTTP basic auth user (with --password-file)")->type_name("NAME");
  app.add_option("--password-file", o.password_file, "HTTP basic auth password from FILE")
      ->type_name("FILE");
  app.add_option("--content-type", o.content_type, "Content-Type (application/json)")
      ->type_name("TYPE");
  app.add_option("--body", o.body, "json: line as is; ndjson: array as NDJSON")
      ->check(CLI::IsMember({"json", "ndjson"}))->type_name("FORM");
  app.add_flag("--gzip", o.gzip, "Compress bodies (Content-Encoding: gzip)");
  add_count_option(app, "-j,--concurrency", o.target.concurrency, "Requests in flight (default 4)");
  add_duration_option(app, "--backoff", o.target.backoff.base, "First retry wait ceiling (500ms)");
  add_duration_option(app, "--max-backoff", o.target.backoff.cap, "Longest retry wait (30s)");
  add_duration_option(app, "--retry-for", o.target.backoff.budget, "Give up on a body after (5m)");
  add_duration_option(app, "--timeout", o.target.timeout, "Per request (default 30s)");
  add_duration_option(app, "--connect-timeout", o.target.connect_timeout, "Per connection (10s)");
  app.add_option("--cacert", o.target.cacert, "Trust the CAs in FILE (PEM)")->type_name("FILE");
  app.add_flag("--insecure", o.target.insecure, "Do not verify TLS certificates");
  app.add_option("--cursor", o.cursor, "Commit acknowledged marks to FILE")->type_name("FILE");
  app.add_option("--status", o.status, "Write sync health JSON to FILE")->type_name("FILE");
  app.add_option("--dead-letter", o.dead_letter, "Keep rejected bodies in FILE, go on")
      ->type_name("FILE");
  app.add_flag("--dry-run", o.dry_run, "Print the requests, send nothing");
  app.add_flag("-v,--verbose", o.verbose, "One line per request on stderr");
  add_bad_line_options(app, o.input);
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;

  std::string scheme = o.target.url.substr(0, o.target.url.find("://"));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (o.target.url.find("://") == std::string::npos || (scheme != "http" && scheme != "https"))
    return usage_error("URL must start with http:// or https://");
  if (url_has_credentials(o.target.url))
    return usage_error("credentials are never taken on the command line: remove user:password@ from the "
                       "URL and use --user NAME --password-file FILE");
  if (!o.token_file.empty() && !o.token_env.empty())
    return usage_error("--token-file and --token-env are mutually exclusive");
  if (o.user.empty() != o.password_file.empty())
    return usage_error("--user and --password-file go together");
  if (!o.user.empty() && (!o.token_file.empty() || !o.token_env.empty()))
    return usage_error("--user/--password-file and --token-file/--token-env are mutually exclusive");
  if (o.user.find(':') != std::string::npos)
    return usage_error("--user NAME must not hold a ':' (the password comes from --password-file)");
  if (o.target.timeout <= 0 || o.target.connect_timeout <= 0)
    return usage_error("--timeout and --connect-timeout must be longer than 0s");
  for (const auto& h : o.headers) {
    size_t colon = h.find(':');
    if (auto why = header_problem(h)) return usage_error("bad header '" + h.substr(0, colon) + "': " + *why);
    std::string name = h.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "authorization" || name == "proxy-authorization")
      return usage_error("credentials are never taken on the command line: use --token-file, --token-env or --user with --password-file");
  }
  if (o.content_type.empty()) o.content_type = o.body == "ndjson" ? "application/x-ndjson" : "application/json";
  return -1;
}


std::vector<std::string> request_headers(const Options& o, const std::string& token) {
  std::vector<std::string> h;
  bool own_type = false;
  for (const auto& x : o.headers) own_type |= x.size() > 13 && strncasecmp(x.c_str(), "content-type:", 13) == 0;
  if (!own_type) h.push_back("Content-Type: " + o.content_type);
  if (o.gzip) h.push_back("Content-Encoding: gzip");
  h.insert(h.end(), o.headers.begin(), o.headers.end());
  if (!token.empty()) h.push_back("Authorization: Bearer " + token);
  return h;
}

void print_request(Output& out, const Options& o, const std::vector<std::string>& headers, size_t size) {
  std::string s = "POST " + redact_url(o.target.url) + "\n";
  for (const auto& h : headers) {
    std::string_view name = std::string_view(h).substr(0, h.find(':'));
    if (!is_secret_header(name)) s += h + "\n";
    else if (h.find(": Bearer ") == name.size()) s += std::string(name) + ": Bearer ***\n";
    else s += std::string(name) + ": ***\n";
  }
  if (!o.user.empty()) s += "Authorization: Basic ***\n";
  s += "Content-Length: " + std::to_string(size) + "\n\n";
  out.write(s);
}

int run(const Options& o) {
  if (o.target.insecure) warn("--insecure: TLS certificates are not verified");
  HttpTarget target = o.target;
  std::string token = load_bearer_token(o.token_file, o.token_env);
  target.headers = request_headers(o, token);
  target.user = o.user;
  target.password = load_password(o.password_file);
  target.secrets = {token, target.password};
  if (!o.user.empty()) target.secrets.push_back(basic_credentials(o.user, target.password));
  Output out;
  RecordReader reader(o.input, out, RecordReader::Validation::kSyntax);
  ShipperOptions so{o.cursor, o.status, o.dead_letter, o.verbose, o.gzip, o.body == "ndjson",
                    o.target.backoff.budget, ShipperOptions::Auth::kNone};
  if (!o.user.empty()) so.auth = ShipperOptions::Auth::kBasic;
  else if (!token.empty()) so.auth = ShipperOptions::Auth::kBearer;
  Shipper shipper(std::move(so), target);
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
    if (o.gzip) gzip_compress(body, payload);
    else payload.assign(body);
    if (o.dry_run) {
      print_request(out, o, target.headers, payload.size());
      continue;
    }
    shipper.post(std::move(payload), *rec.file + ":" + std::to_string(rec.line));
    payload = std::string();
    shipper.pump(0, -1);
  }
  out.flush();
  if (failure) std::rethrow_exception(failure);
  if (!shipper.fatal()) {
    // Input is over (or we were told to stop): settle what is in flight.
    // After a signal, waiting retries are dropped and only transfers
    // already under way, each bounded by --timeout, are waited for.
    while (shipper.poster().held() > 0 && !shipper.fatal()) {
      if (stop_requested()) shipper.poster().drop_waiting();
      shipper.pump(200, -1);
    }
  }
  shipper.finish();
  if (shipper.fatal()) return shipper.fatal();
  if (st == RecordReader::Status::kStrictStop) return kExitDataError;
  if (st == RecordReader::Status::kStopped && !reader.streaming()) return interrupted_exit_code();
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
