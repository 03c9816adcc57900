// lib/json/: JSON for every tool: full validation of a line, the grammar
// and structure checks, field paths, JSON text without a parser. Anything
// may include it; it includes only json/ and core/.
//
// JSON helpers on simdjson: full validation of one line and compact text
// of a DOM element. Writing JSON text without a parser is json_text.hpp's.
#pragma once
#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

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
  const uint32_t* structural_indexes() const { return idx_; }
  uint32_t structural_count() const { return n_; }

  // Lines in bulk: index_lines() runs stage 1 once over `buffer`, lines
  // each followed by '\n' and the whole followed by kLinePadding readable
  // bytes (a LineBatch's text); validate_line() then validates the line
  // at [begin, begin + size) of it, lines in increasing order, with the
  // verdict, reason and token offsets validate() gives. Stage 1 over a
  // batch skips a call and a padded tail copy per line. A buffer
  // stage 1 rejects (a bad line somewhere in it) is validated line by line.
  void index_lines(std::string_view buffer);
  const char* validate_line(std::string_view buffer, size_t begin, size_t size);
  // Whether the last validate()d or parse()d text holds a backslash:
  // without one, no string needs unescaping.
  bool has_backslash() const { return has_backslash_; }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
  bool has_root_ = false;
  bool has_backslash_ = false;
  const uint32_t* idx_ = nullptr;  // the last validation's token offsets
  uint32_t n_ = 0;

  // index_lines(): stage 1 of the whole buffer (bulk_ok_ when it passed),
  // the next token of it to look at, one line's offsets.
  std::unique_ptr<simdjson::internal::dom_parser_implementation> bulk_;
  bool bulk_ok_ = false;
  uint32_t bulk_next_ = 0;
  std::vector<uint32_t> line_idx_;
};


// A short, user-facing reason for a simdjson error code.
const char* json_error_reason(simdjson::error_code code);

// Appends the compact JSON text of a DOM element.
void append_json(std::string& out, simdjson::dom::element e);

}  // namespace ndj
