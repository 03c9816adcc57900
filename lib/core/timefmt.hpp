// Timestamps, durations and sizes (DESIGN.md §5). Times are nanoseconds
// since the Unix epoch, UTC.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/choices.hpp"

namespace ndj {

using TimeNs = int64_t;
inline constexpr int64_t kNsPerSec = 1'000'000'000;

// RFC 3339: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); 't', 'z' and a
// space for 'T' are accepted (RFC 3339 §5.6 note). Second 60 (a leap
// second) is read as the first instant of the next minute. Fractions
// beyond nanoseconds are truncated. nullopt if anything is off.
std::optional<TimeNs> parse_rfc3339(std::string_view s);

// "2026-11-22T10:00:00Z"; frac_digits 0, 3, 6 or 9 adds a fraction.
std::string format_rfc3339(TimeNs t, int frac_digits = 0);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t days, int64_t& y, unsigned& m, unsigned& d);

// Durations: "90d", "36h", "15m", "30s", "500ms", "2w", "10us", "5ns",
// sums such as "1h30m". A bare number is rejected (the unit is required),
// except 0: zero in any unit, as in "--commit-interval 0".
std::optional<int64_t> parse_duration(std::string_view s);
// Shortest exact spelling of a duration: "1h30m", "500ms", "0s".
std::string format_duration(int64_t ns);

enum class EpochUnit { kSeconds, kMillis, kMicros, kNanos };
extern const Choices<EpochUnit> kEpochUnits;  // s, ms, us, ns
// An epoch number in `unit` as nanoseconds; nullopt if out of range.
std::optional<TimeNs> epoch_to_ns(double value, EpochUnit unit);
std::optional<TimeNs> epoch_to_ns(int64_t value, EpochUnit unit);

// Sizes: "1000", "512k"/"512K"/"512KiB", "1M"/"1MiB", "2G" (powers of 1024),
// "1MB" (powers of 1000).
std::optional<uint64_t> parse_size(std::string_view s);

TimeNs now_ns();

}  // namespace ndj
