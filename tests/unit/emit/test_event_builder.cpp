// Events from key=value assignments.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>

#include "core/diag.hpp"
#include "emit/event_builder.hpp"

using namespace ndj;

namespace {
std::string build(std::initializer_list<const char*> args) {
  EventBuilder b;
  for (const char* a : args) b.add(a);
  return b.json();
}
}  // namespace

TEST_CASE("assignments give typed, nested members in order") {
  CHECK(build({"a=1", "b:=1", "c:=[1, {\"x\" : 2}]", "d.e=f", "d.g:=null"}) ==
        R"({"a":"1","b":1,"c":[1,{"x":2}],"d":{"e":"f","g":null}})");
  CHECK(build({"k=a=b"}) == R"({"k":"a=b"})");       // only the first '=' splits
  CHECK(build({"url=http://x:1"}) == R"({"url":"http://x:1"})");
  CHECK(build({"q=say \"hi\"\n"}) == R"({"q":"say \"hi\"\n"})");
  CHECK(build({"a\\.b=1"}) == R"({"a.b":"1"})");
  CHECK(build({"n:=1.50"}) == R"({"n":1.50})");     // number spelling kept
}

TEST_CASE("ts is put first") {
  EventBuilder b;
  b.add("x=1");
  CHECK_FALSE(b.has_top_level("ts"));
  b.prepend_string("ts", "T");
  CHECK(b.json() == R"({"ts":"T","x":"1"})");
}

TEST_CASE("bad assignments are usage errors") {
  auto code = [](std::initializer_list<const char*> args) {
    try {
      build(args);
    } catch (const Error& e) {
      return e.code();
    }
    return 0;
  };
  CHECK(code({"noequals"}) == kExitUsage);
  CHECK(code({"=v"}) == kExitUsage);
  CHECK(code({"a..b=v"}) == kExitUsage);
  CHECK(code({"a:=nope"}) == kExitUsage);
  // Found by fuzz_event_builder: a key that is not UTF-8 made invalid JSON.
  CHECK(code({"a.\xa9" "c=true"}) == kExitUsage);
  CHECK(code({"\xff=1"}) == kExitUsage);
  CHECK(code({"a:=1 2"}) == kExitUsage);
  CHECK(code({"a=1", "a=2"}) == kExitUsage);
  CHECK(code({"a=1", "a.b=2"}) == kExitUsage);
  CHECK(code({"a@=/nonexistent/file"}) == kExitFailure);
}
