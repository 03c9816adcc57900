// Local calendar days in an IANA time zone (--tz), read through the C
// library from the system tz database, so daylight saving days of 23 or 25
// hours come out right.
#pragma once
#include <optional>
#include <string>

#include "core/timefmt.hpp"

namespace ndj {

// nullopt when `name` (e.g. "Europe/Berlin", "UTC") is a zone of the
// system tz database ($TZDIR or /usr/share/zoneinfo), else the reason.
std::optional<std::string> check_time_zone(const std::string& name);

// While it lives, the C library's local time is that of the zone: TZ is
// set, and the previous TZ restored when it goes. One at a time, in one
// thread. An empty name is UTC without touching TZ.
class LocalClock {
 public:
  explicit LocalClock(std::string zone);
  ~LocalClock();
  LocalClock(const LocalClock&) = delete;
  LocalClock& operator=(const LocalClock&) = delete;

  // The local date of t, as days since 1970-01-01.
  int64_t local_day(TimeNs t) const;
  // The local date of t as text: "2026-01-05".
  std::string date_text(TimeNs t) const;
  // The first instant of a local date (after the gap when a clock change
  // skips its midnight).
  TimeNs midnight(int64_t local_day) const;

 private:
  std::string zone_;
  std::optional<std::string> saved_tz_;
};

}  // namespace ndj
