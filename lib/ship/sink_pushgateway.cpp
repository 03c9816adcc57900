// Pushgateway group URLs and answers.
#include "ship/sink_pushgateway.hpp"

#include <cctype>
#include <cstdint>

#include "core/diag.hpp"
#include "core/gzip.hpp"
#include "ship/http_credentials.hpp"

namespace ndj {

namespace {

// base64url (RFC 4648 §5), padded, as the Pushgateway takes it.
std::string base64url(std::string_view s) {
  std::string out = base64(s);
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out.empty() ? "=" : out;  // the Pushgateway's form of the empty value
}

// Percent-encodes what is not unreserved in a path segment.
std::string escape_segment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

void append_pair(std::string& url, const std::string& name, const std::string& value) {
  if (value.empty() || value.find('/') != std::string::npos) url += "/" + name + "@base64/" + base64url(value);
  else url += "/" + name + "/" + escape_segment(value);
}

}  // namespace

std::optional<std::string> label_name_problem(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
    return "a label name starts with a letter or _";
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return "a label name holds letters, digits and _";
  if (name.starts_with("__")) return "label names starting with __ are reserved";
  return std::nullopt;
}

std::string pushgateway_url(std::string url, const std::string& job,
                            const std::vector<std::pair<std::string, std::string>>& labels) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/metrics";
  append_pair(url, "job", job);
  for (const auto& [name, value] : labels) append_pair(url, name, value);
  return url;
}

int push_text(std::string text, ShipperOptions o, const HttpTarget& target) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw Error(kExitDataError, "<stdin>: no metrics to push");
  o.text_body = true;
  Shipper shipper(o, target);
  std::string payload;
  if (o.gzip) gzip_compress(text, payload, o.gzip);
  else payload = std::move(text);
  shipper.post(std::move(payload), "<stdin>");
  shipper.drain();
  shipper.finish();
  return shipper.fatal();
}

}  // namespace ndj
