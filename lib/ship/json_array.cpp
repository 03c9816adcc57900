// A depth and string tracking scan: on validated JSON, a comma at depth 1
// outside a string is exactly an element boundary.
#include "ship/json_array.hpp"

namespace ndj {

namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
}  // namespace

std::optional<std::vector<std::string_view>> array_elements(std::string_view text) {
  text = trim(text);
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return std::nullopt;
  std::string_view inner = text.substr(1, text.size() - 2);
  std::vector<std::string_view> out;
  int depth = 0;
  bool in_string = false;
  size_t start = 0;
  auto element = [&](size_t end) {
    std::string_view e = trim(inner.substr(start, end - start));
    if (!e.empty()) out.push_back(e);
    start = end + 1;
  };
  for (size_t i = 0; i < inner.size(); ++i) {
    char c = inner[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[': case '{': ++depth; break;
      case ']': case '}': --depth; break;
      case ',': if (depth == 0) element(i); break;
      default: break;
    }
  }
  element(inner.size());
  return out;
}

bool append_array_as_ndjson(std::string_view text, std::string& out) {
  auto elements = array_elements(text);
  if (!elements) return false;
  for (auto e : *elements) out.append(e).push_back('\n');
  return true;
}

std::optional<std::vector<std::string_view>> body_records(std::string_view body, bool ndjson) {
  if (!ndjson) return array_elements(body);
  std::vector<std::string_view> out;
  for (size_t at = 0; at < body.size();) {
    size_t nl = body.find('\n', at);
    if (nl == std::string_view::npos) nl = body.size();
    if (nl > at) out.push_back(body.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

std::string body_of(const std::vector<std::string_view>& records, size_t first, size_t last, bool ndjson) {
  std::string out;
  if (!ndjson) out.push_back('[');
  for (size_t i = first; i < last; ++i) {
    if (!ndjson && i > first) out.push_back(',');
    out.append(records[i]);
    if (ndjson) out.push_back('\n');
  }
  if (!ndjson) out.push_back(']');
  return out;
}

}  // namespace ndj
