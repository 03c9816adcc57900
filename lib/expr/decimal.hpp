// Exact comparison and arithmetic of JSON numbers by their text, so that
// values beyond a double (12345678901234567890123 against ...124,
// 0.1000000000000000001 against 0.1) compare and add up as written.
#pragma once
#include <string>
#include <string_view>

namespace ndj {

// -1, 0 or 1 as the number `a` is below, equal to or above `b`; both are
// JSON number texts (RFC 8259 syntax, any size).
int compare_decimal(std::string_view a, std::string_view b);

// Digits an exact result may hold; beyond them arithmetic is done in doubles.
inline constexpr size_t kMaxExactDigits = 100;

// a OP b for OP one of + - * /, both JSON number texts, written to `out`
// as a JSON number text. + - * are exact (0.1 + 0.2 is 0.3, integers of any
// size) while operands and result fit kMaxExactDigits significant digits
// and as many places either side of the point; beyond that, and for a
// quotient that is not an integer, they are doubles (the shortest text
// that reads back as the same double). False for a division by zero or a
// result beyond the range of a double.
bool decimal_arith(char op, std::string_view a, std::string_view b, std::string& out);

// Whether a JSON number text is an integer as written (no '.', no exponent).
inline bool is_integer_text(std::string_view s) { return s.find_first_of(".eE") == std::string_view::npos; }

}  // namespace ndj
