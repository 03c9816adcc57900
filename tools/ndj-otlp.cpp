// ndj-otlp: records (or ndj-batch arrays of them) as OpenTelemetry traces,
// logs or metrics: one OTLP/HTTP JSON request body a line, for ndj-post;
// marks follow the bodies that hold the records before them.
#include <cstdlib>
#include <memory>
#include <string>

#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/output.hpp"
#include "core/records.hpp"
#include "json/json.hpp"
#include "otlp/logs.hpp"
#include "otlp/otlp.hpp"
#include "otlp/traces.hpp"

namespace ndj {
namespace {

struct Options {
  InputOptions input;
  std::string signal;
  BodyOptions body;
  std::vector<std::string> resources;
  FieldOptions fields;
  TraceOptions trace;
  LogOptions log;
  MetricOptions metric;
  std::string open_spans = "end", as_of, duration_unit = "s";
};

// A FIELD,... option: its default shown in the help.
CLI::Option* add_list(CLI::App& app, const std::string& name, std::vector<std::string>& list,
                      const std::string& description) {
  return app.add_option_function<std::string>(name, [&list](const std::string& s) { list = split_list(s); },
                                              description)
      ->type_name("LIST");
}

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Records as OpenTelemetry traces, logs or metrics: OTLP/HTTP JSON bodies."};
  setup_app(app, "ndj-otlp");
  add_input_options(app, o.input);
  with_choices(app.add_option("--signal", o.signal, "traces, logs or metrics")->required()->type_name("SIGNAL"),
               kSignals);
  add_count_option(app, "-n,--max-records", o.body.max_records, "Items per body (default 1000)");
  add_size_option(app, "--max-bytes", o.body.max_bytes, "Largest body, in bytes (default 1M)");
  app.add_option("--resource", o.resources, "Resource attribute KEY=VALUE (repeatable)")->type_name("KEY=VALUE");
  app.add_option("--service", o.fields.service, "service.name of every record")->type_name("NAME");
  add_list(app, "--service-field", o.fields.service_fields, "Fields naming the service (service,tool)");
  add_time_field_options(app, o.fields.time);
  app.add_option("--as-of", o.as_of, "End open spans here; gauges' time (RFC 3339)")->type_name("TIME");
  add_list(app, "--hierarchy", o.trace.hierarchy, "Id fields, outermost first (session_id,wave,...)");
  add_list(app, "--start-event", o.trace.start_events, "Events opening spans (command_start,...)");
  add_list(app, "--end-event", o.trace.end_events, "Their ends, by position (command_end,...)");
  app.add_option("--event-field", o.trace.event_field, "Field naming the event (event)")->type_name("FIELD");
  app.add_option("--tool-field", o.trace.tool_field, "Field naming the tool (tool)")->type_name("FIELD");
  app.add_option("--duration-field", o.trace.duration_field, "A one-event span's duration (duration_s)")
      ->type_name("FIELD");
  with_choices(app.add_option("--duration-unit", o.duration_unit, "Its unit: s, ms, us or ns (s)")->type_name("UNIT"),
               kEpochUnits);
  add_list(app, "--status-field", o.trace.status_fields, "Fields for span status (result,success,...)");
  with_choices(app.add_option("--open-spans", o.open_spans, "Unmatched starts and ends: end or drop")
                   ->type_name("HOW"),
               {"end", "drop"});
  add_list(app, "--level-field", o.log.level_fields, "Logs: severity fields (level,severity)");
  add_list(app, "--message-field", o.log.message_fields, "Logs: body fields (message,msg)");
  app.add_option("--metric-prefix", o.metric.prefix, "Metrics: prefix of every name")->type_name("TEXT");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  for (const auto& r : o.resources)
    if (std::string k, v; !split_key_value(r, k, v)) return usage_error("--resource: expected KEY=VALUE, got '" + r + "'");
  if (!o.as_of.empty()) {
    auto t = parse_rfc3339(o.as_of);
    if (!t) return usage_error("--as-of: expected an RFC 3339 time, got '" + o.as_of + "'");
    o.trace.as_of = o.metric.as_of = *t;
  }
  if (o.trace.start_events.size() != o.trace.end_events.size())
    return usage_error("--start-event and --end-event must list as many events");
  if (o.trace.hierarchy.empty()) return usage_error("--hierarchy: expected at least one field");
  o.trace.drop_open = o.open_spans == "drop";
  o.trace.duration_unit = *kEpochUnits.parse(o.duration_unit);
  return -1;
}

int run(Options& o) {
  Output out;
  RecordReader reader(o.input, out, RecordReader::Validation::kDom);
  Resource resource = make_resource(o.resources, std::getenv("OTEL_RESOURCE_ATTRIBUTES"),
                                    std::getenv("OTEL_SERVICE_NAME"));
  Signal signal = *kSignals.parse(o.signal);
  BodyWriter writer(signal, o.body, resource, out);
  std::unique_ptr<Encoder> encoder;
  BadLines& bad = reader.bad_lines();
  switch (signal) {
    case Signal::kTraces: encoder = std::make_unique<SpanEncoder>(o.trace, o.fields, resource, writer, bad); break;
    case Signal::kLogs: encoder = std::make_unique<LogEncoder>(o.log, o.fields, resource, writer, bad); break;
    case Signal::kMetrics:
      encoder = std::make_unique<GaugeEncoder>(o.metric, o.fields, resource, writer, bad);
      break;
  }
  // Before waiting for input: the body in hand goes out, and the marks no
  // open span holds.
  reader.set_wait_hook([&] {
    writer.flush(encoder->oldest_held());
    return -1;
  });
  uint64_t seq = 0;
  bool marks = false;
  std::string element_text;
  Record rec;
  RecordReader::Status st;
  while ((st = reader.next(rec)) == RecordReader::Status::kRecord) {
    if (rec.is_mark) {
      // A mark read while a span is open is dropped: a run resumed there
      // would read the span's end without its start. A later mark read
      // with no span open carries the progress (duplicates, never loss).
      marks = true;
      if (encoder->oldest_held() == UINT64_MAX) writer.add_mark(rec.text, seq);
    } else {
      simdjson::dom::object obj;
      simdjson::dom::array batch;
      std::optional<std::string> why;
      if (!reader.has_root()) {
        why = "a number beyond the range of a 64-bit integer or a double";
      } else if (!reader.root().get(batch)) {
        // An ndj-batch line: its records in order, all before the line's
        // next mark. Not one is encoded unless all are objects; a record
        // the encoder refuses is named, and the others are encoded.
        size_t index = 0;
        for (simdjson::dom::element e : batch) {
          ++index;
          if (e.is_object()) continue;
          why = "record " + std::to_string(index) + " of the array is not a JSON object";
          break;
        }
        index = 0;
        if (!why) {
          for (simdjson::dom::element e : batch) {
            ++index;
            element_text.clear();
            append_json(element_text, e);
            auto refused = encoder->add({e.get_object().value_unsafe(), element_text, rec.file, rec.line, seq});
            if (refused && !why) why = "record " + std::to_string(index) + " of the array: " + *refused;
          }
        }
      } else if (reader.root().get(obj)) {
        why = "not a JSON object";
      } else {
        why = encoder->add({obj, rec.text, rec.file, rec.line, seq});
      }
      ++seq;
      if (why && bad.report(*rec.file, rec.line, *why, rec.text)) {
        st = RecordReader::Status::kStrictStop;
        break;
      }
    }
    if (writer.holds_marks()) writer.release_marks(encoder->oldest_held());
  }
  // Stopped by a signal, or at the end of an input that carries marks (a
  // cursor pipeline: its writer may have been killed), open spans stay
  // unwritten, and so do the marks after their records: the next run
  // reads them again and writes the spans whole. Else --open-spans decides.
  if (st == RecordReader::Status::kEnd && !marks) {
    encoder->finish();
    writer.flush(UINT64_MAX);
  } else {
    if (st == RecordReader::Status::kEnd && encoder->held())
      warn(std::to_string(encoder->held()) +
           " span(s) still open at the end of input: not written, nor the marks since their start "
           "(the next run reads them again)");
    writer.flush(encoder->oldest_held());
  }
  out.flush();
  if (auto rc = reader.stop_exit_code(st)) return *rc;
  return reader.exit_code();
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-otlp", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
