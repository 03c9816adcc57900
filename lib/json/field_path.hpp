// Field paths that name one value ("a.b.c", "tags.0"), looked up in a
// simdjson DOM. The grammar is lib/json_path's, without "[]" (every
// element), which names many values.
#pragma once
#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

class FieldPath {
 public:
  // parse_json_path()'s grammar: '.' separates names, a backslash takes
  // the next character literally. nullopt for a malformed path or one
  // with "[]".
  static std::optional<FieldPath> parse(std::string_view text);

  // The element at the path, or nullopt when a segment is missing. A segment
  // of digits also indexes arrays.
  std::optional<simdjson::dom::element> find(simdjson::dom::element root) const;

  const std::string& text() const { return text_; }
  const std::vector<std::string>& segments() const { return segments_; }

 private:
  std::string text_;
  std::vector<std::string> segments_;
};

}  // namespace ndj
