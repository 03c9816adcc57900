// The grammar is a loop over tokens with an explicit stack, so a hostile
// 10,000-deep line costs no recursion; scalars are checked on their exact
// byte extent, so `truex`, `01` or `1\0` never pass as one token.
#include "json/json_structure.hpp"

#include <cstring>

namespace ndj {

namespace {

constexpr int kMaxDepth = 1024;
constexpr const char* kBadStructure = "bad structure (missing or extra comma, bracket or brace)";
constexpr const char* kTruncated = "truncated (unclosed array or object)";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool valid_number(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i == n || !is_digit(s[i])) return false;
  if (s[i] == '0') ++i;
  else while (i < n && is_digit(s[i])) ++i;
  if (i < n && s[i] == '.') {
    if (++i == n || !is_digit(s[i])) return false;
    while (i < n && is_digit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    if (++i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i == n || !is_digit(s[i])) return false;
    while (i < n && is_digit(s[i])) ++i;
  }
  return i == n;
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  c = static_cast<char>(c | 0x20);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// The \uXXXX at s[at] (at points at the 'u'), or -1.
long unicode_escape(std::string_view s, size_t at) {
  if (at + 5 > s.size()) return -1;
  long v = 0;
  for (size_t k = 1; k <= 4; ++k) {
    int h = hex_value(s[at + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

}  // namespace

// Every backslash of the line starts an escape: inside strings by the
// grammar, and outside them it sits in a token that fails its own check.
// Walking escapes left to right keeps `\\` pairs aligned.
bool valid_escapes(std::string_view s) {
  size_t i = 0;
  while (const void* hit = std::memchr(s.data() + i, '\\', s.size() - i)) {
    i = static_cast<size_t>(static_cast<const char*>(hit) - s.data()) + 1;
    if (i >= s.size()) return false;
    switch (s[i]) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        ++i;
        break;
      case 'u': {
        long cp = unicode_escape(s, i);
        if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return false;
        i += 5;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (i + 1 >= s.size() || s[i] != '\\' || s[i + 1] != 'u') return false;
          long low = unicode_escape(s, i + 1);
          if (low < 0xDC00 || low > 0xDFFF) return false;
          i += 6;
        }
        break;
      }
      default: return false;
    }
  }
  return true;
}

const char* check_structure(std::string_view text, const uint32_t* idx, uint32_t n,
                            bool has_backslash) {
  if (n == 0) return "empty document";
  if (has_backslash && !valid_escapes(text)) return "bad string";
  uint32_t used = 0;
  if (const char* why = check_first_value(text, idx, n, used)) return why;
  return used == n ? nullptr : kBadStructure;
}

const char* check_first_value(std::string_view text, const uint32_t* idx, uint32_t n, uint32_t& used) {
  if (n == 0) return "empty document";
  // Per open container: object (1) or array (0). Only entries below
  // `depth` are read, each written when its container opened, so the
  // array needs no clearing (a std::bitset's would cost more than the
  // walk of a short record).
  bool in_object[kMaxDepth];
  int depth = 0;
  uint32_t i = 0;
  auto scalar = [&](char c) -> const char* {
    size_t b = idx[i], e = token_end(text, idx, n, i);
    std::string_view tok = text.substr(b, e - b);
    switch (c) {
      case '"':
        // Stage 1 paired the quotes; anything after the closing one is a
        // token of its own, which the grammar rejects.
        return nullptr;
      case 't': return tok == "true" ? nullptr : "bad literal (expected true)";
      case 'f': return tok == "false" ? nullptr : "bad literal (expected false)";
      case 'n': return tok == "null" ? nullptr : "bad literal (expected null)";
      default:
        if (c == '-' || is_digit(c)) return valid_number(tok) ? nullptr : "bad number";
        return kBadStructure;
    }
  };
  // Each pass reads one value (opening a container reads its first key or
  // element next), then the separator or closers after it.
  for (;;) {
    char c = text[idx[i]];
    if (c == '{' || c == '[') {
      if (depth == kMaxDepth) return "nesting too deep (limit 1024)";
      in_object[depth++] = c == '{';
      if (++i == n) return kTruncated;
      char d = text[idx[i]];
      if (d == (c == '{' ? '}' : ']')) {
        --depth;
        ++i;
      } else if (c == '{') {
        if (d != '"') return kBadStructure;
        if (++i == n) return kTruncated;
        if (text[idx[i]] != ':') return kBadStructure;
        if (++i == n) return kTruncated;
        continue;
      } else {
        continue;
      }
    } else {
      if (c != '"')
        if (const char* why = scalar(c)) return why;
      ++i;
    }
    // After a value: close containers or move to the next member.
    for (;;) {
      if (depth == 0) {
        used = i;
        return nullptr;
      }
      if (i == n) return kTruncated;
      char d = text[idx[i]];
      bool object = in_object[depth - 1];
      if (d == (object ? '}' : ']')) {
        --depth;
        ++i;
        continue;
      }
      if (d != ',') return kBadStructure;
      if (++i == n) return kTruncated;
      if (object) {
        if (text[idx[i]] != '"') return kBadStructure;
        if (++i == n) return kTruncated;
        if (text[idx[i]] != ':') return kBadStructure;
        if (++i == n) return kTruncated;
      }
      break;
    }
  }
}

}  // namespace ndj
