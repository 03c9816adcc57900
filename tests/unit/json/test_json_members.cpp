// Members added to an object without re-serialising it: every other byte
// stays, an existing member is replaced where it is, and the result is
// valid JSON for any object.
#include <catch2/catch.hpp>

#include <string>

#include "core/line_reader.hpp"
#include "json/json.hpp"
#include "json/json_members.hpp"

using namespace ndj;

namespace {
std::string with_members(const std::string& text, std::initializer_list<RawMember> set) {
  static JsonParser p;
  std::string padded = text + std::string(kLinePadding, ' ');
  std::string_view view(padded.data(), text.size());
  REQUIRE(p.validate(view) == nullptr);
  std::string out;
  std::vector<RawMember> v(set);
  if (!append_with_members(out, view, p.structural_indexes(), p.structural_count(), v)) return "NOT AN OBJECT";
  return out;
}
}  // namespace

TEST_CASE("members are added before the closing brace, bytes kept", "[json_members]") {
  CHECK(with_members(R"({"a":1})", {{R"("id")", R"("x-0")"}}) == R"({"a":1,"id":"x-0"})");
  CHECK(with_members("{}", {{R"("id")", R"("x")"}, {R"("s")", R"("app")"}}) == R"({"id":"x","s":"app"})");
  CHECK(with_members("{ }", {{R"("id")", "1"}}) == R"({"id":1 })");
  CHECK(with_members(R"( { "a" : [1, {"b":"}"}] } )", {{R"("id")", "2"}}) ==
        R"( { "a" : [1, {"b":"}"}],"id":2 } )");
  CHECK(with_members(R"({"a":{"id":1},"b":"\"id\""})", {{R"("id")", "3"}}) ==
        R"({"a":{"id":1},"b":"\"id\"","id":3})");
}

TEST_CASE("an existing top-level member has its value replaced in place", "[json_members]") {
  CHECK(with_members(R"({"id":"old","a":1})", {{R"("id")", R"("new")"}}) == R"({"id":"new","a":1})");
  CHECK(with_members(R"({"a":1, "id" : {"x":[1]} })", {{R"("id")", "7"}}) == R"({"a":1, "id" : 7 })");
  CHECK(with_members(R"({"s":null,"id":true})", {{R"("id")", "1"}, {R"("s")", R"("t")"}}) ==
        R"({"s":"t","id":1})");
}

TEST_CASE("values that are not objects are refused", "[json_members]") {
  CHECK(with_members("[1,2]", {{R"("id")", "1"}}) == "NOT AN OBJECT");
  CHECK(with_members(R"("text")", {{R"("id")", "1"}}) == "NOT AN OBJECT");
  CHECK(with_members("12", {{R"("id")", "1"}}) == "NOT AN OBJECT");
}

TEST_CASE("the result is always valid JSON", "[json_members]") {
  JsonParser check;
  for (std::string text : {R"({"a":[]})", R"({"a":{},"b":[{}]})", R"({"a":"\u00e9"})", "{\t}", R"({"id":[[[]]]})"}) {
    std::string out = with_members(text, {{R"("id")", R"("f-1")"}, {R"("src")", R"("s")"}});
    std::string padded = out + std::string(kLinePadding, ' ');
    INFO(out);
    CHECK(check.validate(std::string_view(padded.data(), out.size())) == nullptr);
  }
}
