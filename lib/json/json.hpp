// JSON helpers on simdjson: full validation of one line, and writing JSON
// text (string escaping) without a DOM.
#pragma once
#include <simdjson.h>

#include <string>
#include <string_view>

namespace ndj {

// Validates and parses one record. The DOM parser checks the whole line
// (grammar, UTF-8, depth), unlike ondemand, which only checks what it touches.
class JsonParser {
 public:
  JsonParser();
  // `text` must be followed by kLinePadding readable bytes (LineReader
  // guarantees it). Returns nullptr on success, else a short reason.
  const char* parse(std::string_view text);
  // The document of the last successful parse. Absent (has_root() false)
  // for the rare valid line simdjson cannot represent: a number beyond the
  // range of a 64-bit integer or a double (123456789012345678901234567890,
  // 1e400): json_check() vouches for such lines, which pass through
  // untouched.
  bool has_root() const { return has_root_; }
  simdjson::dom::element root() const { return root_; }

  // Validates without building a DOM (stage 1 and check_structure()),
  // about twice as fast as parse(); has_root() is then false. The token
  // offsets of the last validate() or parse() stay readable until the next.
  const char* validate(std::string_view text);
  const uint32_t* structural_indexes() const;
  uint32_t structural_count() const;
  // Whether the last validate()d text holds a backslash: without one, no
  // string needs unescaping.
  bool has_backslash() const { return has_backslash_; }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
  bool has_root_ = false;
  bool has_backslash_ = false;
};


// A short, user-facing reason for a simdjson error code.
const char* json_error_reason(simdjson::error_code code);

// Appends `s` as a JSON string literal (quotes included) to `out`.
void append_json_string(std::string& out, std::string_view s);
std::string json_string(std::string_view s);

// Appends the compact JSON text of a DOM element.
void append_json(std::string& out, simdjson::dom::element e);

// True if the line is only spaces, tabs and CRs: such lines are not records
// and every tool skips them, as jq does.
bool is_blank(std::string_view line);

}  // namespace ndj
