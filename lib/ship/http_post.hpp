// Posting request bodies over HTTP with libcurl's multi interface: up to N
// bodies held at once, connections reused, transient failures retried with
// backoff (http_retry.hpp). The caller learns each body's final fate, in
// whatever order the answers come.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ship/http_retry.hpp"
#include "ship/sink.hpp"

namespace ndj {

struct HttpTarget {
  std::string url;
  std::vector<std::string> headers;  // "Name: value", sent with every request
  std::string user, password;        // HTTP basic auth when user is set
  // Credentials (a token, a password, the basic auth header value): never
  // shown; scrubbed from the response excerpts and errors handed back.
  std::vector<std::string> secrets;
  int64_t timeout = 30 * kNsPerSec;  // whole request
  int64_t connect_timeout = 10 * kNsPerSec;
  std::string cacert;                // empty: the system store
  bool insecure = false;             // no TLS verification
  size_t concurrency = 4;
  BackoffPolicy backoff;
  bool put = false;              // PUT instead of POST (the Pushgateway)
  const Sink* sink = nullptr;    // reads the answers; nullptr: by status alone
};

// A request body: bytes of its own (compressed, re-encoded, a part of a
// split body), or a slice of a buffer it shares and keeps alive (an input
// line, sent from where it was read without a copy).
class Body {
 public:
  Body() = default;
  Body(std::string bytes) : own_(std::move(bytes)) {}  // NOLINT(google-explicit-constructor)
  Body(std::shared_ptr<const void> keep, std::string_view slice) : keep_(std::move(keep)), slice_(slice) {}

  std::string_view view() const { return keep_ ? slice_ : std::string_view(own_); }
  // Copies a shared slice into bytes of its own, letting its buffer go.
  void own() {
    if (keep_) *this = Body(std::string(slice_));
  }
  const char* data() const { return view().data(); }
  size_t size() const { return view().size(); }

 private:
  std::string own_;
  std::shared_ptr<const void> keep_;
  std::string_view slice_;
};

// The end of one attempt, for logs and counters.
struct Attempt {
  const std::string* label;  // the caller's name for the body
  unsigned number = 1;       // 1 for the first try
  long status = 0;           // HTTP status; 0 when there was no answer
  std::string error;         // why there was no answer
  int64_t latency = 0;
  size_t bytes = 0;          // request body bytes
  int64_t retry_in = -1;     // wait before the next attempt; -1: none
};

// A body's final fate.
struct Settled {
  enum class Kind {
    kAcked,     // 2xx
    kRejected,  // a 4xx that blames the payload
    kDenied,    // 3xx, 401, 403, 404, 407 or TLS verification failure
    kGaveUp,    // still failing when the retry budget ran out
  };
  Kind kind = Kind::kAcked;
  uint64_t seq = 0;
  std::string label;
  long status = 0;        // last HTTP status, 0 if none
  std::string reason;     // "HTTP 401" or the transfer error
  std::string response;   // the start of the response body, scrubbed (scrub_response)
  Body payload;           // the body as sent (of an acknowledgement: when it had an answer)
  bool explained = false; // the Sink explained the answer (in reason)
  size_t first = 0;       // the index of its first record in its input line (a part of a split body)
};

// Header helpers for command lines and logs.
// nullopt if `header` is a well-formed "Name: value", else the reason.
std::optional<std::string> header_problem(std::string_view header);
// True for header names that usually carry secrets (Authorization, Cookie,
// X-Api-Key, anything with "token", "secret", "password"...): logs show ***.
bool is_secret_header(std::string_view name);
// The URL with any user:password@ replaced by ***@.
std::string redact_url(std::string_view url);
// True if the URL holds a user or password (scheme://user:pw@host).
bool url_has_credentials(std::string_view url);

// At most kResponseExcerpt bytes of what a receiver answered, safe to store
// and print: every occurrence of a secret (also with '/' escaped as in
// JSON) and the values of Authorization, Proxy-Authorization, Cookie and
// Set-Cookie (as "Name: value" lines or JSON members) become ***. A
// receiver that echoes the request, as some do in a 4xx, must not put the
// token into a dead-letter file or a log. `cut` says the text is only the
// start of the answer: a piece of a secret at its end is dropped too.
inline constexpr size_t kResponseExcerpt = 1024;
std::string scrub_response(std::string_view text, const std::vector<std::string>& secrets, bool cut);

class HttpPoster {
 public:
  explicit HttpPoster(HttpTarget target);
  ~HttpPoster();
  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // Bodies held: in transfer or waiting to be retried.
  size_t held() const;
  bool has_room() const { return held() < target_.concurrency; }

  // Takes a body; it is sent on the next pump(). `first`: see Settled.
  void post(uint64_t seq, Body payload, std::string label, size_t first = 0);

  // Starts due transfers and waits at most timeout_ms for network activity
  // or for extra_fd (-1: none) to become readable, then appends the bodies
  // that reached their final fate to `done`.
  void pump(int timeout_ms, int extra_fd, std::vector<Settled>& done);

  // Only bodies in transfer are pumped from now on; waiting retries are
  // dropped (unsettled). Used when shutting down.
  void drop_waiting();
  // Cancels everything held; those bodies stay unsettled.
  void abandon_all();

  // Called after every attempt.
  std::function<void(const Attempt&)> on_attempt;

 private:
  struct Job;
  void start(Job& job);
  void finish(Job& job, int curl_code, std::vector<Settled>& done);
  void* easy_handle();

  HttpTarget target_;
  void* multi_ = nullptr;
  void* header_list_ = nullptr;
  std::vector<std::unique_ptr<Job>> jobs_;
  std::vector<void*> idle_handles_;
  uint64_t random_state_;
};

}  // namespace ndj
