// ndj-post's request options: checks, credentials, headers, --dry-run.
#include "ship/post_request.hpp"

#include <strings.h>

#include <cctype>

#include "ship/http_credentials.hpp"
#include "ship/sink_pushgateway.hpp"

namespace ndj {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> request_headers(const RequestOptions& r, const std::string& token) {
  std::vector<std::string> h;
  bool own_type = false;
  for (const auto& x : r.headers) own_type |= x.size() > 13 && strncasecmp(x.c_str(), "content-type:", 13) == 0;
  if (!own_type) h.push_back("Content-Type: " + r.content_type);
  if (r.gzip) h.push_back("Content-Encoding: gzip");
  h.insert(h.end(), r.headers.begin(), r.headers.end());
  if (!token.empty()) h.push_back("Authorization: Bearer " + token);
  return h;
}

}  // namespace

std::optional<std::string> check_request_options(const HttpTarget& target, RequestOptions& r,
                                                 bool ndjson_body) {
  const std::string& url = target.url;
  std::string scheme = lower(url.substr(0, url.find("://")));
  if (url.find("://") == std::string::npos || (scheme != "http" && scheme != "https"))
    return "URL must start with http:// or https://";
  if (url_has_credentials(url))
    return "credentials are never taken on the command line: remove user:password@ from the "
           "URL and use --user NAME --password-file FILE";
  if (!r.token_file.empty() && !r.token_env.empty())
    return "--token-file and --token-env are mutually exclusive";
  if (r.user.empty() != r.password_file.empty()) return "--user and --password-file go together";
  if (!r.user.empty() && (!r.token_file.empty() || !r.token_env.empty()))
    return "--user/--password-file and --token-file/--token-env are mutually exclusive";
  if (r.user.find(':') != std::string::npos)
    return "--user NAME must not hold a ':' (the password comes from --password-file)";
  if (target.timeout <= 0 || target.connect_timeout <= 0)
    return "--timeout and --connect-timeout must be longer than 0s";
  for (const auto& h : r.headers) {
    size_t colon = h.find(':');
    if (auto why = header_problem(h)) return "bad header '" + h.substr(0, colon) + "': " + *why;
    std::string name = lower(h.substr(0, colon));
    if (name == "authorization" || name == "proxy-authorization")
      return "credentials are never taken on the command line: use --token-file, --token-env or --user with "
             "--password-file";
  }
  if (r.content_type.empty()) r.content_type = ndjson_body ? "application/x-ndjson" : "application/json";
  return std::nullopt;
}

std::optional<std::string> check_sink_options(SinkOptions& s, RequestOptions& r, std::string& body, bool body_given,
                                              bool otlp, bool acks) {
  bool ch = s.kind == "clickhouse", pg = s.kind == "prometheus-pushgateway";
  if (!ch && (!s.table.empty() || s.skip_unknown)) return "--table and --skip-unknown-fields need --sink clickhouse";
  if (!pg && (!s.job.empty() || !s.label_args.empty())) return "--job and --label need --sink prometheus-pushgateway";
  if (ch) {
    if (s.table.empty()) return "--sink clickhouse needs --table";
    if (auto why = clickhouse_table_problem(s.table)) return "--table " + s.table + ": " + *why;
    if (body_given && body != "ndjson") return "--sink clickhouse: bodies are NDJSON (JSONEachRow), not --body json";
    if (otlp) return "--otlp and --sink clickhouse are different receivers";
    body = "ndjson";
  }
  if (pg) {
    if (s.job.empty()) return "--sink prometheus-pushgateway needs --job";
    if (body_given || otlp || acks)
      return "--sink prometheus-pushgateway sends its input as one Prometheus text body: "
             "no --body, --otlp, --cursor or --dead-letter";
    for (const auto& l : s.label_args) {
      size_t eq = l.find('=');
      if (eq == std::string::npos) return "--label " + l + ": expected NAME=VALUE";
      std::string name = l.substr(0, eq);
      if (auto why = label_name_problem(name)) return "--label " + l + ": " + *why;
      if (name == "job") return "--label job: the job is --job";
      s.labels.emplace_back(name, l.substr(eq + 1));
    }
    if (r.content_type.empty()) r.content_type = "text/plain; version=0.0.4";
  }
  return std::nullopt;
}

void aim_at_sink(const SinkOptions& s, HttpTarget& target, const ClickHouseSink& clickhouse) {
  if (s.kind == "clickhouse") {
    target.url = clickhouse_insert_url(target.url, s.table, s.skip_unknown);
    target.sink = &clickhouse;
  } else if (s.kind == "prometheus-pushgateway") {
    target.url = pushgateway_url(target.url, s.job, s.labels);
    target.put = true;
  }
}

ShipperOptions::Auth load_credentials(const RequestOptions& r, HttpTarget& target) {
  std::string token = load_bearer_token(r.token_file, r.token_env);
  target.headers = request_headers(r, token);
  target.user = r.user;
  target.password = load_password(r.password_file);
  target.secrets = {token, target.password};
  if (!r.user.empty()) target.secrets.push_back(basic_credentials(r.user, target.password));
  if (!r.user.empty()) return ShipperOptions::Auth::kBasic;
  if (!token.empty()) return ShipperOptions::Auth::kBearer;
  return ShipperOptions::Auth::kNone;
}

std::string describe_request(const HttpTarget& target, size_t size) {
  std::string s = (target.put ? "PUT " : "POST ") + redact_url(target.url) + "\n";
  for (const auto& h : target.headers) {
    std::string_view name = std::string_view(h).substr(0, h.find(':'));
    if (!is_secret_header(name)) s += h + "\n";
    else if (h.find(": Bearer ") == name.size()) s += std::string(name) + ": Bearer ***\n";
    else s += std::string(name) + ": ***\n";
  }
  if (!target.user.empty()) s += "Authorization: Basic ***\n";
  s += "Content-Length: " + std::to_string(size) + "\n\n";
  return s;
}

}  // namespace ndj
