// Field path parsing.
#include <catch2/catch.hpp>

#include "json/json_path.hpp"

using namespace ndj;

namespace {
std::string show(const std::string& text) {
  JsonPath p;
  std::string err;
  if (!parse_json_path(text, p, err)) return "error: " + err;
  std::string s;
  for (const auto& st : p.steps) s += st.kind == PathStep::Kind::kKey ? "<" + st.key + ">" : "[]";
  return s;
}
}  // namespace

TEST_CASE("paths name members and array elements") {
  CHECK(show("message") == "<message>");
  CHECK(show("tags.repo") == "<tags><repo>");
  CHECK(show("a.b.c") == "<a><b><c>");
  CHECK(show("spans[].attrs.query") == "<spans>[]<attrs><query>");
  CHECK(show("m[][].x") == "<m>[][]<x>");
  CHECK(show("[].message") == "[]<message>");
  CHECK(show("list[]") == "<list>[]");
  CHECK(show("a\\.b.c") == "<a.b><c>");
  CHECK(show("k\\[x") == "<k[x>");
  CHECK(show("caf\xc3\xa9") == "<caf\xc3\xa9>");
}

TEST_CASE("malformed paths are rejected with a reason") {
  CHECK(show("").rfind("error: empty path", 0) == 0);
  CHECK(show("a.").rfind("error:", 0) == 0);
  CHECK(show(".a").rfind("error:", 0) == 0);
  CHECK(show("a..b").rfind("error:", 0) == 0);
  CHECK(show("a[0]").rfind("error:", 0) == 0);
  CHECK(show("a[").rfind("error:", 0) == 0);
  CHECK(show("a]").rfind("error:", 0) == 0);
  CHECK(show("a[]b").rfind("error:", 0) == 0);
  CHECK(show("a\\").rfind("error:", 0) == 0);
}

TEST_CASE("ends_with_key tells member paths from element paths") {
  JsonPath p;
  std::string err;
  REQUIRE(parse_json_path("a[].b", p, err));
  CHECK(p.ends_with_key());
  REQUIRE(parse_json_path("a[]", p, err));
  CHECK_FALSE(p.ends_with_key());
  CHECK(p.text == "a[]");
}
