// Field paths on the command line: `message`, `tags.repo`, `a.b.c`, and
// `spans[].attrs.query` where `[]` stands for every element of an array.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

struct PathStep {
  enum class Kind { kKey, kEachElement };
  Kind kind = Kind::kKey;
  std::string key;  // for kKey: the member name, unescaped
};

struct JsonPath {
  std::vector<PathStep> steps;
  std::string text;  // as the user wrote it, for messages

  bool ends_with_key() const { return !steps.empty() && steps.back().kind == PathStep::Kind::kKey; }
};

// Parses a path. Names are separated by '.', and a name followed by "[]"
// means every element of the array it names ("[]" may repeat, for arrays of
// arrays, and may start the path when records are arrays). A backslash takes
// the next character literally, so `a\.b` is the one member "a.b".
// Returns false and sets `error` (a short reason) if the path is malformed.
bool parse_json_path(std::string_view text, JsonPath& path, std::string& error);

}  // namespace ndj
