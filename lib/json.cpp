// JSON validation and text helpers.
#include "json.hpp"

#include "json_check.hpp"
#include "line_reader.hpp"

namespace ndj {

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING);

JsonParser::JsonParser() = default;

const char* JsonParser::parse(std::string_view text) {
  auto result = parser_.parse(text.data(), text.size(), /*realloc_if_needed=*/false);
  if (result.error()) {
    has_root_ = false;
    if (result.error() == simdjson::NUMBER_ERROR && json_check(text) == nullptr) return nullptr;
    return json_error_reason(result.error());
  }
  root_ = result.value_unsafe();
  has_root_ = true;
  return nullptr;
}

const char* json_error_reason(simdjson::error_code code) {
  using namespace simdjson;
  switch (code) {
    case EMPTY: return "empty document";
    case DEPTH_ERROR: return "nesting too deep (limit 1024)";
    case STRING_ERROR: return "bad string";
    case T_ATOM_ERROR: return "bad literal (expected true)";
    case F_ATOM_ERROR: return "bad literal (expected false)";
    case N_ATOM_ERROR: return "bad literal (expected null)";
    case NUMBER_ERROR: return "bad number";
    case NUMBER_OUT_OF_RANGE: return "number out of range";
    case UTF8_ERROR: return "invalid UTF-8";
    case UNESCAPED_CHARS: return "control character inside a string";
    case UNCLOSED_STRING: return "unclosed string";
    case TAPE_ERROR: return "bad structure (missing or extra comma, bracket or brace)";
    case INCOMPLETE_ARRAY_OR_OBJECT: return "truncated (unclosed array or object)";
    case CAPACITY: return "document too large";
    default: return error_message(code);
  }
}

void append_json(std::string& out, simdjson::dom::element e) {
  out.append(simdjson::minify(e));
}

}  // namespace ndj
