// JSON text without a parser: string literals with escaping, and blank
// lines. Kept apart from json.hpp so that a tool linking only these (ndj-emit)
// does not link simdjson.
#pragma once
#include <string>
#include <string_view>

namespace ndj {

// Appends `s` as a JSON string literal (quotes included) to `out`.
void append_json_string(std::string& out, std::string_view s);
std::string json_string(std::string_view s);

// Appends the body of a JSON string literal (between the quotes, already
// validated) with its escapes decoded: \u0040 as '@', a surrogate pair as
// one UTF-8 sequence, a lone surrogate as U+FFFD.
void append_unescaped(std::string_view body, std::string& out);

// True if the line is only spaces, tabs and CRs: such lines are not records
// and every tool skips them, as jq does.
bool is_blank(std::string_view line);

}  // namespace ndj
