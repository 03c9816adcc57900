// HTTP delivery policy shared by senders (DESIGN.md §1 exit codes 65/75/77):
// which answers are final, which are worth retrying, how long to wait.
// Pure functions, no network, so they can be unit-tested and fuzzed.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/timefmt.hpp"

namespace ndj {

// What an HTTP status means for the body that got it.
enum class HttpVerdict {
  kAccepted,   // 2xx: acknowledged
  kTransient,  // 408, 429, 5xx: send again later
  kDenied,     // 3xx, 401, 403, 404, 407: the endpoint or credentials are wrong
  kRejected,   // other 4xx: this payload will never be accepted
};
HttpVerdict classify_http_status(long status);

// A Retry-After header value: delta-seconds ("120") or an HTTP date
// ("Wed, 21 Oct 2015 07:28:00 GMT", also the obsolete RFC 850 and asctime
// forms). Returns the wait from `now` (0 for a date in the past); nullopt
// for anything else.
std::optional<int64_t> parse_retry_after(std::string_view value, TimeNs now);

// An HTTP date (RFC 9110 §5.6.7) as nanoseconds since the epoch.
std::optional<TimeNs> parse_http_date(std::string_view value);

struct BackoffPolicy {
  int64_t base = 500'000'000;          // --backoff: the first ceiling
  int64_t cap = 30 * kNsPerSec;        // --max-backoff: no wait is longer
  int64_t budget = 300 * kNsPerSec;    // --retry-for: give up after this long
};

// Exponential backoff with full jitter (AWS architecture blog, "Exponential
// Backoff and Jitter"): a uniform wait in [0, min(cap, base * 2^(attempt-1))].
// `attempt` counts failed attempts (1 after the first failure); `random` is
// any 64-bit random value. A Retry-After wait, when the server sent one,
// replaces the jitter, still capped.
int64_t backoff_delay(const BackoffPolicy& policy, unsigned attempt, uint64_t random,
                      std::optional<int64_t> retry_after = std::nullopt);

}  // namespace ndj
