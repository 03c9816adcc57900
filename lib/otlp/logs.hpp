// Log records and gauges: each record one LogRecord; each number of an
// ndj-dora or ndj-stats record one gauge data point.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "otlp/encoder.hpp"

namespace ndj {

struct LogOptions {
  std::vector<std::string> level_fields{"level", "severity"};
  std::vector<std::string> message_fields{"message", "msg"};
  std::vector<std::string> trace_id_fields{"trace_id", "traceId"};
  std::vector<std::string> span_id_fields{"span_id", "spanId"};
};

class LogEncoder : public Encoder {
 public:
  LogEncoder(LogOptions o, const FieldOptions& fields, const Resource& resource, BodyWriter& writer,
             BadLines& bad)
      : Encoder(fields, resource, writer, bad), o_(std::move(o)) {}
  std::optional<std::string> add(const RecordRef& rec) override;

 private:
  LogOptions o_;
  std::string item_;
  std::vector<std::string> skip_;
};

// A record's numbers become gauges, its other fields their attributes
// (the members of "group" by their own names). Named by the record's
// "metric" field, as ndj-dora writes it ("lead_time" for "value",
// "lead_time.p90" for "p90"), else by the number's path ("count").
struct MetricOptions {
  std::string prefix;                                    // --metric-prefix
  std::optional<TimeNs> as_of;                           // records without a time
};

class GaugeEncoder : public Encoder {
 public:
  GaugeEncoder(MetricOptions o, const FieldOptions& fields, const Resource& resource, BodyWriter& writer,
               BadLines& bad);
  std::optional<std::string> add(const RecordRef& rec) override;

 private:
  MetricOptions o_;
  TimeNs default_time_;
  std::string item_, attributes_;
  std::vector<std::pair<std::string, simdjson::dom::element>> numbers_;
};

}  // namespace ndj
