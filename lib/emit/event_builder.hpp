// lib/emit/: ndj-emit: one event from command-line assignments, validated
// lines from stdin, locked appends. Includes core/ and json/ text only (no
// simdjson: ndj-emit starts in a millisecond); only ndj-emit includes it.
//
// One JSON object built from jo(1)-style assignments on a command line:
// key=string, key:=JSON, key@=FILE (the file's content as a string), with
// dotted keys building nested objects.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

class EventBuilder {
 public:
  EventBuilder();
  ~EventBuilder();

  // Adds one assignment. Throws Error(kExitUsage) for a malformed one, raw
  // JSON that does not parse, a key given twice, or a key that is both a
  // value and an object ("a=1 a.b=2"); Error(kExitFailure) for an unreadable
  // FILE.
  void add(std::string_view assignment);

  bool has_top_level(std::string_view key) const;
  // Adds a string member at the top level, before the assigned ones.
  void prepend_string(std::string_view key, std::string_view value);

  // The compact object text, members in the order first assigned.
  std::string json() const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
};

}  // namespace ndj
