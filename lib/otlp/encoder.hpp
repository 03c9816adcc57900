// The signals' common ground: one record in, OTLP items out to a
// BodyWriter; which fields hold the time and the service.
#pragma once
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_time.hpp"
#include "core/timefmt.hpp"
#include "otlp/otlp.hpp"

namespace ndj {

class BadLines;

// One valid record, as the encoders see it.
struct RecordRef {
  simdjson::dom::object obj;
  std::string_view text;
  const std::string* file;
  uint64_t line;
  uint64_t seq;  // records before it
};

struct FieldOptions {
  TimeFieldOptions time;                                // --time-field, --epoch
  std::vector<std::string> service_fields{"service", "tool"};  // --service-field
  std::string service;                                  // --service: overrides the fields
};

class Encoder {
 public:
  Encoder(const FieldOptions& fields, const Resource& resource, BodyWriter& writer, BadLines& bad)
      : fields_(fields), resource_(resource), writer_(writer), bad_(bad) {}
  virtual ~Encoder() = default;
  // Encodes one record; returns the reason when it is a bad line (no
  // usable time, a field of the wrong type), and nothing is written.
  virtual std::optional<std::string> add(const RecordRef& rec) = 0;
  // Records from this number on are held (in spans still open).
  virtual uint64_t oldest_held() const { return UINT64_MAX; }
  // Items held, not yet written (open spans).
  virtual size_t held() const { return 0; }
  // The input ended: what is held is written or dropped.
  virtual void finish() {}

 protected:
  // The record's time into `t`, and the name of the field that held it;
  // or the reason it has none.
  std::optional<std::string> record_time(simdjson::dom::object obj, TimeNs& t, std::string& field) const;
  // --service, else the first --service-field holding a string, else the
  // resource's service.name.
  std::string_view service_of(simdjson::dom::object obj) const;
  // Adds an item to the body, reporting at FILE:LINE one too big for
  // --max-bytes.
  void emit(std::string_view service, std::string_view item, uint64_t first_seq, const std::string& file,
            uint64_t line);

  const FieldOptions& fields_;
  const Resource& resource_;
  BodyWriter& writer_;
  BadLines& bad_;
};

}  // namespace ndj
