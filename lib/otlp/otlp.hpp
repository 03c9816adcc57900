// lib/otlp/: ndj-otlp: records as OpenTelemetry request bodies in OTLP/HTTP's
// JSON encoding (traces from start/end pairs and durations, log records,
// gauges), grouped by resource into bodies bounded like ndj-batch's, with
// checkpoint marks held until every record before them is in a written body
// (DESIGN.md §2). Included by ndj-otlp only; includes core/ and json/.
//
// This header: what every signal shares: the resource, attribute values
// (AnyValue) and the body writer.
#pragma once
#include <simdjson.h>

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/choices.hpp"

namespace ndj {

class Output;

enum class Signal { kTraces, kLogs, kMetrics };
extern const Choices<Signal> kSignals;  // traces, logs, metrics

// The resource attributes every body carries besides service.name, and the
// service.name of records that name none, as the OpenTelemetry SDKs read
// them: OTEL_RESOURCE_ATTRIBUTES (key=value,... percent-decoded), then
// OTEL_SERVICE_NAME over its service.name, then --resource over both.
struct Resource {
  std::vector<std::pair<std::string, std::string>> attributes;  // service.name excluded
  std::string service = "unknown_service";
};
// `resource_options` were checked (split_key_value); a malformed
// OTEL_RESOURCE_ATTRIBUTES is warned about and ignored, as the SDKs do.
Resource make_resource(const std::vector<std::string>& resource_options, const char* env_attributes,
                       const char* env_service);

// Appends `e` as an OTLP AnyValue: {"stringValue":...}, {"intValue":"N"},
// {"doubleValue":X}, {"boolValue":B}, {"arrayValue":{"values":[...]}},
// {"kvlistValue":{"values":[...]}} (objects inside arrays), {} for null.
void append_any_value(std::string& out, simdjson::dom::element e);

// Appends the members of `obj` as KeyValue items ({"key":K,"value":V},
// comma-separated, a comma first unless `first`), nested objects flattened
// with dots ("phases.ready"). Top-level members named in `skip`, or
// present in `shadow` (when given), are left out.
void append_attributes(std::string& out, simdjson::dom::object obj, std::span<const std::string> skip,
                       const simdjson::dom::object* shadow, bool& first);

// The shortest text that reads back as `d` (a JSON number: no NaN comes
// from JSON).
void append_double(std::string& out, double d);

// Lower-case hex of n bytes.
void append_hex(std::string& out, const uint8_t* bytes, size_t n);

struct BodyOptions {
  size_t max_records = 1000;           // -n: items (spans, log records, metrics) per body
  size_t max_bytes = size_t{1} << 20;  // --max-bytes: longest body, newline excluded
};

// Export*ServiceRequest bodies, one a line: items grouped by service.name
// into resource blocks, each with the scope "ndj". A body is written when
// it is full, and by flush(); marks are written once every record before
// them is in a written body or held by nobody (release_marks).
class BodyWriter {
 public:
  BodyWriter(Signal signal, BodyOptions o, const Resource& resource, Output& out);

  // True when a body of this one item fits in max_bytes.
  bool fits(std::string_view service, size_t item_size) const;
  // Appends an item (a Span, LogRecord or Metric object) of `service`
  // made from records numbered `first_seq` and later; it must fit().
  void add(std::string_view service, std::string_view item, uint64_t first_seq);
  // A mark that follows `seq` records.
  void add_mark(std::string_view mark, uint64_t seq);
  // Writes the marks that no record before them holds back: records from
  // `oldest_held` on are held by the caller (UINT64_MAX: none).
  void release_marks(uint64_t oldest_held);
  bool holds_marks() const { return !marks_.empty(); }
  // Writes the open body, if any, then releases marks as above.
  void flush(uint64_t oldest_held);
  size_t max_bytes() const { return o_.max_bytes; }

 private:
  struct Group {
    std::string service;
    std::string text;  // the resource block so far, minus its closing bytes
  };
  size_t group_head_size(std::string_view service) const;
  void write_body();

  std::string_view body_key_, scope_key_, items_key_;
  BodyOptions o_;
  std::string resource_tail_;  // the base attributes after service.name
  Output& out_;
  std::vector<Group> groups_;  // the first used_groups_ hold the open body
  size_t used_groups_ = 0;
  size_t items_ = 0, size_ = 0;  // of the open body, size as written without newline
  uint64_t first_seq_ = UINT64_MAX;
  struct PendingMark {
    uint64_t seq;
    std::string text;
  };
  std::deque<PendingMark> marks_;
};

}  // namespace ndj
