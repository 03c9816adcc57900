// ndj-stats' output formats: NDJSON, CSV (RFC 4180: CRLF) and the aligned
// table, with and without time buckets (the table then draws one sparkline
// per aggregate).
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "core/output.hpp"
#include "core/timefmt.hpp"
#include "json/json_text.hpp"
#include "stats/stats_output.hpp"
#include "unit/scratch.hpp"

using namespace ndj;

namespace {

StatValue text(const std::string& s) { return {json_string(s), std::nullopt, true}; }
StatValue number(double v, const std::string& json) { return {json, v, false}; }
StatValue null() { return {}; }

std::string written(StatsFormat format, const StatsLayout& layout, const std::vector<GroupRow>& rows) {
  return test::written_to_fd([&](int fd) {
    Output out(fd);
    write_stats(out, format, layout, rows);
    out.flush();
  });
}

TimeNs day(const char* date) { return *parse_rfc3339(std::string(date) + "T00:00:00Z"); }

}  // namespace

TEST_CASE("stats formats: NDJSON keeps JSON values, CSV quotes, the table aligns") {
  StatsLayout layout{{"name"}, {"count", "ms_mean"}};
  std::vector<GroupRow> rows = {
      {0, {text("a,b")}, {number(2, "2"), number(1.5, "1.5")}},
      {0, {text("say \"hi\"")}, {number(10, "10"), null()}},
  };
  CHECK(written(StatsFormat::kNdjson, layout, rows) ==
        "{\"name\":\"a,b\",\"count\":2,\"ms_mean\":1.5}\n"
        "{\"name\":\"say \\\"hi\\\"\",\"count\":10,\"ms_mean\":null}\n");
  CHECK(written(StatsFormat::kCsv, layout, rows) ==
        "name,count,ms_mean\r\n"
        "\"a,b\",2,1.5\r\n"
        "\"say \"\"hi\"\"\",10,\r\n");
  CHECK(written(StatsFormat::kTable, layout, rows) ==
        "name      count  ms_mean\n"
        "a,b           2      1.5\n"
        "say \"hi\"     10        -\n");
}

TEST_CASE("stats formats: buckets are a first column, named after the unit") {
  Bucketer weeks(BucketUnit::kWeek, false);
  StatsLayout layout{{"tool"}, {"count"}, &weeks};
  std::vector<GroupRow> rows = {
      {day("2026-01-05"), {text("Bash")}, {number(3, "3")}},
      {day("2026-01-19"), {text("Bash")}, {number(1, "1")}},
  };
  CHECK(written(StatsFormat::kNdjson, layout, rows) ==
        "{\"week\":\"2026-01-05\",\"tool\":\"Bash\",\"count\":3}\n"
        "{\"week\":\"2026-01-19\",\"tool\":\"Bash\",\"count\":1}\n");
  CHECK(written(StatsFormat::kCsv, layout, rows) ==
        "week,tool,count\r\n2026-01-05,Bash,3\r\n2026-01-19,Bash,1\r\n");
}

TEST_CASE("stats table with buckets: a sparkline per aggregate over every bucket, the latest value after it") {
  Bucketer days(BucketUnit::kDay, false);
  StatsLayout layout{{"tool"}, {"count"}, &days};
  std::vector<GroupRow> rows = {
      {day("2026-03-01"), {text("Bash")}, {number(4, "4")}},
      {day("2026-03-03"), {text("Bash")}, {number(8, "8")}},
      {day("2026-03-02"), {text("Read")}, {number(-2, "-2")}},
  };
  // Bash: 4, none, 8 on a 0..8 scale (4 is 3.5 bars of 7 above the floor,
  // rounded up); Read: none, -2, none on a -2..0 scale (-2 is the floor).
  CHECK(written(StatsFormat::kTable, layout, rows) ==
        "# days 2026-03-01 .. 2026-03-03 (3), latest value after each sparkline\n"
        "tool  count\n"
        "Bash  ▅·█ 8\n"
        "Read  ·▁· -\n");
}

TEST_CASE("prom families of aggregates: base units from the field's name") {
  auto family = [](const char* spec) {
    std::string why;
    auto a = AggSpec::parse(spec, why);
    REQUIRE(a);
    return prom_family(*a);
  };
  CHECK(family("count").name == "ndj_stats_records");
  auto p90 = family("p90:duration_ms");
  CHECK(p90.name == "ndj_stats_duration_seconds");
  CHECK(p90.stat == "p90");
  CHECK(p90.scale == 1e-3);
  CHECK(family("mean:latencyUs").name == "ndj_stats_latency_seconds");
  CHECK(family("max:wait_minutes").scale == 60);
  CHECK(family("sum:body.size_bytes").name == "ndj_stats_body_size_bytes");
  auto load = family("mean:load_pct");
  CHECK(load.name == "ndj_stats_load_ratio");
  CHECK(load.scale == 0.01);
  CHECK(family("rate:ok").name == "ndj_stats_ok_success_ratio");
  CHECK(family("distinct:user").name == "ndj_stats_user_distinct_values");
  CHECK(family("sum:cost_usd").name == "ndj_stats_cost_usd");
  CHECK(family("sum:cost_usd").stat == "sum");
  CHECK(family("median:tokens_total").name == "ndj_stats_tokens_total_value");
  CHECK(family("mean:retry_count").name == "ndj_stats_retry_count_value");
  CHECK(family("mean:ms").name == "ndj_stats_ms");  // a unit alone is a name
}
