// Output-format helpers: CSV cells, HTML text, padding, fixed-point numbers, sparklines.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/format.hpp"

using namespace ndj;

TEST_CASE("CSV cells are quoted only when they must be (RFC 4180)") {
  auto cell = [](std::string_view v) {
    std::string out = "x,";
    append_csv_cell(out, v);
    return out;
  };
  CHECK(cell("plain text") == "x,plain text");
  CHECK(cell("") == "x,");
  CHECK(cell("a,b") == "x,\"a,b\"");
  CHECK(cell("say \"hi\"") == "x,\"say \"\"hi\"\"\"");
  CHECK(cell("two\nlines") == "x,\"two\nlines\"");
  CHECK(cell("cr\r") == "x,\"cr\r\"");
}

TEST_CASE("padding counts code points, or the width given for coloured text") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("▁·█") == 3);
  CHECK(display_width("") == 0);
  CHECK(pad("ab", 5, false) == "ab   ");
  CHECK(pad("ab", 5, true) == "   ab");
  CHECK(pad("toolong", 3, true) == "toolong");
  CHECK(pad("▁▂", 4, false) == "▁▂  ");
  const std::string green = "\x1b[32m▁▂\x1b[0m";
  CHECK(pad(green, 4, false, 2) == green + "  ");
  CHECK(pad(green, 4, true, 2) == "  " + green);
}

TEST_CASE("fixed-point numbers as printf writes them") {
  CHECK(fixed(2.5, 0) == "2");
  CHECK(fixed(1.0 / 3, 2) == "0.33");
  CHECK(fixed(12.345, 1, true) == "+12.3");
  CHECK(fixed(-3, 0, true) == "-3");
}

TEST_CASE("sparkline levels scale from 0 to the largest value") {
  std::vector<std::optional<double>> v = {0.0, std::nullopt, 1.0, 7.0, 3.5, 0.001};
  CHECK(sparkline_levels(v) == std::vector<int>{0, -1, 1, 7, 4, 1});
  CHECK(sparkline(v) == "▁·▂█▅▂");
  std::vector<std::optional<double>> none = {std::nullopt, std::nullopt};
  CHECK(sparkline(none) == "··");
  std::vector<std::optional<double>> zeros = {0.0, 0.0};
  CHECK(sparkline(zeros) == "▁▁");
  std::vector<std::optional<double>> same = {2.0, 2.0};
  CHECK(sparkline(same) == "██");
  CHECK(sparkline({}) == "");
}

TEST_CASE("with negative values the scale runs from the lowest to max(0, highest)") {
  std::vector<std::optional<double>> mixed = {-7.0, 0.0, 7.0, std::nullopt, -3.5};
  // -7 is the floor, 0 the middle, 7 the top.
  CHECK(sparkline_levels(mixed) == std::vector<int>{0, 4, 7, -1, 2});
  CHECK(sparkline(mixed) == "▁▅█·▃");
  std::vector<std::optional<double>> below = {-4.0, -1.0};
  // All below 0: the top of the scale is 0.
  CHECK(sparkline_levels(below) == std::vector<int>{0, 6});
  CHECK(sparkline_bar(-1) == std::string("·"));
  CHECK(sparkline_bar(0) == std::string("▁"));
  CHECK(sparkline_bar(7) == std::string("█"));
}

TEST_CASE("counts in messages have commas between groups of three digits") {
  CHECK(grouped_digits(0) == "0");
  CHECK(grouped_digits(999) == "999");
  CHECK(grouped_digits(1000) == "1,000");
  CHECK(grouped_digits(38648) == "38,648");
  CHECK(grouped_digits(1234567) == "1,234,567");
  CHECK(grouped_digits(18446744073709551615ULL) == "18,446,744,073,709,551,615");
}

TEST_CASE("HTML escaping covers text and attribute values") {
  std::string out;
  append_html_escaped(out, "<a href=\"x\">'&'</a>");
  CHECK(out == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}
