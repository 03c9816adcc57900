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

bool append_array_as_ndjson(std::string_view text, std::string& out) {
  text = trim(text);
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
  std::string_view inner = text.substr(1, text.size() - 2);
  int depth = 0;
  bool in_string = false;
  size_t start = 0;
  auto element = [&](size_t end) {
    std::string_view e = trim(inner.substr(start, end - start));
    if (!e.empty()) out.append(e).push_back('\n');
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
  return true;
}

}  // namespace ndj
