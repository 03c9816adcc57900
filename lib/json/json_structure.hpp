// Validation of one JSON text from simdjson's stage-1 structural index
// alone, without building a DOM: the grammar over the index, plus the
// checks stage 1 leaves out (escapes, number and literal syntax). Stage 1
// has already checked UTF-8, unescaped control characters and quote
// pairing. Half the cost of a DOM parse for a filter that needs only the
// verdict and the token offsets.
#pragma once
#include <cstdint>
#include <string_view>

namespace ndj {

// nullptr if `text`, whose stage-1 index is idx[0, n), is one valid JSON
// value, else a short reason (the same reasons as json_check()). Accepts
// numbers of any size and rejects nesting deeper than 1024, lone
// surrogate escapes and anything after the value, as json_check() does.
// `has_backslash`: whether `text` holds a backslash (escapes are checked only
// then).
const char* check_structure(std::string_view text, const uint32_t* idx, uint32_t n,
                            bool has_backslash);

// Whether every backslash of `s` starts a valid escape (a lone surrogate
// is not one).
bool valid_escapes(std::string_view s);

// The grammar of the first value of idx[0, n) (escapes not checked):
// nullptr and the number of its tokens in `used`, else a reason. Tokens
// after the value are not looked at.
const char* check_first_value(std::string_view text, const uint32_t* idx, uint32_t n, uint32_t& used);

// End offset (last byte + 1) of the scalar token at idx[i]: up to the next
// token, less the whitespace before it.
inline size_t token_end(std::string_view text, const uint32_t* idx, uint32_t n, uint32_t i) {
  size_t e = i + 1 < n ? idx[i + 1] : text.size();
  while (e > idx[i] && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\n' ||
                        text[e - 1] == '\r'))
    --e;
  return e;
}

}  // namespace ndj
