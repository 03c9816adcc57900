// Stream names (--stream NAME=GLOB, else the stem) and record ids.
#include <catch2/catch.hpp>

#include "tail/record_tags.hpp"

using namespace ndj;

namespace {
std::vector<StreamRule> rules(std::initializer_list<const char*> args) {
  std::vector<StreamRule> out;
  for (const char* a : args) {
    std::string why;
    auto r = parse_stream_rule(a, why);
    REQUIRE(r);
    out.push_back(*r);
  }
  return out;
}
}  // namespace

TEST_CASE("the stream is the file's stem without a rule", "[record_tags]") {
  CHECK(stream_of("/l/tools.ndjson", {}) == "tools");
  CHECK(stream_of("/l/lane-signals.ndjson", {}) == "lane-signals");
  CHECK(stream_of("/l/app.ndjson.1", {}) == "app");
  CHECK(stream_of("/l/.hidden.jsonl", {}) == ".hidden");
  CHECK(stream_of("/l/plain", {}) == "plain");
}

TEST_CASE("--stream rules: first match, by name or by path, rotated names too", "[record_tags]") {
  auto r = rules({"incidents=/w/incidents/*.ndjson", "tl=tools.ndjson", "all=*.ndjson"});
  CHECK(stream_of("/w/incidents/2026-12-01.ndjson", r) == "incidents");
  CHECK(stream_of("/w/tools.ndjson", r) == "tl");
  CHECK(stream_of("/w/tools.ndjson.1", r) == "tl");
  CHECK(stream_of("/w/tools.ndjson-20261207", r) == "tl");
  CHECK(stream_of("/w/tools.ndjson.2.gz", r) == "tl");
  CHECK(stream_of("/w/flow.ndjson", r) == "all");
  CHECK(stream_of("/w/other/deep/x.ndjson", r) == "all");  // a name rule matches in any directory
  CHECK(stream_of("/w/x.log", r) == "x");
}

TEST_CASE("--stream arguments", "[record_tags]") {
  std::string why;
  CHECK_FALSE(parse_stream_rule("name", why));
  CHECK(why == "expected NAME=GLOB");
  CHECK_FALSE(parse_stream_rule("=*.ndjson", why));
  CHECK_FALSE(parse_stream_rule("n=", why));
  auto rel = parse_stream_rule("inc=incidents/*.ndjson", why);
  REQUIRE(rel);
  CHECK(rel->glob.front() == '/');  // made absolute
  CHECK(rel->glob.ends_with("/incidents/*.ndjson"));
}

TEST_CASE("a record id is the fingerprint and the offset", "[record_tags]") {
  std::string id;
  append_record_id(id, "9ae16a3b2f90404f", 48213);
  CHECK(id == "\"9ae16a3b2f90404f-48213\"");
  id.clear();
  append_record_id(id, "9ae16a3b2f90404f", 18446744073709551615u);
  CHECK(id == "\"9ae16a3b2f90404f-18446744073709551615\"");
}
