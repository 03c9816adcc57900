// Hand-written RFC 3339 and duration parsers: strict, allocation-free, and
// fast enough to run once per record.
#include "core/timefmt.hpp"

#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>

namespace ndj {

namespace {

bool digits(std::string_view s, size_t pos, size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

// Howard Hinnant's algorithm.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

std::optional<TimeNs> parse_rfc3339(std::string_view s) {
  if (s.size() < 20) return std::nullopt;
  // Logs hold long runs of one day: the last date this thread parsed is
  // remembered, and the same ten bytes are not parsed again.
  thread_local char last_date[10] = {'1', '9', '7', '0', '-', '0', '1', '-', '0', '1'};
  thread_local int64_t last_days = 0;  // a valid date to start with
  int64_t days;
  if (std::memcmp(s.data(), last_date, sizeof last_date) == 0) {
    days = last_days;
  } else {
    unsigned year, mon, day;
    if (!digits(s, 0, 4, year) || s[4] != '-' || !digits(s, 5, 2, mon) || s[7] != '-' ||
        !digits(s, 8, 2, day))
      return std::nullopt;
    if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon)) return std::nullopt;
    days = days_from_civil(year, mon, day);
    std::memcpy(last_date, s.data(), sizeof last_date);
    last_days = days;
  }
  unsigned hour, min, sec;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  if (!digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, min) || s[16] != ':' ||
      !digits(s, 17, 2, sec))
    return std::nullopt;
  if (hour > 23 || min > 59 || sec > 60) return std::nullopt;
  size_t pos = 19;
  int64_t frac = 0;
  if (s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100'000'000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  if (pos >= s.size()) return std::nullopt;
  int64_t offset = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    unsigned oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = (static_cast<int64_t>(oh) * 60 + om) * 60;
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  int64_t secs = days * 86400 + hour * 3600 + min * 60 + sec - offset;
  // A TimeNs holds 1677-09-21 to 2262-04-11: a year beyond is no time.
  TimeNs ns;
  if (__builtin_mul_overflow(secs, kNsPerSec, &ns) || __builtin_add_overflow(ns, frac, &ns)) return std::nullopt;
  return ns;
}

std::string format_rfc3339(TimeNs t, int frac_digits) {
  int64_t secs = t / kNsPerSec;
  int64_t ns = t % kNsPerSec;
  if (ns < 0) {
    ns += kNsPerSec;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                        static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (frac_digits > 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(ns));
    out.append(buf, static_cast<size_t>(1 + std::min(frac_digits, 9)));
  }
  out.push_back('Z');
  return out;
}

std::optional<int64_t> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s == "0") return 0;
  int64_t total = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t start = pos;
    int64_t n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n > (std::numeric_limits<int64_t>::max() - 9) / 10) return std::nullopt;
      n = n * 10 + (s[pos] - '0');
      ++pos;
    }
    if (pos == start) return std::nullopt;
    size_t ustart = pos;
    while (pos < s.size() && ((s[pos] >= 'a' && s[pos] <= 'z'))) ++pos;
    std::string_view unit = s.substr(ustart, pos - ustart);
    int64_t mult;
    if (unit == "w") mult = 7 * 86400 * kNsPerSec;
    else if (unit == "d") mult = 86400 * kNsPerSec;
    else if (unit == "h") mult = 3600 * kNsPerSec;
    else if (unit == "m") mult = 60 * kNsPerSec;
    else if (unit == "s") mult = kNsPerSec;
    else if (unit == "ms") mult = 1'000'000;
    else if (unit == "us") mult = 1'000;
    else if (unit == "ns") mult = 1;
    else return std::nullopt;
    if (n > std::numeric_limits<int64_t>::max() / mult) return std::nullopt;
    if (total > std::numeric_limits<int64_t>::max() - n * mult) return std::nullopt;
    total += n * mult;
  }
  return total;
}

std::string format_duration(int64_t ns) {
  if (ns == 0) return "0s";
  std::string out;
  if (ns < 0) {
    out.push_back('-');
    ns = -ns;
  }
  static const struct { int64_t mult; const char* unit; } kUnits[] = {
      {86400 * kNsPerSec, "d"}, {3600 * kNsPerSec, "h"}, {60 * kNsPerSec, "m"},
      {kNsPerSec, "s"}, {1'000'000, "ms"}, {1'000, "us"}, {1, "ns"}};
  for (const auto& u : kUnits) {
    if (ns >= u.mult) {
      out += std::to_string(ns / u.mult);
      out += u.unit;
      ns %= u.mult;
    }
  }
  return out;
}

const Choices<EpochUnit> kEpochUnits{
    {{"s", EpochUnit::kSeconds}, {"ms", EpochUnit::kMillis}, {"us", EpochUnit::kMicros}, {"ns", EpochUnit::kNanos}}};

namespace {
int64_t unit_ns(EpochUnit u) {
  switch (u) {
    case EpochUnit::kSeconds: return kNsPerSec;
    case EpochUnit::kMillis: return 1'000'000;
    case EpochUnit::kMicros: return 1'000;
    case EpochUnit::kNanos: return 1;
  }
  return 1;
}
}  // namespace

std::optional<TimeNs> epoch_to_ns(double value, EpochUnit unit) {
  double ns = value * static_cast<double>(unit_ns(unit));
  if (!std::isfinite(ns) || ns >= 9.2e18 || ns <= -9.2e18) return std::nullopt;
  return static_cast<TimeNs>(std::llround(ns));
}

std::optional<TimeNs> epoch_to_ns(int64_t value, EpochUnit unit) {
  int64_t mult = unit_ns(unit);
  if (value > std::numeric_limits<int64_t>::max() / mult ||
      value < std::numeric_limits<int64_t>::min() / mult)
    return std::nullopt;
  return value * mult;
}

std::optional<uint64_t> parse_size(std::string_view s) {
  size_t pos = 0;
  uint64_t n = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (n > (std::numeric_limits<uint64_t>::max() - 9) / 10) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(s[pos] - '0');
    ++pos;
  }
  if (pos == 0) return std::nullopt;
  std::string_view unit = s.substr(pos);
  uint64_t mult;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "k" || unit == "K" || unit == "KiB") mult = 1ull << 10;
  else if (unit == "M" || unit == "MiB") mult = 1ull << 20;
  else if (unit == "G" || unit == "GiB") mult = 1ull << 30;
  else if (unit == "T" || unit == "TiB") mult = 1ull << 40;
  else if (unit == "kB" || unit == "KB") mult = 1000;
  else if (unit == "MB") mult = 1000'000;
  else if (unit == "GB") mult = 1000'000'000;
  else if (unit == "TB") mult = 1000'000'000'000;
  else return std::nullopt;
  if (n > std::numeric_limits<uint64_t>::max() / mult) return std::nullopt;
  return n * mult;
}

TimeNs now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<TimeNs>(ts.tv_sec) * kNsPerSec + ts.tv_nsec;
}

}  // namespace ndj
