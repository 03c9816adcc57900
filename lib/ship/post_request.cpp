// ndj-post's request options: checks, credentials, headers, --dry-run.
#include "ship/post_request.hpp"

#include <strings.h>

#include <cctype>

#include "ship/http_credentials.hpp"

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
