// Aggregate specs and the quantile sketch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "expr/record_view.hpp"
#include "json/json.hpp"
#include "stats/group_stats.hpp"
#include "stats/quantile_sketch.hpp"

using namespace ndj;

TEST_CASE("aggregate specs") {
  std::string why;
  auto p = AggSpec::parse("p99.9:a.b", why);
  REQUIRE(p);
  CHECK(p->kind == AggKind::kPercentile);
  CHECK(p->percentile == Approx(99.9));
  CHECK(p->column == "a.b_p99.9");
  CHECK(AggSpec::parse("median:x", why)->column == "x_p50");
  CHECK(AggSpec::parse("count", why)->column == "count");
  CHECK_FALSE(AggSpec::parse("sum", why));
  CHECK_FALSE(AggSpec::parse("p:x", why));
  CHECK_FALSE(AggSpec::parse("p-1:x", why));
  CHECK_FALSE(AggSpec::parse("mean:", why));
}

TEST_CASE("aggregates over expressions, AS and their default names") {
  std::string why;
  auto sum = AggSpec::parse("sum(prompt_tokens + completion_tokens) AS total_tokens", why);
  REQUIRE(sum);
  CHECK(sum->kind == AggKind::kSum);
  CHECK(sum->expr == "prompt_tokens + completion_tokens");
  CHECK(sum->column == "total_tokens");
  CHECK_FALSE(sum->field);
  CHECK(AggSpec::parse("sum(a  +   b)", why)->column == "sum(a + b)");
  CHECK(AggSpec::parse("sum( a + b )", why)->column == "sum(a + b)");
  CHECK(AggSpec::parse("p90(duration_ms)", why)->column == "duration_ms_p90");
  CHECK(AggSpec::parse("median(a.b)", why)->column == "a.b_p50");
  CHECK(AggSpec::parse("count(success == false)", why)->column == "count(success == false)");
  CHECK(AggSpec::parse("count(ok)", why)->column == "count(ok)");
  CHECK(AggSpec::parse("count()", why)->column == "count");
  CHECK(AggSpec::parse("count()", why)->expr.empty());
  CHECK(AggSpec::parse("count as n", why)->column == "n");
  CHECK(AggSpec::parse("p50:x AS mid", why)->column == "mid");
  CHECK(AggSpec::parse(R"(count(name == "a AS b"))", why)->column == R"(count(name == "a AS b"))");
  CHECK(AggSpec::parse("max(-a)", why)->column == "max(-a)");
  CHECK_FALSE(AggSpec::parse("sum()", why));
  CHECK(why == "'sum()': sum() needs an expression");
  CHECK_FALSE(AggSpec::parse("avg(x)", why));
  CHECK(why == "'avg(x)': unknown aggregate 'avg'");
  CHECK_FALSE(AggSpec::parse("sum(a) + 1", why));
  CHECK_FALSE(AggSpec::parse("sum(a AS", why));
  CHECK_FALSE(AggSpec::parse("sum(a) AS", why));
  CHECK_FALSE(AggSpec::parse("sum(a) AS two words", why));
  CHECK_FALSE(AggSpec::parse("p101(a)", why));
  CHECK_FALSE(AggSpec::parse("sum(a +)", why));
  CHECK(why == "'sum(a +)': expected a field or a value at column 8\n  sum(a +)\n         ^");
}

TEST_CASE("an --agg list splits at commas outside expressions") {
  using V = std::vector<std::string>;
  CHECK(AggSpec::split("count,sum:x") == V{"count", "sum:x"});
  CHECK(AggSpec::split("count, sum(a + b) AS t , p90:x") == V{"count", "sum(a + b) AS t", "p90:x"});
  CHECK(AggSpec::split(R"(count(x in [1, 2]),count(s == ","),count(s == ')'))") ==
        V{"count(x in [1, 2])", R"(count(s == ","))", "count(s == ')')"});
  CHECK(AggSpec::split(R"(count(s =~ /a,\/)/),count)") == V{R"(count(s =~ /a,\/)/))", "count"});
  CHECK(AggSpec::split("sum(a / b),count") == V{"sum(a / b)", "count"});
  CHECK(AggSpec::split("a,,b") == V{"a", "", "b"});
  CHECK(AggSpec::split("").empty());
}

TEST_CASE("the quantile sketch stays within 1% of a value near the exact rank") {
  std::vector<double> values;
  QuantileSketch sketch, left, right;
  uint64_t x = 12345;
  for (int i = 0; i < 50000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    double v = std::exp(static_cast<double>(x >> 11) / 9007199254740992.0 * 14) - 3;  // -2 .. 1.2e6
    if (i % 97 == 0) v = 0;
    values.push_back(v);
    sketch.add(v);
    (i % 2 ? left : right).add(v);
  }
  left.merge(right);
  std::sort(values.begin(), values.end());
  const double err = QuantileSketch::kRelativeError;
  for (double p : {0.0, 1.0, 10.0, 25.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    INFO(p);
    size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(values.size() - 1));
    double truth = values[rank];
    double got = *sketch.quantile(p);
    CHECK(std::fabs(got - truth) <= err * std::fabs(truth) + 1e-9);
    CHECK(*left.quantile(p) == got);  // merging loses nothing
  }
  CHECK_FALSE(QuantileSketch().quantile(50));
}

namespace {
// The statistics of NDJSON text, one record a line.
struct Fed {
  Fed(std::vector<std::string> group_by, std::vector<std::string> aggs, bool bucketed = false) {
    std::vector<FieldPath> g;
    for (const auto& f : group_by) g.push_back(*FieldPath::parse(f));
    std::vector<AggSpec> a;
    std::string why;
    for (const auto& s : aggs) a.push_back(*AggSpec::parse(s, why));
    stats = std::make_unique<GroupStats>(g, a, false, bucketed);
  }
  Fed& add(const std::string& json) {
    stats->add(parser.parse(json).value());
    return *this;
  }
  simdjson::dom::parser parser;
  std::unique_ptr<GroupStats> stats;
};
}  // namespace

TEST_CASE("without groups there is one row even for no record, as in SQL") {
  Fed none({}, {"count", "sum:x", "p90:x", "distinct:y", "rate:ok", "first:y"});
  auto rows = none.stats->rows();
  REQUIRE(rows.size() == 1);
  std::vector<std::string> cells;
  for (const auto& v : rows[0].aggs) cells.push_back(v.json);
  CHECK(cells == std::vector<std::string>{"0", "null", "null", "0", "null", "null"});
  CHECK(none.stats->missing_fields().empty());  // no record: nothing to say about fields

  CHECK(Fed({"tool"}, {"count"}).stats->rows().empty());
  CHECK(Fed({}, {"count"}, true).stats->rows().empty());  // buckets are groups too
}

TEST_CASE("a field no record held is named, with the closest name they held") {
  Fed f({"tol"}, {"count", "p90:duration", "mean:duration", "sum:tokens.inn", "max:zzz", "min:duration_ms"});
  f.add(R"({"tool":"Bash","duration_ms":100,"tokens":{"in":10}})")
      .add(R"({"tool":"Read","duration_ms":5})");
  CHECK(f.stats->records() == 2);
  CHECK(f.stats->missing_fields() ==
        std::vector<std::string>{
            "field 'tol' was not in any of the 2 records (did you mean 'tool'?)",
            "field 'duration' was not in any of the 2 records (did you mean 'duration_ms'?)",
            "field 'tokens.inn' was not in any of the 2 records (did you mean 'tokens.in'?)",
            "field 'zzz' was not in any of the 2 records",
        });

  Fed one({}, {"sum:tema", "sum:a\\.b", "sum:x"});
  one.add(R"({"team":1,"a.bc":2,"x":null})");
  CHECK(one.stats->missing_fields() ==
        std::vector<std::string>{
            "field 'tema' was not in the one record (did you mean 'team'?)",
            "field 'a\\.b' was not in the one record (did you mean 'a\\.bc'?)",
        });
}

TEST_CASE("the records counted are those added") {
  Fed f({}, {"count"});
  for (int i = 0; i < 1234; ++i) f.add(R"({"a":1})");
  CHECK(f.stats->records() == 1234);
  Fed g({}, {"sum:b"});
  for (int i = 0; i < 1234; ++i) g.add(R"({"a":1})");
  CHECK(g.stats->missing_fields() == std::vector<std::string>{"field 'b' was not in any of the 1,234 records"});
}

TEST_CASE("batches extracted apart and inserted in order equal records added one by one") {
  std::vector<FieldPath> g{*FieldPath::parse("tool")};
  std::vector<AggSpec> a;
  std::string why;
  for (const char* spec : {"count", "sum:n", "mean:n", "p50:n", "distinct:n", "rate:ok", "first:n", "last:n",
                           "sum(n * 2) AS twice", "count(ok == false) AS fails", "max(-n) AS neg", "sum:nope"})
    a.push_back(*AggSpec::parse(spec, why));
  GroupStats one(g, a), batched(g, a);
  StatsExtractor left(batched), right(batched);
  StatsRows first, second;
  const std::vector<std::string> lines{
      R"({"tool":"a","n":1,"ok":true})",      R"({"tool":"b","n":2.5,"ok":false})",
      R"({"tool":"a","n":9223372036854775807,"ok":"pass"})", R"({"tool":"a","n":"x"})",
      R"({"tool":"b","n":null,"ok":null})",  R"({"tool":"a","n":18446744073709551615})",
      R"({"n":-3})",                           R"({"tool":"b"})"};
  JsonParser parser;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string padded = lines[i] + std::string(64, ' ');
    const std::string_view text(padded.data(), lines[i].size());
    REQUIRE(parser.parse(text) == nullptr);
    const RecordView view(text, parser);
    one.add(parser.root(), 0, &view);
    (i < 5 ? left : right).extract(parser.root(), view, 0, i < 5 ? first : second);
  }
  batched.insert(first);
  batched.insert(second);
  auto cells = [](const GroupStats& s) {
    std::vector<std::string> out;
    for (const GroupRow& r : s.rows()) {
      for (const StatValue& k : r.keys) out.push_back(k.json);
      for (const StatValue& v : r.aggs) out.push_back(v.json);
    }
    return out;
  };
  CHECK(cells(one) == cells(batched));
  CHECK(one.missing_fields() == batched.missing_fields());
  CHECK(one.skipped_values() == batched.skipped_values());
  CHECK(cells(one)[15] == "27670116110564327423");  // group a (after null): its n_sum, exact
}
