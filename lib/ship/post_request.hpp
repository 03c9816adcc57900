// ndj-post's requests as its options describe them: the checks of the URL,
// credential and header options, the credentials and headers loaded into
// the HttpTarget, and the --dry-run listing of a request.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "ship/http_post.hpp"
#include "ship/shipper.hpp"
#include "ship/sink_clickhouse.hpp"

namespace ndj {

struct RequestOptions {
  std::vector<std::string> headers;   // -H: "Name: value"
  std::string token_file, token_env;  // bearer token
  std::string user, password_file;    // basic auth
  std::string content_type;           // --content-type ("": the default of the body form)
  int gzip = 0;                       // Content-Encoding: gzip at this level (1-9); 0: none
};

// What --sink names and the options of each receiver.
struct SinkOptions {
  std::string kind = "http";            // http, clickhouse, prometheus-pushgateway
  std::string table;                    // clickhouse: --table
  bool skip_unknown = false;            // clickhouse: --skip-unknown-fields
  std::string job;                      // prometheus-pushgateway: --job
  std::vector<std::string> label_args;  // prometheus-pushgateway: --label NAME=VALUE
  std::vector<std::pair<std::string, std::string>> labels;  // parsed from label_args
};

// The usage error in the sink options, or nullopt. Sets the body form
// (`body`) and content type the sink takes; `body_given`: --body was;
// `acks`: --cursor or --dead-letter was.
std::optional<std::string> check_sink_options(SinkOptions& s, RequestOptions& r, std::string& body, bool body_given,
                                              bool otlp, bool acks);

// Points `target` at the sink: its URL, its method (PUT for the
// Pushgateway) and the reader of its answers (`clickhouse` for ClickHouse).
void aim_at_sink(const SinkOptions& s, HttpTarget& target, const ClickHouseSink& clickhouse);

// The usage error in `target`'s URL and timeouts and in `r`, or nullopt.
// Sets r.content_type to the default of the body form when not given.
std::optional<std::string> check_request_options(const HttpTarget& target, RequestOptions& r,
                                                 bool ndjson_body);

// Loads the token or the password (throwing Error(77) as the loaders do)
// and puts the headers, the basic auth user and password and the secrets
// into `target`; returns which credentials there are.
ShipperOptions::Auth load_credentials(const RequestOptions& r, HttpTarget& target);

// A request as --dry-run prints it: method, URL and headers with
// credentials shown as ***, Content-Length, a blank line.
std::string describe_request(const HttpTarget& target, size_t size);

}  // namespace ndj
