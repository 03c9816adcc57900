// Exact comparison of JSON numbers by their text, so that values beyond a
// double (12345678901234567890123 against ...124, 0.1000000000000000001
// against 0.1) compare as written.
#pragma once
#include <string_view>

namespace ndj {

// -1, 0 or 1 as the number `a` is below, equal to or above `b`; both are
// JSON number texts (RFC 8259 syntax, any size).
int compare_decimal(std::string_view a, std::string_view b);

}  // namespace ndj
