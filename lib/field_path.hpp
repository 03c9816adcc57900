// Dotted field paths ("a.b.c", "tags.0") looked up in a simdjson DOM.
// Deliberately small: ndj-redact's lib/json_path grew in parallel and the two
// should become one.
#pragma once
#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

class FieldPath {
 public:
  // Splits on '.'; "\." is a literal dot and "\\" a backslash inside a key.
  // nullopt for an empty path or an empty segment ("a..b", ".a").
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
