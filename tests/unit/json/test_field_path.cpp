// Dotted field paths.
#include <catch2/catch.hpp>

#include <string>

#include "json/field_path.hpp"
#include "json/json.hpp"

using namespace ndj;

namespace {
std::string at(const std::string& json, const std::string& path) {
  simdjson::dom::parser parser;
  simdjson::padded_string text(json);
  simdjson::dom::element root = parser.parse(text).value();
  auto p = FieldPath::parse(path);
  REQUIRE(p);
  auto e = p->find(root);
  if (!e) return "<missing>";
  std::string out;
  append_json(out, *e);
  return out;
}
}  // namespace

TEST_CASE("field paths find nested members and array items") {
  CHECK(at(R"({"a":{"b":{"c":3}}})", "a.b.c") == "3");
  CHECK(at(R"({"a":{"b":{"c":3}}})", "a.b") == R"({"c":3})");
  CHECK(at(R"({"tags":["x","y"]})", "tags.1") == R"("y")");
  CHECK(at(R"({"tags":["x"]})", "tags.1") == "<missing>");
  CHECK(at(R"({"a":1})", "a.b") == "<missing>");
  CHECK(at(R"({"a.b":2})", "a\\.b") == "2");
  CHECK(at(R"({"0":"zero"})", "0") == R"("zero")");
  CHECK(at(R"([5,6])", "0") == "5");
}

TEST_CASE("bad field paths are rejected") {
  CHECK_FALSE(FieldPath::parse(""));
  CHECK_FALSE(FieldPath::parse("a..b"));
  CHECK_FALSE(FieldPath::parse(".a"));
  CHECK_FALSE(FieldPath::parse("a."));
  CHECK_FALSE(FieldPath::parse("a\\"));
  // One grammar with ndj-redact's paths, but "[]" names many values.
  CHECK_FALSE(FieldPath::parse("spans[].name"));
  CHECK_FALSE(FieldPath::parse("a[0]"));
  CHECK(FieldPath::parse("a.b")->segments().size() == 2);
  CHECK(FieldPath::parse("a\\.b\\[x")->segments() == std::vector<std::string>{"a.b[x"});
}
