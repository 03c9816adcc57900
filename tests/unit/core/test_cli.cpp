// Option values made of parts: FIELD,... lists, K=V pairs, NAME=REGEX.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/cli.hpp"

using namespace ndj;
using Items = std::vector<std::string>;

TEST_CASE("split_list splits at every comma and keeps empty items", "[cli]") {
  CHECK(split_list("") == Items{});
  CHECK(split_list("a") == Items{"a"});
  CHECK(split_list("a,b.c,d") == Items{"a", "b.c", "d"});
  CHECK(split_list("a,,b") == Items{"a", "", "b"});
  CHECK(split_list("a,") == Items{"a", ""});
  CHECK(split_list(",") == Items{"", ""});
  CHECK(split_list(" a , b") == Items{" a ", " b"});  // no trimming
}

TEST_CASE("split_key_value splits at the first '='", "[cli]") {
  std::string k = "old", v = "old";
  REQUIRE(split_key_value("team=core", k, v));
  CHECK(k == "team");
  CHECK(v == "core");
  REQUIRE(split_key_value("q=a=b", k, v));
  CHECK(k == "q");
  CHECK(v == "a=b");
}

TEST_CASE("split_key_value refuses a missing '=', key or value", "[cli]") {
  std::string k, v;
  CHECK_FALSE(split_key_value("team", k, v));
  CHECK_FALSE(split_key_value("=core", k, v));
  CHECK_FALSE(split_key_value("team=", k, v));
  CHECK_FALSE(split_key_value("", k, v));
}

TEST_CASE("valid_pattern_name takes letters, digits, '-' and '_' only", "[cli]") {
  CHECK(valid_pattern_name("api-key_2"));
  CHECK(valid_pattern_name(std::string(64, 'x')));
  CHECK_FALSE(valid_pattern_name(std::string(65, 'x')));
  CHECK_FALSE(valid_pattern_name(""));
  CHECK_FALSE(valid_pattern_name("a b"));
  CHECK_FALSE(valid_pattern_name("a]"));
}

TEST_CASE("parse_name_regex gives the name and the regex", "[cli]") {
  std::string name, regex, why;
  REQUIRE(parse_name_regex("--mask-regex", "ticket=TCK-[0-9]+(?:=x)?", name, regex, why));
  CHECK(name == "ticket");
  CHECK(regex == "TCK-[0-9]+(?:=x)?");
  CHECK(why.empty());
}

TEST_CASE("parse_name_regex explains what it expects", "[cli]") {
  const std::string expected = "--mask-regex expects NAME=REGEX (NAME: letters, digits, '-', '_')";
  for (const char* bad : {"ticket", "=TCK", "ticket=", "tick et=TCK", "a:b=c"}) {
    std::string name, regex, why;
    CHECK_FALSE(parse_name_regex("--mask-regex", bad, name, regex, why));
    CHECK(why == expected);
  }
}
