// lib/otlp: the resource as the SDKs read it, AnyValue typing, bodies cut
// by count and size with marks held back, and spans: parents, synthetic
// levels, ids stable and independent of how bodies are cut.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "core/bad_lines.hpp"
#include "core/output.hpp"
#include "json/json.hpp"
#include "otlp/traces.hpp"
#include "unit/scratch.hpp"

using namespace ndj;

namespace {

using Sink = test::OutputSink;

std::string any_value(const std::string& json) {
  simdjson::dom::parser parser;
  std::string out;
  append_any_value(out, parser.parse(json).value());
  return out;
}

// The spans ndj-otlp writes for `lines`, as "name<-parent name" pairs.
std::vector<std::string> tree(const std::vector<std::string>& lines, size_t max_records) {
  Sink sink;
  InputOptions input;
  BadLines bad(input);
  Resource resource;
  FieldOptions fields;
  BodyWriter writer(Signal::kTraces, {max_records, size_t{1} << 20}, resource, sink.out);
  SpanEncoder spans(TraceOptions{}, fields, resource, writer, bad);
  simdjson::dom::parser parser;
  const std::string file = "t";
  uint64_t seq = 0;
  for (const auto& line : lines) {
    simdjson::dom::object obj = parser.parse(line).get_object().value();
    REQUIRE_FALSE(spans.add({obj, line, &file, seq + 1, seq}));
    ++seq;
  }
  spans.finish();
  writer.flush(UINT64_MAX);
  std::string text = sink.text();
  std::vector<std::pair<std::string, std::string>> named;  // id, name
  std::vector<std::pair<std::string, std::string>> parent_of;  // name, parent id
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    std::string body = text.substr(start, nl - start);
    start = nl + 1;
    simdjson::dom::array list = parser.parse(body)["resourceSpans"].at(0)["scopeSpans"].at(0)["spans"].get_array().value();
    for (auto span : list) {
      std::string name(span["name"].get_string().value());
      named.emplace_back(std::string(span["spanId"].get_string().value()), name);
      std::string_view parent;
      if (span["parentSpanId"].get(parent)) parent = "";
      parent_of.emplace_back(name, std::string(parent));
    }
  }
  std::vector<std::string> out;
  for (const auto& [name, parent] : parent_of) {
    std::string parent_name = "-";
    for (const auto& [id, n] : named)
      if (id == parent) parent_name = n;
    out.push_back(name + "<-" + parent_name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("the resource: OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, then --resource") {
  Resource r = make_resource({}, "service.name=env, team = a%2Cb", nullptr);
  CHECK(r.service == "env");
  REQUIRE(r.attributes.size() == 1);
  CHECK(r.attributes[0] == std::pair<std::string, std::string>{"team", "a,b"});
  CHECK(make_resource({}, "service.name=env", "named").service == "named");
  r = make_resource({"service.name=opt", "team=c"}, "team=a", "named");
  CHECK(r.service == "opt");
  CHECK(r.attributes[0].second == "c");
  CHECK(make_resource({}, "bad%zz=1", nullptr).attributes.empty());  // ignored, as the SDKs do
  CHECK(make_resource({}, nullptr, nullptr).service == "unknown_service");
}

TEST_CASE("attribute values keep their JSON type") {
  CHECK(any_value("\"a\\\"b\"") == "{\"stringValue\":\"a\\\"b\"}");
  CHECK(any_value("-42") == "{\"intValue\":\"-42\"}");
  CHECK(any_value("18446744073709551615") == "{\"doubleValue\":18446744073709551616}");
  CHECK(any_value("67.2") == "{\"doubleValue\":67.2}");
  CHECK(any_value("false") == "{\"boolValue\":false}");
  CHECK(any_value("[1,{\"k\":null}]") ==
        "{\"arrayValue\":{\"values\":[{\"intValue\":\"1\"},{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":{}}]}}]}}");
  simdjson::dom::parser parser;
  simdjson::dom::object obj = parser.parse(std::string(R"({"ts":1,"a":{"b":{"c":true}},"n":null,"s":"x"})")).get_object().value();
  std::string out;
  bool first = true;
  const std::string skip[] = {"ts"};
  append_attributes(out, obj, skip, nullptr, first);
  CHECK(out == R"({"key":"a.b.c","value":{"boolValue":true}},{"key":"s","value":{"stringValue":"x"}})");
}

TEST_CASE("bodies: -n and --max-bytes bound them, marks wait for the records before them") {
  Sink sink;
  Resource resource;
  BodyWriter writer(Signal::kLogs, {2, 400}, resource, sink.out);
  std::string item = "{\"timeUnixNano\":\"1\"}";
  writer.add("a", item, 0);
  writer.add_mark("M1", 1);
  writer.release_marks(UINT64_MAX);
  CHECK(sink.text().empty());  // the record before M1 is in the open body
  writer.add("b", item, 1);    // the body is full: written, then M1
  writer.release_marks(UINT64_MAX);
  std::string text = sink.text();
  CHECK(text.find("\"service.name\",\"value\":{\"stringValue\":\"a\"") != std::string::npos);
  CHECK(text.find("\"stringValue\":\"b\"") != std::string::npos);
  CHECK(text.substr(text.size() - 3) == "M1\n");
  writer.add_mark("M2", 2);
  writer.release_marks(1);  // the caller holds record 1 (an open span): M2 waits
  CHECK(sink.text() == text);
  writer.release_marks(UINT64_MAX);
  CHECK(sink.text() == text + "M2\n");
  std::string big(300, 'x');
  CHECK_FALSE(writer.fits("a", big.size()));
  CHECK(writer.fits("a", 100));
  for (int i = 0; i < 5; ++i) writer.add("a", std::string(100, ' '), 3);
  writer.flush(UINT64_MAX);
  text = sink.text();
  for (size_t start = 0, nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    CHECK(nl - start <= 400);
}

TEST_CASE("spans: parents by id, else by the tool's open span; synthetic levels; cut anyhow") {
  std::vector<std::string> lines = {
      R"({"ts":"2026-02-13T10:00:00Z","event":"command_start","tool":"t","session_id":"s"})",
      R"({"ts":"2026-02-13T10:00:05Z","event":"issue_start","tool":"t","issue_id":"A","wave":1})",
      R"({"ts":"2026-02-13T10:00:06Z","event":"issue_start","tool":"t","issue_id":"B","wave":1})",
      R"({"ts":"2026-02-13T10:01:00Z","event":"issue_phase","tool":"t","issue_id":"B","phase":"ready","duration_s":30})",
      R"({"ts":"2026-02-13T10:01:10Z","event":"issue_phase","tool":"t","issue_id":"A","phase":"ready","duration_s":60})",
      R"({"ts":"2026-02-13T10:02:00Z","event":"issue_complete","tool":"t","issue_id":"A","result":"success"})",
      R"({"ts":"2026-02-13T10:02:30Z","event":"issue_complete","tool":"t","issue_id":"B","result":"failure"})",
      R"({"ts":"2026-02-13T10:03:00Z","event":"command_end","tool":"t"})",
  };
  std::vector<std::string> expected = {"command s<--",       "issue A<-wave 1",    "issue B<-wave 1",
                                       "issue_phase ready<-issue A", "issue_phase ready<-issue B",
                                       "wave 1<-command s"};
  std::sort(expected.begin(), expected.end());
  CHECK(tree(lines, 1000) == expected);
  CHECK(tree(lines, 1) == expected);
}
