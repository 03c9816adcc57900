// Local days through localtime_r and mktime with TZ set to the zone.
#include "core/local_time.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>

namespace ndj {

std::optional<std::string> check_time_zone(const std::string& name) {
  if (name.empty()) return "empty zone name";
  // A name, not a path: the C library would read any file it names.
  if (name.front() == '/' || name.find("..") != std::string::npos || name.front() == ':')
    return "'" + name + "' is not a zone name such as Europe/Berlin";
  const char* dir = std::getenv("TZDIR");
  std::ifstream in(std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name, std::ios::binary);
  char magic[4] = {};
  if (!in.read(magic, 4) || std::string_view(magic, 4) != "TZif")
    return "unknown time zone '" + name + "' (not in the system tz database; is tzdata installed?)";
  return std::nullopt;
}

LocalClock::LocalClock(std::string zone) : zone_(std::move(zone)) {
  if (zone_.empty()) return;
  if (const char* tz = std::getenv("TZ")) saved_tz_ = tz;
  setenv("TZ", zone_.c_str(), 1);
  tzset();
}

LocalClock::~LocalClock() {
  if (zone_.empty()) return;
  if (saved_tz_) setenv("TZ", saved_tz_->c_str(), 1);
  else unsetenv("TZ");
  tzset();
}

namespace {
int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

int64_t LocalClock::local_day(TimeNs t) const {
  if (zone_.empty()) return floor_div(t, kNsPerSec * 86400);
  time_t secs = floor_div(t, kNsPerSec);
  struct tm tm {};
  localtime_r(&secs, &tm);
  return days_from_civil(tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday);
}

std::string LocalClock::date_text(TimeNs t) const {
  int64_t y;
  unsigned m, d;
  civil_from_days(local_day(t), y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

TimeNs LocalClock::midnight(int64_t local_day) const {
  if (zone_.empty()) return local_day * 86400 * kNsPerSec;
  int64_t y;
  unsigned m, d;
  civil_from_days(local_day, y, m, d);
  struct tm tm {};
  tm.tm_year = static_cast<int>(y - 1900);
  tm.tm_mon = static_cast<int>(m) - 1;
  tm.tm_mday = static_cast<int>(d);
  tm.tm_isdst = -1;
  time_t secs = mktime(&tm);
  // In a gap mktime may land an hour early, on the day before: the first
  // hour of the day that exists is then the answer.
  for (int hour = 1; hour <= 3 && this->local_day(secs * kNsPerSec) < local_day; ++hour) {
    struct tm later {};
    later.tm_year = tm.tm_year;
    later.tm_mon = static_cast<int>(m) - 1;
    later.tm_mday = static_cast<int>(d);
    later.tm_hour = hour;
    later.tm_isdst = -1;
    secs = mktime(&later);
  }
  return static_cast<TimeNs>(secs) * kNsPerSec;
}

std::optional<TimeArg> TimeArg::parse(std::string_view s) {
  TimeArg a;
  if (s == "today") {
    a.kind = Kind::kToday;
    return a;
  }
  if (s == "yesterday") {
    a.kind = Kind::kYesterday;
    return a;
  }
  if (auto t = parse_rfc3339(s)) {
    a.instant = *t;
    return a;
  }
  // YYYY-MM-DD and nothing else: a real day of a real month.
  auto digits = [&](size_t at, size_t n, unsigned& out) {
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return true;
  };
  unsigned y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d))
    return std::nullopt;
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  static constexpr unsigned kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kMonthDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  // Times are int64 nanoseconds: 1677-09-21 to 2262-04-11.
  if (y < 1678 || y > 2261) return std::nullopt;
  a.kind = Kind::kDate;
  a.day = days_from_civil(y, m, d);
  return a;
}

TimeNs TimeArg::resolve(const std::string& zone, TimeNs now) const {
  if (kind == Kind::kInstant) return instant;
  LocalClock clock(zone);
  if (kind == Kind::kDate) return clock.midnight(day);
  const int64_t today = clock.local_day(now);
  return clock.midnight(kind == Kind::kToday ? today : today - 1);
}

}  // namespace ndj
