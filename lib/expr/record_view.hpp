// Values at field paths of one validated record, found by walking the
// structural index its validation left (JsonParser::validate() or parse()):
// no second parse, and only the members on the way are looked at.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "json/json.hpp"
#include "json/json_path.hpp"

namespace ndj {

// One JSON value of the record, as its raw text.
struct JsonToken {
  enum class Kind : uint8_t { kString, kNumber, kTrue, kFalse, kNull, kArray, kObject };
  Kind kind = Kind::kNull;
  // kString: the body between the quotes, escapes not decoded; others: the
  // value's text (containers whole).
  std::string_view raw;
  bool escaped = false;  // kString: the body holds a backslash
};

class RecordView {
 public:
  // `text` validated, `idx[0, n)` its structural index.
  RecordView(std::string_view text, const uint32_t* idx, uint32_t n, bool has_backslash)
      : text_(text), idx_(idx), n_(n), has_backslash_(has_backslash) {}
  // The record the parser validated last.
  RecordView(std::string_view text, const JsonParser& parser)
      : RecordView(text, parser.structural_indexes(), parser.structural_count(), parser.has_backslash()) {}

  // Calls f(const JsonToken&) for every value at `path` (several for a
  // path with "[]"), in document order, until f returns true. A key step
  // takes an object's first member of that name, or an array's element
  // when the name is a number. Returns whether f returned true.
  template <class F>
  bool each(const JsonPath& path, F&& f) const {
    return n_ != 0 && walk(0, path, 0, f);
  }

  std::string_view text() const { return text_; }

  // For many paths in one pass: calls f(key, value) with the token indexes
  // of each member of the top-level object until f returns true; key_is()
  // names the member, each_at() follows a path's later steps from a value.
  template <class F>
  void members(F&& f) const {
    if (n_ < 2 || at(0) != '{' || at(1) == '}') return;
    for (uint32_t i = 1;;) {
      if (f(i, i + 2)) return;
      i = skip(i + 2);
      if (i >= n_ || at(i) != ',') return;
      ++i;
    }
  }
  bool key_is(uint32_t tok, std::string_view key) const;
  // The value of the first top-level member called `name` (a name, not a
  // path), or nullopt when the record is no object or has no such member.
  std::optional<JsonToken> member(std::string_view name) const;
  template <class F>
  bool each_at(uint32_t tok, const JsonPath& path, size_t step, F&& f) const {
    return walk(tok, path, step, f);
  }

 private:
  template <class F>
  bool walk(uint32_t tok, const JsonPath& path, size_t step, F& f) const;
  // The token after the value that starts at `tok`.
  uint32_t skip(uint32_t tok) const;
  JsonToken token(uint32_t tok) const;
  char at(uint32_t tok) const { return text_[idx_[tok]]; }

  std::string_view text_;
  const uint32_t* idx_;
  uint32_t n_;
  bool has_backslash_;
};

template <class F>
bool RecordView::walk(uint32_t tok, const JsonPath& path, size_t step, F& f) const {
  if (step == path.steps.size()) return f(token(tok));
  const PathStep& s = path.steps[step];
  char c = at(tok);
  if (c == '{' && s.kind == PathStep::Kind::kKey) {
    uint32_t i = tok + 1;
    if (at(i) == '}') return false;
    for (;;) {
      if (key_is(i, s.key)) return walk(i + 2, path, step + 1, f);
      i = skip(i + 2);
      if (i >= n_ || at(i) != ',') return false;
      ++i;
    }
  }
  if (c != '[') return false;
  uint32_t i = tok + 1;
  if (at(i) == ']') return false;
  if (s.kind == PathStep::Kind::kKey) {  // an array index: "tags.0"
    const std::string& k = s.key;
    if (k.empty() || k.size() > 9 || k.find_first_not_of("0123456789") != std::string::npos) return false;
    size_t want = std::stoul(k);
    for (size_t n = 0;; ++n) {
      if (n == want) return walk(i, path, step + 1, f);
      i = skip(i);
      if (i >= n_ || at(i) != ',') return false;
      ++i;
    }
  }
  for (;;) {
    if (walk(i, path, step + 1, f)) return true;
    i = skip(i);
    if (i >= n_ || at(i) != ',') return false;
    ++i;
  }
}

}  // namespace ndj
