// Parsing of field paths (see json_path.hpp for the grammar).
#include "json/json_path.hpp"

namespace ndj {

bool parse_json_path(std::string_view text, JsonPath& path, std::string& error) {
  path.steps.clear();
  path.text = std::string(text);
  if (text.empty()) {
    error = "empty path";
    return false;
  }
  size_t i = 0;
  // Each turn reads one segment: a name (possibly empty only when "[]"
  // follows at the very start) and its "[]" suffixes.
  for (;;) {
    std::string name;
    bool have_name = false;
    while (i < text.size() && text[i] != '.' && text[i] != '[') {
      char c = text[i];
      if (c == ']') {
        error = "unexpected ']' at position " + std::to_string(i + 1);
        return false;
      }
      if (c == '\\') {
        if (++i == text.size()) {
          error = "path ends with a lone backslash";
          return false;
        }
        c = text[i];
      }
      name.push_back(c);
      have_name = true;
      ++i;
    }
    if (have_name) {
      path.steps.push_back({PathStep::Kind::kKey, std::move(name)});
    } else if (!(i < text.size() && text[i] == '[' && path.steps.empty())) {
      error = "empty name at position " + std::to_string(i + 1);
      return false;
    }
    while (i < text.size() && text[i] == '[') {
      if (text.substr(i, 2) != "[]") {
        error = "'[' must be followed by ']' (only [] for every element is supported)";
        return false;
      }
      path.steps.push_back({PathStep::Kind::kEachElement, {}});
      i += 2;
    }
    if (i == text.size()) return true;
    if (text[i] != '.') {
      error = "expected '.' or '[]' at position " + std::to_string(i + 1);
      return false;
    }
    if (++i == text.size()) {
      error = "path ends with '.'";
      return false;
    }
  }
}

}  // namespace ndj
