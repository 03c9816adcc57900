// Spans from events: start/end pairs matched by id, or one event with a
// duration; parents from the --hierarchy fields, else the innermost open
// span of the same tool that contains the event in time; a level with no
// event of its own as a synthetic span covering its children. Ids are
// hashes of the ids, so a record shipped twice makes the same span. Only
// open spans are held: a span is written when it closes; oldest_held()
// tells the tool which marks must wait or go (tools/ndj-otlp.cpp).
#pragma once
#include <list>
#include <optional>
#include <string>
#include <vector>

#include "otlp/encoder.hpp"

namespace ndj {

struct TraceOptions {
  std::string event_field = "event";
  std::vector<std::string> start_events{"command_start", "issue_start"};  // paired by position
  std::vector<std::string> end_events{"command_end", "issue_complete"};
  std::vector<std::string> hierarchy{"session_id", "wave", "issue_id", "phase"};  // outermost first
  std::string tool_field = "tool";
  std::string duration_field = "duration_s";
  EpochUnit duration_unit = EpochUnit::kSeconds;
  std::vector<std::string> status_fields{"result", "success", "status", "error"};
  bool drop_open = false;        // --open-spans drop
  std::optional<TimeNs> as_of;   // open spans end here (else at the latest time read)
};

class SpanEncoder : public Encoder {
 public:
  SpanEncoder(TraceOptions o, const FieldOptions& fields, const Resource& resource, BodyWriter& writer,
              BadLines& bad);
  std::optional<std::string> add(const RecordRef& rec) override;
  uint64_t oldest_held() const override;
  size_t held() const override;
  void finish() override;

 private:
  using Keys = std::vector<std::optional<std::string>>;
  struct Span {
    int level = -1;  // index of the deepest hierarchy field it has; -1: none
    Keys keys;
    std::string tool, name, service, event, time_field;
    int pair = -1;  // its start/end pair; -1: synthetic
    uint8_t trace[16] = {}, id[8] = {}, parent[8] = {};
    bool has_parent = false;
    TimeNs start = 0, end = 0;
    uint64_t first_seq = 0;
    std::string record;  // the start record (pairs), or the attribute (synthetic)
    std::string file;
    uint64_t line = 0;
  };
  struct Event {
    const RecordRef* rec;
    std::string_view name, tool, service;
    Keys keys;
    int level = -1;
    TimeNs ts = 0;
    std::string time_field;
  };

  Span* parent_for(const Event& ev, int level, TimeNs start);
  void derive_ids(Span& s, const Span* parent, std::string_view material);
  void attach(Span& s, Span* parent);
  void widen_ancestors(const Span& s);
  Span* find_open(const uint8_t id[8]);
  void close(std::list<Span>::iterator it, TimeNs end, const simdjson::dom::object* end_obj,
             const std::string& end_time_field);
  void write_span(const Span& s, const simdjson::dom::object* start_obj, const simdjson::dom::object* end_obj,
                  const std::string& time_field);
  std::optional<std::string> complete(Event& ev);

  TraceOptions o_;
  std::list<Span> open_;  // in the order they opened: innermost last
  TimeNs latest_ = INT64_MIN;
  simdjson::dom::parser start_parser_;  // re-reads start records when their span closes
  Event event_;                         // the record in hand
  std::string item_, material_, id_material_, root_material_;  // scratch
};

}  // namespace ndj
