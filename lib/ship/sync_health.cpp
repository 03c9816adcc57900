// Sync health JSON and dead-letter lines, written by hand like the cursor.
#include "ship/sync_health.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "core/atomic_file.hpp"
#include "core/diag.hpp"
#include "json/json.hpp"

namespace ndj {

namespace {
std::string time_or_null(TimeNs t) { return t ? json_string(format_rfc3339(t, 3)) : std::string("null"); }
}  // namespace

std::string SyncHealth::json(uint64_t pending) const {
  std::string s = "{\"updated_at\":" + time_or_null(now_ns());
  s += ",\"last_success_at\":" + time_or_null(last_success_at);
  s += ",\"last_error\":" + (last_error.empty() ? std::string("null") : json_string(last_error));
  s += ",\"last_error_at\":" + time_or_null(last_error_at);
  s += ",\"requests\":" + std::to_string(requests) + ",\"bytes\":" + std::to_string(bytes);
  s += ",\"retries\":" + std::to_string(retries) + ",\"acked\":" + std::to_string(acked);
  s += ",\"dead_lettered\":" + std::to_string(dead_lettered);
  s += ",\"dead_lettered_records\":" + std::to_string(dead_lettered_records);
  s += ",\"split\":" + std::to_string(split);
  if (otlp) {
    s += ",\"partial_successes\":" + std::to_string(partial_successes);
    s += ",\"otlp_rejected\":" + std::to_string(otlp_rejected);
  }
  s += ",\"pending\":" + std::to_string(pending);
  s += ",\"unshipped_lost_bytes\":" + std::to_string(lost_bytes) + ",\"lost\":[";
  for (size_t i = 0; i < lost.size(); ++i) {
    if (i) s += ',';
    s += "{\"path\":" + json_string(lost[i].path) + ",\"bytes\":";
    s += lost[i].bytes ? std::to_string(*lost[i].bytes) : std::string("null");
    s += ",\"offset\":" + std::to_string(lost[i].offset) + ",\"at\":" + json_string(lost[i].at) + "}";
  }
  s += "]}\n";
  return s;
}

DeadLetterFile::~DeadLetterFile() {
  if (fd_ >= 0) ::close(fd_);
}

void DeadLetterFile::append(long status, std::string_view source, std::string_view response,
                            std::string_view body) {
  std::string excerpt(response);
  for (char& c : excerpt)
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  std::string line = "{\"status\":" + std::to_string(status) + ",\"time\":" +
                     json_string(format_rfc3339(now_ns(), 3)) + ",\"source\":" + json_string(source) +
                     ",\"response\":" + json_string(excerpt) + ",\"body\":";
  line.append(body).append("}\n");
  if (fd_ < 0) {
    fd_ = open_no_follow(path_, O_WRONLY | O_CREAT | O_APPEND, 0600);  // never through a planted link
    if (fd_ < 0) throw Error(kExitFailure, path_ + ": " + errno_text(errno));
  }
  std::string_view left = line;
  while (!left.empty()) {
    ssize_t n = ::write(fd_, left.data(), left.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(kExitFailure, path_ + ": write failed: " + errno_text(errno));
    left.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd_) != 0) throw Error(kExitFailure, path_ + ": fsync failed: " + errno_text(errno));
}

}  // namespace ndj
