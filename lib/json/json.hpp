// lib/json/: JSON for every tool: full validation of a line, the grammar
// and structure checks, field paths, JSON text without a parser. Anything
// may include it; it includes only json/ and core/.
//
// JSON helpers on simdjson: full validation of one line and compact text
// of a DOM element. Writing JSON text without a parser is json_text.hpp's.
#pragma once
#include <simdjson.h>

#include <string>
#include <string_view>

#include "json/json_text.hpp"

namespace ndj {

// Validates and parses one record. The DOM parser checks the whole line
// (grammar, UTF-8, depth), unlike ondemand, which only checks what it touches.
class JsonParser {
 public:
  JsonParser();
  // `text` must be followed by kLinePadding readable bytes (LineReader
  // guarantees it). Returns nullptr on success, else a short reason: the
  // one json_check() gives, so that every tool names a broken line's
  // fault alike, whichever way it validates.
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
  // Whether the last validate()d or parse()d text holds a backslash:
  // without one, no string needs unescaping.
  bool has_backslash() const { return has_backslash_; }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
  bool has_root_ = false;
  bool has_backslash_ = false;
};


// A short, user-facing reason for a simdjson error code.
const char* json_error_reason(simdjson::error_code code);

// Appends the compact JSON text of a DOM element.
void append_json(std::string& out, simdjson::dom::element e);

}  // namespace ndj
