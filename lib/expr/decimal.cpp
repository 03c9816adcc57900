// Numbers as sign, significant digits and a decimal exponent, compared
// without converting them to binary.
#include "expr/decimal.hpp"

#include <charconv>
#include <cstdint>

namespace ndj {
namespace {

// value = (neg ? -1 : 1) * 0.D * 10^exp, where D are the significant
// digits (no leading or trailing zeros; none for zero), read from the
// integer and fraction parts of the text.
struct Decimal {
  bool neg = false;
  std::string_view int_part, frac_part;
  size_t skip = 0;    // leading zeros of int_part + frac_part
  size_t digits = 0;  // significant digits after `skip`
  int64_t exp = 0;

  explicit Decimal(std::string_view s) {
    size_t i = 0;
    if (i < s.size() && s[i] == '-') neg = true, ++i;
    size_t b = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    int_part = s.substr(b, i - b);
    if (i < s.size() && s[i] == '.') {
      b = ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      frac_part = s.substr(b, i - b);
    }
    int64_t e = 0;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      bool eneg = false;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
      // Saturate: no text this long has digits enough to tell such exponents apart.
      for (; i < s.size(); ++i) e = std::min<int64_t>(e * 10 + (s[i] - '0'), int64_t{1} << 50);
      if (eneg) e = -e;
    }
    size_t total = int_part.size() + frac_part.size();
    while (skip < total && at_raw(skip) == '0') ++skip;
    size_t last = total;
    while (last > skip && at_raw(last - 1) == '0') --last;
    digits = last - skip;
    exp = static_cast<int64_t>(int_part.size()) - static_cast<int64_t>(skip) + e;
    if (digits == 0) neg = false;  // -0 == 0
  }
  char at_raw(size_t k) const { return k < int_part.size() ? int_part[k] : frac_part[k - int_part.size()]; }
  char digit(size_t k) const { return k < digits ? at_raw(skip + k) : '0'; }
};

int compare_magnitude(const Decimal& a, const Decimal& b) {
  if (a.digits == 0 || b.digits == 0) return (a.digits != 0) - (b.digits != 0);
  if (a.exp != b.exp) return a.exp < b.exp ? -1 : 1;
  size_t n = std::max(a.digits, b.digits);
  for (size_t k = 0; k < n; ++k) {
    char x = a.digit(k), y = b.digit(k);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

bool small_integer(std::string_view s, int64_t& v) {
  if (s.size() > 18) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

int compare_decimal(std::string_view a, std::string_view b) {
  if (int64_t x, y; small_integer(a, x) && small_integer(b, y)) return (x > y) - (x < y);
  Decimal da(a), db(b);
  if (da.neg != db.neg) return da.neg ? -1 : 1;
  int m = compare_magnitude(da, db);
  return da.neg ? -m : m;
}

}  // namespace ndj
