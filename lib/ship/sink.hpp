// What ndj-post delivers to (--sink): the request each receiver takes and
// how its answers are read. One small module per receiver:
// sink_clickhouse (INSERT ... FORMAT JSONEachRow over ClickHouse's HTTP
// interface, its error codes) and sink_pushgateway (Prometheus text put to
// a Pushgateway group). Sink itself is a plain HTTP endpoint, judged by its
// status alone (classify_http_status).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "ship/http_retry.hpp"

namespace ndj {

class Sink {
 public:
  Sink() = default;
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;
  virtual ~Sink() = default;
  // The verdict on an answer: its status and the start of its body.
  virtual HttpVerdict classify(long status, std::string_view response) const {
    (void)response;
    return classify_http_status(status);
  }
  // The record (1 for the first of the body) a rejection blames, when the
  // receiver names it: splitting the body there isolates it at once.
  virtual std::optional<size_t> blamed_record(std::string_view response) const {
    (void)response;
    return std::nullopt;
  }
  // What an answer that was not an acknowledgement says, in a few words
  // for the user ("" when the status says it all).
  virtual std::string explain(std::string_view response) const {
    (void)response;
    return "";
  }
};

}  // namespace ndj
