// JSON validation and text helpers.
#include "json/json.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "json/json_check.hpp"
#include "json/json_structure.hpp"
#include "core/line_reader.hpp"

namespace ndj {

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING);

JsonParser::JsonParser() = default;

// The reason for a line simdjson rejected. simdjson's error codes depend on
// the path taken (a DOM parse, stage 1 alone, a stream of documents), so
// every tool names the fault as json_check() finds it, reading from the
// left: the same broken line gets the same reason in every tool.
// `simdjson_reason` serves if json_check() finds nothing wrong.
static const char* invalid_reason(std::string_view text, const char* simdjson_reason) {
  const char* why = json_check(text);
  return why ? why : simdjson_reason;
}

const char* JsonParser::parse(std::string_view text) {
  auto result = parser_.parse(text.data(), text.size(), /*realloc_if_needed=*/false);
  if (result.error()) {
    has_root_ = false;
    const char* why = json_check(text);
    if (result.error() == simdjson::NUMBER_ERROR && why == nullptr) return nullptr;
    return why ? why : json_error_reason(result.error());
  }
  root_ = result.value_unsafe();
  has_root_ = true;
  has_backslash_ = std::memchr(text.data(), '\\', text.size()) != nullptr;
  return nullptr;
}

const char* JsonParser::validate(std::string_view text) {
  has_root_ = false;
  if (!parser_.implementation || text.size() > parser_.capacity()) {  // the first call allocates
    // Grow geometrically: line lengths creep up over a file.
    size_t want = std::max<size_t>(std::bit_ceil(text.size()), size_t{1} << 16);
    if (parser_.allocate(std::max(text.size(), std::min(want, parser_.max_capacity()))))
      return json_error_reason(simdjson::CAPACITY);
  }
  auto& impl = *parser_.implementation;
  auto err = impl.stage1(reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                         simdjson::stage1_mode::regular);
  if (err) return invalid_reason(text, json_error_reason(err));
  has_backslash_ = std::memchr(text.data(), '\\', text.size()) != nullptr;
  if (const char* why = check_structure(text, impl.structural_indexes.get(),
                                        impl.n_structural_indexes, has_backslash_))
    return invalid_reason(text, why);
  return nullptr;
}

const uint32_t* JsonParser::structural_indexes() const {
  return parser_.implementation->structural_indexes.get();
}

uint32_t JsonParser::structural_count() const { return parser_.implementation->n_structural_indexes; }

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
