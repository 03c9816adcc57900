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

// True if the line is only spaces, tabs and CRs: such lines are not records
// and every tool skips them, as jq does.
bool is_blank(std::string_view line);

}  // namespace ndj
