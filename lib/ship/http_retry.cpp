// Status classes, Retry-After and backoff arithmetic.
#include "ship/http_retry.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace ndj {

HttpVerdict classify_http_status(long status) {
  if (status >= 200 && status < 300) return HttpVerdict::kAccepted;
  if (status == 408 || status == 429 || (status >= 500 && status < 600)) return HttpVerdict::kTransient;
  if (status >= 400 && status < 500 && status != 401 && status != 403 && status != 404 && status != 407)
    return HttpVerdict::kRejected;
  // 1xx as a final answer, 3xx (we do not follow redirects: a POST that is
  // redirected is a misconfigured URL), 401/403/404/407 and anything outside
  // 100-599 can only be fixed by the user.
  return HttpVerdict::kDenied;
}

namespace {

struct Cursor {
  std::string_view s;
  size_t i = 0;
  void skip_spaces() {
    while (i < s.size() && s[i] == ' ') ++i;
  }
  bool literal(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  // A run of digits, between min and max of them.
  std::optional<int> number(size_t min, size_t max) {
    size_t start = i;
    int v = 0;
    while (i < s.size() && i - start < max && std::isdigit(static_cast<unsigned char>(s[i])))
      v = v * 10 + (s[i++] - '0');
    if (i - start < min) return std::nullopt;
    return v;
  }
  std::string_view word() {
    size_t start = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(start, i - start);
  }
  bool done() const { return i == s.size(); }
};

std::optional<unsigned> month_number(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (unsigned k = 0; k < kMonths.size(); ++k)
    if (m == kMonths[k]) return k + 1;
  return std::nullopt;
}

bool is_day_name(std::string_view d, bool long_form) {
  static constexpr std::array<std::string_view, 7> kShort = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 7> kLong = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                                            "Friday", "Saturday", "Sunday"};
  for (auto n : long_form ? kLong : kShort)
    if (d == n) return true;
  return false;
}

std::optional<TimeNs> to_time(int64_t y, std::optional<unsigned> mon, int day, int h, int m, int s) {
  if (!mon || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return std::nullopt;
  int64_t days = days_from_civil(y, *mon, static_cast<unsigned>(day));
  int64_t dy;
  unsigned dm, dd;
  civil_from_days(days, dy, dm, dd);
  if (dd != static_cast<unsigned>(day)) return std::nullopt;  // 31 Feb
  return ((days * 24 + h) * 60 + m) * 60 * kNsPerSec + int64_t{s} * kNsPerSec;
}

// "HH:MM:SS"
bool clock(Cursor& c, int& h, int& m, int& s) {
  auto hh = c.number(2, 2);
  if (!hh || !c.literal(':')) return false;
  auto mm = c.number(2, 2);
  if (!mm || !c.literal(':')) return false;
  auto ss = c.number(2, 2);
  if (!ss) return false;
  h = *hh, m = *mm, s = *ss;
  return true;
}

}  // namespace

std::optional<TimeNs> parse_http_date(std::string_view value) {
  Cursor c{value};
  std::string_view day = c.word();
  int h, m, s;
  if (c.literal(',')) {
    c.skip_spaces();
    if (is_day_name(day, false)) {  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
      auto d = c.number(2, 2);
      if (!d || !c.literal(' ')) return std::nullopt;
      auto mon = month_number(c.word());
      if (!c.literal(' ')) return std::nullopt;
      auto y = c.number(4, 4);
      if (!y || !c.literal(' ') || !clock(c, h, m, s) || !c.literal(' ') || c.word() != "GMT" || !c.done())
        return std::nullopt;
      return to_time(*y, mon, *d, h, m, s);
    }
    if (is_day_name(day, true)) {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
      auto d = c.number(2, 2);
      if (!d || !c.literal('-')) return std::nullopt;
      auto mon = month_number(c.word());
      if (!c.literal('-')) return std::nullopt;
      auto yy = c.number(2, 2);
      if (!yy || !c.literal(' ') || !clock(c, h, m, s) || !c.literal(' ') || c.word() != "GMT" || !c.done())
        return std::nullopt;
      // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
      int64_t y = 2000 + *yy;
      if (y > 2050) y -= 100;
      return to_time(y, mon, *d, h, m, s);
    }
    return std::nullopt;
  }
  if (!is_day_name(day, false) || !c.literal(' ')) return std::nullopt;
  // asctime: Sun Nov  6 08:49:37 1994
  auto mon = month_number(c.word());
  if (!c.literal(' ')) return std::nullopt;
  c.literal(' ');
  auto d = c.number(1, 2);
  if (!d || !c.literal(' ') || !clock(c, h, m, s) || !c.literal(' ')) return std::nullopt;
  auto y = c.number(4, 4);
  if (!y || !c.done()) return std::nullopt;
  return to_time(*y, mon, *d, h, m, s);
}

std::optional<int64_t> parse_retry_after(std::string_view value, TimeNs now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    // Anything beyond a day is as good as "a very long time": saturate
    // instead of overflowing; the caller caps it anyway.
    constexpr int64_t kMaxSeconds = 86400;
    int64_t secs = 0;
    for (char ch : value) {
      secs = secs * 10 + (ch - '0');
      if (secs > kMaxSeconds) return kMaxSeconds * kNsPerSec;
    }
    return secs * kNsPerSec;
  }
  auto at = parse_http_date(value);
  if (!at) return std::nullopt;
  return std::max<int64_t>(0, *at - now);
}

int64_t backoff_delay(const BackoffPolicy& policy, unsigned attempt, uint64_t random,
                      std::optional<int64_t> retry_after) {
  int64_t cap = std::max<int64_t>(0, policy.cap);
  if (retry_after) return std::clamp<int64_t>(*retry_after, 0, cap);
  int64_t ceiling = std::max<int64_t>(0, policy.base);
  for (unsigned k = 1; k < attempt && ceiling < cap; ++k) ceiling = ceiling > cap / 2 ? cap : ceiling * 2;
  ceiling = std::min(ceiling, cap);
  if (ceiling == 0) return 0;
  return static_cast<int64_t>(random % (static_cast<uint64_t>(ceiling) + 1));
}

}  // namespace ndj
