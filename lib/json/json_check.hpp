// Strict JSON validation (RFC 8259 plus the limits of simdjson, so that
// what passes here passes every ndj tool) without simdjson: ndj-emit links
// only this to keep its start-up under a millisecond.
#pragma once
#include <string>
#include <string_view>

namespace ndj {

// nullptr if `text` is exactly one valid JSON value (surrounding whitespace
// allowed), else a short reason. Rejects invalid UTF-8, lone surrogate
// escapes and nesting deeper than 1024, as simdjson does; accepts numbers
// of any size, as JsonParser does.
const char* json_check(std::string_view text);
// The same, and on a fault `at` is the offset of the byte where it was
// found (for a line and column in a message about a whole file).
const char* json_check(std::string_view text, size_t& at);

// `text` (valid JSON) without whitespace outside strings; numbers and
// escapes are kept as written.
std::string json_compact(std::string_view text);

bool is_valid_utf8(std::string_view s);

}  // namespace ndj
