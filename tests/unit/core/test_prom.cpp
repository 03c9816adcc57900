// Prometheus text pieces: label names and values, families, numbers.
#include <catch2/catch.hpp>

#include <string>

#include "core/prom.hpp"

using namespace ndj;

TEST_CASE("prom label names are valid and unique") {
  CHECK(prom_label_name("team") == "team");
  CHECK(prom_label_name("a.b-c") == "a_b_c");
  CHECK(prom_label_name("1st") == "_1st");
  CHECK(prom_label_name("__x") == "x__x");
  CHECK(prom_label_name("") == "_");
  CHECK(prom_label_name("ünï") == "x__n__");  // each byte of ü and ï a _
  CHECK(prom_label_names({"a.b", "a_b", "stat"}, {"stat"}) == std::vector<std::string>{"a_b", "a_b_2", "stat_2"});
}

TEST_CASE("prom label values, families and numbers") {
  std::string l;
  append_prom_label(l, "team", "pay\\ \"x\"\nline");
  append_prom_label(l, "svc", "");
  CHECK(l == R"(team="pay\\ \"x\"\nline",svc="")");
  std::string f;
  append_prom_family(f, "ndj_x_seconds", "a \\ b\nc");
  CHECK(f == "# HELP ndj_x_seconds a \\\\ b\\nc\n# TYPE ndj_x_seconds gauge\n");
  auto number = [](double v) {
    std::string s;
    append_prom_number(s, v);
    return s;
  };
  CHECK(number(39600) == "39600");
  CHECK(number(0.25) == "0.25");
  CHECK(number(1.0 / 3) == "0.333333333333");
  CHECK(number(10.0 / 7 / 86400) == "1.65343915344e-05");
  CHECK(number(-0.0) == "0");
  CHECK(number(1e300 * 1e300) == "+Inf");
}
