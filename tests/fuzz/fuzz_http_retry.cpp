// Fuzz Retry-After and HTTP date parsing and the backoff arithmetic: no
// crash, no negative wait, and no wait beyond the policy's cap.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "ship/http_retry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  const ndj::TimeNs now = 1'700'000'000LL * ndj::kNsPerSec;
  auto wait = ndj::parse_retry_after(s, now);
  if (wait && *wait < 0) std::abort();
  ndj::parse_http_date(s);
  uint64_t word = 0;
  std::memcpy(&word, data, size < sizeof word ? size : sizeof word);
  ndj::classify_http_status(static_cast<long>(word));
  ndj::BackoffPolicy policy;
  for (unsigned attempt : {0u, 1u, 2u, 63u, 64u, 1000u, static_cast<unsigned>(word)}) {
    int64_t d = ndj::backoff_delay(policy, attempt, word, wait);
    if (d < 0 || d > policy.cap) std::abort();
  }
  return 0;
}
