// JSON validation and string escaping.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "json/json.hpp"
#include "json/json_check.hpp"
#include "core/line_reader.hpp"

using namespace ndj;

namespace {
const char* check(JsonParser& p, const std::string& s) {
  std::string padded = s + std::string(kLinePadding, ' ');
  return p.parse(std::string_view(padded.data(), s.size()));
}
}  // namespace

TEST_CASE("valid records parse") {
  JsonParser p;
  CHECK(check(p, "{\"a\":1,\"b\":[true,null,\"x\"]}") == nullptr);
  CHECK(check(p, "[1,2]") == nullptr);
  CHECK(check(p, "\"just a string\"") == nullptr);
  CHECK(check(p, "{\"a\":1,\"a\":2}") == nullptr);  // duplicate keys are not our business
}

TEST_CASE("invalid records give short reasons") {
  JsonParser p;
  CHECK(std::string(check(p, "{\"a\":1")) == "truncated (unclosed array or object)");
  CHECK(std::string(check(p, "{\"a\":1,}")) == "bad structure (missing or extra comma, bracket or brace)");
  CHECK(check(p, "{\"a\":1}}") != nullptr);
  CHECK(check(p, "{a:1}") != nullptr);
  CHECK(std::string(check(p, "{\"a\":\"\xff\"}")) == "invalid UTF-8");
  CHECK(check(p, "{\"a\":\"x\ty\"}") != nullptr);
  CHECK(check(p, "") != nullptr);
  CHECK(std::string(check(p, std::string(2000, '[') + std::string(2000, ']'))) == "nesting too deep (limit 1024)");
  // A broken line never hides the next one: each line is parsed alone.
  CHECK(check(p, "{\"a\":\"unterminated") != nullptr);
  CHECK(check(p, "{\"b\":2}") == nullptr);
}

TEST_CASE("json_string escapes what JSON requires and nothing else") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("\n\t\x01") == "\"\\n\\t\\u0001\"");
  CHECK(json_string("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
}

TEST_CASE("json_string's 8-byte skip finds an escape at every position") {
  // The skip tests 8 bytes at once: each byte that needs an escape, at
  // each place in a word, next to bytes just above and below it.
  for (char special : {'"', '\\', '\x01', '\x1f', '\n'}) {
    for (size_t at = 0; at < 20; ++at) {
      std::string s(20, 'a');
      s[at] = special;
      if (at + 1 < s.size()) s[at + 1] = ' ';
      if (at) s[at - 1] = '\x80';
      std::string expected = "\"";
      for (unsigned char c : s) {
        if (c == '"') expected += "\\\"";
        else if (c == '\\') expected += "\\\\";
        else if (c == '\n') expected += "\\n";
        else if (c < 0x20) expected += c == 1 ? "\\u0001" : "\\u001f";
        else expected += static_cast<char>(c);
      }
      expected += '"';
      CHECK(json_string(s) == expected);
    }
  }
  CHECK(json_string("plain text of more than eight bytes, \xc3\xa9 and ~") ==
        "\"plain text of more than eight bytes, \xc3\xa9 and ~\"");
}

TEST_CASE("blank lines") {
  CHECK(is_blank(""));
  CHECK(is_blank(" \t\r"));
  CHECK_FALSE(is_blank(" {} "));
}

TEST_CASE("numbers beyond double range are valid JSON, without a DOM") {
  JsonParser p;
  CHECK(check(p, "{\"big\":123456789012345678901234567890}") == nullptr);
  CHECK_FALSE(p.has_root());
  CHECK(check(p, "[1e400,-1e400]") == nullptr);
  CHECK(check(p, "{\"ok\":1}") == nullptr);
  CHECK(p.has_root());
  CHECK(check(p, "{\"big\":1e400,}") != nullptr);
  CHECK(check(p, "{\"big\":01e400}") != nullptr);
}

TEST_CASE("every way of validating gives a broken line the same reason") {
  // simdjson's own error codes differ by path (a DOM parse says "bad
  // structure" where stage 1 says "truncated"): json_check() names them all.
  const std::vector<std::string> broken = {
      "{\"a\":1",
      "{\"a\":1,}",
      "{\"a\" 1}",
      "[1 2]",
      "{\"a\":\"\xff\"}",
      std::string("\xff\xfe\0\x01junk\0", 10),
      "{\"a\":tru}",
      "{\"a\":01}",
      "{\"a\":\"x\\qy\"}",
      "{\"a\":\"unterminated",
      "{\"a\":1}}",
      "{\"a\":1} {\"b\":2}",
      "{\"a\":\"tab\there\"}",
      "[\"\\ud800\"]",
      std::string(1100, '['),
      "{\"a\":1e}",
      ",",
      "{\"a\":[1,2}",
      std::string("\0", 1),
      "{\"\xc3\x28\":1}",
      "{\"a\":nul}",
      "{\"big\":1e400,}",
  };
  JsonParser dom, syntax;
  for (const std::string& line : broken) {
    INFO(line);
    const char* why = json_check(line);
    REQUIRE(why != nullptr);
    std::string padded = line + std::string(kLinePadding, ' ');
    const std::string_view text(padded.data(), line.size());
    const char* by_dom = dom.parse(text);
    const char* by_syntax = syntax.validate(text);
    REQUIRE(by_dom != nullptr);
    REQUIRE(by_syntax != nullptr);
    CHECK(std::string(by_dom) == why);
    CHECK(std::string(by_syntax) == why);
  }
  CHECK(std::string(json_check("{\"a\":1")) == "truncated (unclosed array or object)");
  CHECK(std::string(json_check(std::string(1100, '['))) == "nesting too deep (limit 1024)");
}

namespace {
// Each line validated alone and in one buffer (index_lines, validate_line):
// the same verdict, reason, token offsets and backslash flag for every line.
void same_in_bulk(const std::vector<std::string>& lines) {
  std::string buf;
  std::vector<std::pair<size_t, size_t>> at;
  for (const std::string& l : lines) {
    at.emplace_back(buf.size(), l.size());
    buf += l;
    buf += '\n';
  }
  const size_t size = buf.size();
  buf.append(kLinePadding, ' ');
  std::string_view all(buf.data(), size);
  JsonParser alone, bulk;
  bulk.index_lines(all);
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << i << ": " << lines[i]);
    std::string padded = lines[i] + std::string(kLinePadding, ' ');
    const char* a = alone.validate(std::string_view(padded.data(), lines[i].size()));
    const char* b = bulk.validate_line(all, at[i].first, at[i].second);
    REQUIRE((a == nullptr) == (b == nullptr));
    if (a) {
      CHECK(std::string(a) == std::string(b));
      continue;
    }
    CHECK(alone.has_backslash() == bulk.has_backslash());
    REQUIRE(alone.structural_count() == bulk.structural_count());
    for (uint32_t k = 0; k < alone.structural_count(); ++k)
      CHECK(alone.structural_indexes()[k] == bulk.structural_indexes()[k]);
  }
}
}  // namespace

TEST_CASE("lines validated in bulk get the verdicts of lines validated alone") {
  const std::vector<std::string> good = {
      "{\"a\":1,\"b\":[true,null,\"x\"]}", "[1,2]", "\"s\"", "123", "-1.5e3", "true", "null",
      "{\"m\":\"a\\\"b\\\\\",\"u\":\"\\u0040\\ud83d\\ude00\"}", "{}", "[]", "  {\"pad\":1}  "};
  same_in_bulk(good);
  // Every bad line among good ones, at the start, middle and end: the
  // buffer fails, or the line does on its own, with the same reason.
  const std::vector<std::string> bad = {
      "{\"a\":1", "{\"a\":1,}", "{\"a\":1}}", "{a:1}", "{\"a\":\"\xff\"}", "{\"a\":\"x\ty\"}", "",
      "   ", "{\"a\":\"unterminated", "\"open", "{\"a\":tru}", "{\"a\":01}", "{\"a\":1} {\"b\":2}",
      "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"end\\", "\\", "{\"a\":1}\\", "1 2",
      "{\"a\":\"\xe2\x82\"}", std::string(1100, '[') + std::string(1100, ']'), "[1,2", "]",
      "{\"a\":\"q\"\"}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":", "[", "{\"a\":[1,"};
  for (const std::string& b : bad) {
    for (size_t pos : {size_t{0}, size_t{3}, good.size()}) {
      std::vector<std::string> lines = good;
      lines.insert(lines.begin() + static_cast<long>(pos), b);
      same_in_bulk(lines);
    }
  }
  // Two unpaired quotes restore the parity in between: still each alone.
  same_in_bulk({"{\"a\":1}", "{\"a\":\"x}", "{\"b\":2}", "{\"c\":\"y}", "{\"d\":4}"});
  // Lines skipped (marks a tool passes over) and a parser reused.
  JsonParser p;
  std::string buf = "{\"a\":1}\n{\"skip\":\"\\n\"}\n{\"c\":[3]}\n" + std::string(kLinePadding, ' ');
  std::string_view all(buf.data(), buf.size() - kLinePadding);
  p.index_lines(all);
  CHECK(p.validate_line(all, 0, 7) == nullptr);
  CHECK(p.validate_line(all, 22, 9) == nullptr);
  CHECK(p.structural_count() == 7);
  CHECK_FALSE(p.has_backslash());
}
