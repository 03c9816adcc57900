// A closed list of option values, written once: parsing, the usage error
// ("expected a, b or c, got 'x'") and the shell's completions (through
// with_choices in core/cli.hpp) all read the same list.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ndj {

// "a", "a or b", "a, b or c".
inline std::string alternatives(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += i + 1 == values.size() ? " or " : ", ";
    out += values[i];
  }
  return out;
}

template <class E>
struct Choices {
  std::vector<std::pair<std::string, E>> items;  // in the order --help shows them

  std::optional<E> parse(std::string_view s) const {
    for (const auto& [name, value] : items)
      if (name == s) return value;
    return std::nullopt;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item.first);
    return out;
  }
  // "expected a, b or c, got 'x'"
  std::string expected(std::string_view got) const {
    return "expected " + alternatives(names()) + ", got '" + std::string(got) + "'";
  }
};

}  // namespace ndj
