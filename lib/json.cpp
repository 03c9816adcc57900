// JSON validation and text helpers.
#include "json.hpp"

#include <cctype>
#include <cstring>

#include "line_reader.hpp"

namespace ndj {

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING);

JsonParser::JsonParser() = default;

const char* JsonParser::parse(std::string_view text) {
  auto result = parser_.parse(text.data(), text.size(), /*realloc_if_needed=*/false);
  if (result.error()) {
    has_root_ = false;
    if (result.error() == simdjson::NUMBER_ERROR && is_valid_json_text(text)) return nullptr;
    return json_error_reason(result.error());
  }
  root_ = result.value_unsafe();
  has_root_ = true;
  return nullptr;
}

namespace {

struct GrammarCheck {
  const char* p;
  const char* end;

  void ws() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  }
  bool digits() {
    const char* start = p;
    while (p < end && *p >= '0' && *p <= '9') ++p;
    return p > start;
  }
  bool number() {
    if (p < end && *p == '-') ++p;
    if (p < end && *p == '0') ++p;
    else if (!digits()) return false;
    if (p < end && *p == '.') {
      ++p;
      if (!digits()) return false;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p < end && (*p == '+' || *p == '-')) ++p;
      if (!digits()) return false;
    }
    return true;
  }
  bool string() {
    ++p;  // opening quote
    while (p < end) {
      unsigned char c = static_cast<unsigned char>(*p++);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (p >= end) return false;
        char e = *p++;
        if (e == 'u') {
          for (int i = 0; i < 4; ++i, ++p)
            if (p >= end || !std::isxdigit(static_cast<unsigned char>(*p))) return false;
        } else if (!std::strchr("\"\\/bfnrt", e) || e == 0) {
          return false;
        }
      }
    }
    return false;
  }
  bool literal(std::string_view word) {
    if (static_cast<size_t>(end - p) < word.size() || std::string_view(p, word.size()) != word) return false;
    p += word.size();
    return true;
  }
  bool scalar() {
    if (p >= end) return false;
    switch (*p) {
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }
  // Iterative, so hostile nesting cannot exhaust the stack.
  bool document() {
    std::string stack;  // '{' or '['
    ws();
    for (;;) {
      // Expecting a value.
      if (p < end && (*p == '{' || *p == '[')) {
        if (stack.size() >= 1024) return false;
        char open = *p++;
        stack.push_back(open);
        ws();
        if (p < end && *p == (open == '{' ? '}' : ']')) {
          ++p;
          stack.pop_back();
        } else {
          if (open == '{') {
            if (p >= end || *p != '"' || !string()) return false;
            ws();
            if (p >= end || *p++ != ':') return false;
            ws();
          }
          continue;
        }
      } else if (!scalar()) {
        return false;
      }
      // After a value: close containers or move to the next element.
      for (;;) {
        ws();
        if (stack.empty()) return p == end;
        if (p >= end) return false;
        char c = *p++;
        if (c == ',') {
          ws();
          if (stack.back() == '{') {
            if (p >= end || *p != '"' || !string()) return false;
            ws();
            if (p >= end || *p++ != ':') return false;
            ws();
          }
          break;
        }
        if (c != (stack.back() == '{' ? '}' : ']')) return false;
        stack.pop_back();
      }
    }
  }
};

}  // namespace

bool is_valid_json_text(std::string_view text) {
  if (!simdjson::validate_utf8(text.data(), text.size())) return false;
  GrammarCheck check{text.data(), text.data() + text.size()};
  return check.document();
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
