// Numbers as sign, significant digits and a decimal exponent, compared
// without converting them to binary.
#include "expr/decimal.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// An exact number: sign * digits * 10^exp, digits without leading or
// trailing zeros (empty for zero).
struct Exact {
  bool neg = false;
  std::string digits;
  int64_t exp = 0;
};

bool within_limits(size_t digits, int64_t exp) {
  const auto limit = static_cast<int64_t>(kMaxExactDigits);
  return digits <= kMaxExactDigits && exp >= -limit && exp + static_cast<int64_t>(digits) <= limit;
}

std::optional<Exact> exact_of(std::string_view text) {
  Decimal d(text);
  Exact x;
  x.neg = d.neg;
  for (size_t k = 0; k < d.digits; ++k) x.digits.push_back(d.digit(k));
  x.exp = d.exp - static_cast<int64_t>(d.digits);
  if (!within_limits(x.digits.size(), x.exp)) return std::nullopt;
  return x;
}

// Drops leading and trailing zeros (into the exponent).
void normalize(Exact& x) {
  size_t lead = x.digits.find_first_not_of('0');
  if (lead == std::string::npos) {
    x = Exact{};
    return;
  }
  x.digits.erase(0, lead);
  size_t last = x.digits.find_last_not_of('0');
  x.exp += static_cast<int64_t>(x.digits.size() - last - 1);
  x.digits.resize(last + 1);
}

// The digits of x scaled to exponent `e` (<= x.exp): zeros appended.
std::string scaled(const Exact& x, int64_t e) {
  return x.digits + std::string(static_cast<size_t>(x.exp - e), '0');
}

// |a| <=> |b| of two digit strings without leading zeros.
int compare_digits(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return (c > 0) - (c < 0);
}

std::string add_digits(const std::string& a, const std::string& b) {
  std::string r;
  int carry = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    int s = carry;
    if (i < a.size()) s += a[a.size() - 1 - i] - '0';
    if (i < b.size()) s += b[b.size() - 1 - i] - '0';
    r.push_back(static_cast<char>('0' + s % 10));
    carry = s / 10;
  }
  std::reverse(r.begin(), r.end());
  return r;
}

// a - b for a >= b.
std::string sub_digits(const std::string& a, const std::string& b) {
  std::string r;
  int borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int s = a[a.size() - 1 - i] - '0' - borrow - (i < b.size() ? b[b.size() - 1 - i] - '0' : 0);
    borrow = s < 0;
    r.push_back(static_cast<char>('0' + (s + 10) % 10));
  }
  std::reverse(r.begin(), r.end());
  return r;
}

std::string mul_digits(const std::string& a, const std::string& b) {
  std::vector<int> acc(a.size() + b.size(), 0);
  for (size_t i = a.size(); i-- > 0;)
    for (size_t j = b.size(); j-- > 0;) {
      int& cell = acc[i + j + 1];
      cell += (a[i] - '0') * (b[j] - '0');
      acc[i + j] += cell / 10;
      cell %= 10;
    }
  std::string r;
  for (int v : acc) r.push_back(static_cast<char>('0' + v));
  return r;
}

Exact add_exact(Exact a, const Exact& b, bool negate_b) {
  bool bneg = b.neg != negate_b;
  if (a.digits.empty()) return Exact{bneg && !b.digits.empty(), b.digits, b.exp};
  if (b.digits.empty()) return a;
  int64_t e = std::min(a.exp, b.exp);
  std::string x = scaled(a, e), y = scaled(b, e);
  Exact r;
  r.exp = e;
  if (a.neg == bneg) {
    r.neg = a.neg;
    r.digits = add_digits(x, y);
  } else if (compare_digits(x, y) >= 0) {
    r.neg = a.neg;
    r.digits = sub_digits(x, y);
  } else {
    r.neg = bneg;
    r.digits = sub_digits(y, x);
  }
  normalize(r);
  return r;
}

void append_exact(std::string& out, const Exact& x) {
  if (x.digits.empty()) {
    out += '0';
    return;
  }
  if (x.neg) out += '-';
  const auto n = static_cast<int64_t>(x.digits.size());
  if (x.exp >= 0) {
    out += x.digits;
    out.append(static_cast<size_t>(x.exp), '0');
  } else if (n + x.exp > 0) {  // the point inside the digits
    out.append(x.digits, 0, static_cast<size_t>(n + x.exp));
    out += '.';
    out.append(x.digits, static_cast<size_t>(n + x.exp));
  } else {
    out += "0.";
    out.append(static_cast<size_t>(-(n + x.exp)), '0');
    out += x.digits;
  }
}

bool double_of(std::string_view s, double& v) {
  return std::from_chars(s.data(), s.data() + s.size(), v).ec == std::errc();
}

// The result in doubles: the fallback, and quotients.
bool double_arith(char op, std::string_view a, std::string_view b, std::string& out) {
  double x, y;
  if (!double_of(a, x) || !double_of(b, y)) return false;
  double r = op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y;
  if (!std::isfinite(r)) return false;
  if (r == 0) r = 0;  // no "-0"
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, r);
  out.assign(buf, res.ptr);
  return true;
}

}  // namespace

bool decimal_arith(char op, std::string_view a, std::string_view b, std::string& out) {
  if (op == '/' && Decimal(b).digits == 0) return false;
  int64_t x, y, r;
  if (small_integer(a, x) && small_integer(b, y)) {
    bool overflow = false;
    switch (op) {
      case '+': overflow = __builtin_add_overflow(x, y, &r); break;
      case '-': overflow = __builtin_sub_overflow(x, y, &r); break;
      case '*': overflow = __builtin_mul_overflow(x, y, &r); break;
      default:
        if (x % y != 0) return double_arith(op, a, b, out);
        r = x / y;  // |x| < 10^18: no overflow
    }
    if (!overflow) {
      char buf[24];
      out.assign(buf, std::to_chars(buf, buf + sizeof buf, r).ptr);
      return true;
    }
  }
  if (op == '/') return double_arith(op, a, b, out);
  auto ea = exact_of(a), eb = exact_of(b);
  if (!ea || !eb) return double_arith(op, a, b, out);
  Exact res;
  if (op == '*') {
    res.neg = ea->neg != eb->neg;
    res.digits = mul_digits(ea->digits, eb->digits);
    res.exp = ea->exp + eb->exp;
    normalize(res);
  } else {
    res = add_exact(std::move(*ea), *eb, op == '-');
  }
  if (!within_limits(res.digits.size(), res.exp)) return double_arith(op, a, b, out);
  out.clear();
  append_exact(out, res);
  return true;
}

int compare_decimal(std::string_view a, std::string_view b) {
  if (int64_t x, y; small_integer(a, x) && small_integer(b, y)) return (x > y) - (x < y);
  Decimal da(a), db(b);
  if (da.neg != db.neg) return da.neg ? -1 : 1;
  int m = compare_magnitude(da, db);
  return da.neg ? -m : m;
}

}  // namespace ndj
