// Local calendar days in an IANA time zone (--tz), read through the C
// library from the system tz database, so daylight saving days of 23 or 25
// hours come out right.
#pragma once
#include <optional>
#include <string>
#include <string_view>

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

// A time given on the command line (--since, --until, --now): an RFC 3339
// instant, a plain date YYYY-MM-DD (the first instant of that day in the
// tool's zone), or `today` / `yesterday` (the first instant of the day
// holding the tool's "now", and of the day before). Dates and words are
// resolved once every option is read, since --tz and --now may come later
// on the command line.
struct TimeArg {
  enum class Kind { kInstant, kDate, kToday, kYesterday };
  Kind kind = Kind::kInstant;
  TimeNs instant = 0;  // kInstant
  int64_t day = 0;     // kDate: days since 1970-01-01

  static std::optional<TimeArg> parse(std::string_view s);
  // `zone`: a check_time_zone() name, or empty for UTC. Uses a LocalClock.
  TimeNs resolve(const std::string& zone, TimeNs now) const;
};

// The forms TimeArg::parse accepts, for usage errors.
inline constexpr const char* kTimeArgForms =
    "an RFC 3339 time such as 2026-11-22T10:00:00Z, a date such as 2026-11-22, today or yesterday";

}  // namespace ndj
