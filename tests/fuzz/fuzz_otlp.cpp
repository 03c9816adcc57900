// Fuzz ndj-otlp's encoders: each input line that is a JSON object goes to
// the span, log and gauge encoders (with a small hierarchy, pairs and
// durations, so that starts, ends, synthetic levels and orphans meet), and
// the input ends with --open-spans end. Any record is encoded, refused
// with a reason, or makes nothing; every body written is valid JSON; never
// a crash.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/bad_lines.hpp"
#include "core/line_reader.hpp"
#include "core/output.hpp"
#include "json/json.hpp"
#include "otlp/logs.hpp"
#include "otlp/traces.hpp"

namespace {

void encode(ndj::Signal signal, std::string_view input) {
  static ndj::JsonParser parser, check;
  int fd = memfd_create("otlp", 0);
  if (fd < 0) std::abort();
  ndj::InputOptions input_options;
  input_options.max_errors = 0;
  {
    ndj::Output out(fd);
    ndj::BadLines bad(input_options);
    ndj::Resource resource = ndj::make_resource({"k=v"}, "service.name=s,a=%41", nullptr);
    ndj::FieldOptions fields;
    ndj::BodyWriter writer(signal, {3, 4096}, resource, out);
    ndj::TraceOptions trace;
    trace.hierarchy = {"a", "b", "c"};
    trace.start_events = {"s", "S"};
    trace.end_events = {"e", "E"};
    trace.duration_field = "d";
    ndj::SpanEncoder spans(trace, fields, resource, writer, bad);
    ndj::LogEncoder logs({}, fields, resource, writer, bad);
    ndj::GaugeEncoder gauges({"p.", 0}, fields, resource, writer, bad);
    ndj::Encoder* encoder = signal == ndj::Signal::kTraces ? static_cast<ndj::Encoder*>(&spans)
                            : signal == ndj::Signal::kLogs ? static_cast<ndj::Encoder*>(&logs)
                                                           : &gauges;
    const std::string file = "fuzz";
    std::string line;
    uint64_t seq = 0;
    for (size_t start = 0; start < input.size();) {
      size_t nl = input.find('\n', start);
      if (nl == std::string_view::npos) nl = input.size();
      line.assign(input.substr(start, nl - start));
      start = nl + 1;
      size_t n = line.size();
      line.append(ndj::kLinePadding, '\0');
      simdjson::dom::object obj;
      if (parser.parse(std::string_view(line.data(), n)) || !parser.has_root() || parser.root().get(obj)) continue;
      auto why = encoder->add({obj, std::string_view(line.data(), n), &file, seq + 1, seq});
      if (why && why->empty()) std::abort();
      ++seq;
    }
    encoder->finish();
    writer.flush(UINT64_MAX);
    out.flush();
  }
  off_t size = lseek(fd, 0, SEEK_END);
  std::string text(size, '\0');
  if (pread(fd, text.data(), size, 0) != size) std::abort();
  close(fd);
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) std::abort();  // every body ends its line
    std::string body = text.substr(start, nl - start);
    size_t n = body.size();
    body.append(ndj::kLinePadding, '\0');
    if (check.parse(std::string_view(body.data(), n))) std::abort();
    start = nl + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  for (auto signal : {ndj::Signal::kTraces, ndj::Signal::kLogs, ndj::Signal::kMetrics}) encode(signal, s);
  return 0;
}
