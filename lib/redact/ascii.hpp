// ASCII character classes and case folding for the secret rules, their
// gates and the scanner (a secret's syntax is ASCII; the locale is not
// consulted).
#pragma once
#include <string_view>

namespace ndj::ascii {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || is_upper(c); }
inline bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
inline bool is_hex(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
inline char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// `a` equals `lower_b` (lower case) ignoring ASCII case.
inline bool equals_folded(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower_b[i]) return false;
  return true;
}

// `hay` holds `lower_needle` (lower case) ignoring ASCII case.
inline bool contains_folded(std::string_view hay, std::string_view lower_needle) {
  for (size_t i = 0; i + lower_needle.size() <= hay.size(); ++i)
    if (equals_folded(hay.substr(i, lower_needle.size()), lower_needle)) return true;
  return false;
}

}  // namespace ndj::ascii
