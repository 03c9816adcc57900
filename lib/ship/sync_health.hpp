// What an HTTP sink reports about itself (--status): counters and the last
// success and error, as a small JSON document, and the dead-letter file
// that keeps the bodies a receiver rejected.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/cursor.hpp"
#include "core/timefmt.hpp"

namespace ndj {

struct SyncHealth {
  uint64_t requests = 0;  // attempts
  uint64_t bytes = 0;     // request body bytes sent
  uint64_t retries = 0;
  uint64_t acked = 0;
  uint64_t dead_lettered = 0;          // bodies (or parts of split bodies) kept in --dead-letter
  uint64_t dead_lettered_records = 0;  // the records of the parts isolated by splitting
  uint64_t split = 0;                  // rejected bodies split to isolate their bad records
  // --otlp: bodies acknowledged with a partialSuccess, and the items
  // (spans, log records, data points) those answers rejected.
  bool otlp = false;
  uint64_t partial_successes = 0, otlp_rejected = 0;
  TimeNs last_success_at = 0;  // 0: never
  TimeNs last_error_at = 0;
  std::string last_error;
  // From the cursor file: files ndj-tail found gone before they were shipped.
  uint64_t lost_bytes = 0;
  std::vector<LostFile> lost;

  // {"updated_at":...,"last_success_at":...,...,"pending":N,
  //  "unshipped_lost_bytes":N,"lost":[...]}\n
  std::string json(uint64_t pending) const;
};

// Appends one JSON line per rejected body and fsyncs it, so a cursor may
// move past the body once append() returns. Created with mode 0600.
class DeadLetterFile {
 public:
  explicit DeadLetterFile(std::string path) : path_(std::move(path)) {}
  ~DeadLetterFile();
  DeadLetterFile(const DeadLetterFile&) = delete;
  DeadLetterFile& operator=(const DeadLetterFile&) = delete;

  // {"status":S,"time":...,"source":...,"response":...,"body":BODY}; `body`
  // must be one JSON value and is embedded as it is. `response` must be an
  // excerpt already scrubbed of credentials (scrub_response in
  // http_post.hpp): this file outlives the run. Non-ASCII bytes of the
  // excerpt become '?' (it may not be UTF-8). Throws Error(1).
  void append(long status, std::string_view source, std::string_view response, std::string_view body);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace ndj
