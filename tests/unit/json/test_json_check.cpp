// The simdjson-free checker must accept exactly what the tools' DOM parser
// accepts: a line ndj-emit writes is a line every other tool reads.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "json/json.hpp"
#include "json/json_check.hpp"
#include "core/line_reader.hpp"

using namespace ndj;

namespace {
bool simdjson_accepts(JsonParser& p, const std::string& s) {
  std::string padded = s + std::string(kLinePadding, ' ');
  return p.parse(std::string_view(padded.data(), s.size())) == nullptr;
}
bool validate_accepts(JsonParser& p, const std::string& s) {
  std::string padded = s + std::string(kLinePadding, ' ');
  return p.validate(std::string_view(padded.data(), s.size())) == nullptr;
}
// `d` with `edits` random replacements, insertions or deletions of
// characters drawn from `alphabet`.
std::string mutated(std::string d, int edits, std::string_view alphabet, std::mt19937& rng) {
  for (int e = 0; e < edits; ++e) {
    size_t pos = rng() % d.size();
    char c = alphabet[rng() % alphabet.size()];
    switch (rng() % 3) {
      case 0: d[pos] = c; break;
      case 1: d.insert(d.begin() + static_cast<ptrdiff_t>(pos), c); break;
      default: d.erase(pos, 1);
    }
  }
  return d;
}
}  // namespace

TEST_CASE("json_check agrees with simdjson on tricky documents") {
  JsonParser p;
  const std::vector<std::string> docs = {
      "{}", "[]", "0", "-0", "1.5e3", "1E+2", "-1.0e-2", "01", "1.", ".5", "-", "+1", "1e",
      "18446744073709551615", "18446744073709551616", "-9223372036854775808", "-9223372036854775809",
      "1e308", "1e400", "1e-400", "true", "tru", "nul", "falsey", "\"\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"",
      "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\x\"", "\"a\tb\"", "\"\xc3\xa9\"", "\"\xc3\"",
      "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xc0\xaf\"", "{\"a\":1,}", "[1,]", "[,1]", "{\"a\" 1}",
      "{1:2}", "{\"a\":1}}", "[1] [2]", " {\"a\" : [ 1 , 2 ] } ", "[[[[]]]]", "\"unterminated", "{\"a\":",
      std::string(1024, '[') + std::string(1024, ']'), std::string(1025, '[') + std::string(1025, ']'),
      "\xef\xbb\xbf{}", "{\"a\":\"\\/\"}", "nan", "[1e5,-0.0,0e0]"};
  for (const std::string& d : docs) {
    INFO(d);
    CHECK((json_check(d) == nullptr) == simdjson_accepts(p, d));
    // validate() (stage 1 + check_structure) gives json_check's verdict
    // and reason, numbers of any size included.
    std::string padded = d + std::string(kLinePadding, ' ');
    const char* fast = p.validate(std::string_view(padded.data(), d.size()));
    const char* slow = json_check(d);
    CHECK((fast == nullptr) == (slow == nullptr));
  }
}

TEST_CASE("json_check agrees with simdjson on mutated records") {
  JsonParser p;
  const std::string seed_doc =
      R"({"ts":"2026-01-01T00:00:00.123Z","tool":"Bash","ok":true,"n":[1,-2.5e3,null],"m":{"k":"\u00e9\n"},"s":"日本"})";
  std::mt19937 rng(42);
  const std::string_view alphabet = "{}[]\",:.-+eE0123456789 \\unltrfa\xc3\xa9\xff";
  int disagreements = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string d = mutated(seed_doc, 1 + static_cast<int>(rng() % 3), alphabet, rng);
    if ((json_check(d) == nullptr) != simdjson_accepts(p, d)) {
      ++disagreements;
      UNSCOPED_INFO(d);
    }
  }
  CHECK(disagreements == 0);
}

TEST_CASE("validate() on a fresh parser takes empty and blank text") {
  // The fuzzer's first input: nothing. The parser had not allocated yet.
  for (std::string d : {"", "   ", "\t\r"}) {
    JsonParser p;
    std::string padded = d + std::string(kLinePadding, ' ');
    const char* why = p.validate(std::string_view(padded.data(), d.size()));
    REQUIRE(why != nullptr);
    CHECK(std::string(why) == "empty document");
  }
}

TEST_CASE("validate() agrees with json_check on mutated records") {
  JsonParser p;
  const std::vector<std::string> seeds = {
      R"({"ts":"2026-01-01T00:00:00.123Z","tool":"Bash","ok":true,"n":[1,-2.5e3,null],"m":{"k":"\u00e9\n"},"s":"日本"})",
      R"([{"a\\":"\"q\"","b":[[],{},[{"c":false}]]},"\ud83d\ude00\/",0.5E-3,123456789012345678901234567890])",
      R"(  {"deep":[[[[["x"]]]]],"e":1e400 , "t" : "tab\tend" }  )"};
  std::mt19937 rng(7);
  const std::string_view alphabet = "{}[]\",:.-+eE0123456789 \\unltrfa\xc3\xa9\xff\x01\t";
  int disagreements = 0, accepted = 0;
  for (int i = 0; i < 60000; ++i) {
    std::string d = mutated(seeds[static_cast<size_t>(i) % seeds.size()], static_cast<int>(rng() % 4),
                            alphabet, rng);
    bool strict = json_check(d) == nullptr;
    accepted += strict;
    if (strict != validate_accepts(p, d)) {
      ++disagreements;
      UNSCOPED_INFO(d);
    }
  }
  CHECK(disagreements == 0);
  CHECK(accepted > 1000);  // the mutations keep enough documents valid to matter
}

TEST_CASE("json_compact removes whitespace outside strings only") {
  CHECK(json_compact(" { \"a b\" : [ 1 ,\n 2.50 ] , \"c\\\" d\" : \" x \" } ") ==
        "{\"a b\":[1,2.50],\"c\\\" d\":\" x \"}");
}

TEST_CASE("UTF-8 validation") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("\xe6\x97\xa5\xe6\x9c\xac"));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xe6\x97"));
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));  // a surrogate
}

TEST_CASE("json_check says where the fault is") {
  size_t at = 99;
  CHECK(json_check("[1, 2]", at) == nullptr);
  CHECK(json_check("[1, 2,]", at) != nullptr);
  CHECK(at == 6);  // the bracket after the comma
  CHECK(json_check("{\"a\":\n  nope}", at) != nullptr);
  CHECK(at == 8);  // the literal
  CHECK(json_check("[1", at) != nullptr);
  CHECK(at == 2);  // the end
}
