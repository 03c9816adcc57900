// ndj-dora's option checks: the values they accept, what they imply, and
// the usage error's message for the rest.
#include <catch2/catch.hpp>

#include "dora/options.hpp"

using namespace ndj;
using namespace ndj::dora;

namespace {

OptionText given(std::string format = "ndjson") {
  OptionText t;
  t.format = std::move(format);
  t.tiers = "dora";
  return t;
}

}  // namespace

TEST_CASE("output options: format, tiers, compare; --days excludes --since") {
  Options o;
  OptionText t = given("csv");
  t.tiers = "none";
  t.compare = "previous";
  REQUIRE_FALSE(check_output_options(t, o));
  CHECK(o.format == Format::kCsv);
  CHECK_FALSE(o.tiers);
  CHECK(o.compare_previous);
  CHECK(*check_output_options(given("xml"), o) ==
        "--format: expected ndjson, snapshot, json, csv, table, prom or html, got 'xml'");
  o.has_since = true;
  t.days_given = true;
  CHECK(*check_output_options(t, o) == "--days and --since cannot be used together");
}

TEST_CASE("--append: not with -o; only records (ndjson, snapshot)") {
  Options o;
  o.append = "dora.ndjson";
  REQUIRE_FALSE(check_output_options(given("snapshot"), o));
  CHECK(o.format == Format::kSnapshot);
  REQUIRE_FALSE(check_output_options(given("ndjson"), o));
  CHECK(*check_output_options(given("json"), o) == "--append: only with --format ndjson or snapshot");
  o.output = "report.ndjson";
  CHECK(*check_output_options(given(), o) == "-o and --append cannot be used together");
}

TEST_CASE("snapshot: one window, the overall row, nothing added to the five records") {
  auto check = [](auto set) {
    Options o;
    OptionText t = given("snapshot");
    set(o, t);
    REQUIRE_FALSE(check_output_options(t, o));
    auto why = check_trend_options(t, o);
    if (!why) why = check_schema_options(t, o);
    return why.value_or("");
  };
  CHECK(check([](Options&, OptionText&) {}).empty());
  CHECK(check([](Options& o, OptionText&) { o.bucket = BucketUnit::kWeek; }) == "--bucket: not with --format snapshot");
  CHECK(check([](Options&, OptionText& t) { t.compare = "previous"; }) == "--compare: not with --format snapshot");
  CHECK(check([](Options& o, OptionText&) { o.regressions = true; }) == "--regressions: not with --format snapshot");
  CHECK(check([](Options& o, OptionText&) { o.fail_on_regression = true; }) ==
        "--fail-on-regression: not with --format snapshot");
  CHECK(check([](Options&, OptionText& t) { t.goals = {"lead_time<=1d"}; }) == "--goal: not with --format snapshot");
  CHECK(check([](Options&, OptionText& t) { t.group_by = "team"; }) == "--group-by: not with --format snapshot");
}

TEST_CASE("--min-samples: a whole number, 0 included; 5 by default") {
  auto with = [](std::string n) {
    OptionText t = given();
    t.min_samples = std::move(n);
    return t;
  };
  Options o;
  REQUIRE_FALSE(check_output_options(given(), o));
  CHECK(o.min_samples == 5);
  REQUIRE_FALSE(check_output_options(with("0"), o));
  CHECK(o.min_samples == 0);
  REQUIRE_FALSE(check_output_options(with("30"), o));
  CHECK(o.min_samples == 30);
  for (std::string bad : {"-1", "many", "5x", "1.5", "99999999999999999999999"})
    CHECK(*check_output_options(with(bad), o) == "--min-samples: expected a whole number (0 or more), got '" + bad + "'");
}

TEST_CASE("trend options: the page implies regressions and weekly buckets; several goals per metric") {
  Options o;
  REQUIRE_FALSE(check_output_options(given("html"), o));
  REQUIRE_FALSE(check_trend_options(given("html"), o));
  CHECK(o.regressions);
  CHECK(o.bucket == BucketUnit::kWeek);

  Options prom;
  REQUIRE_FALSE(check_output_options(given("prom"), prom));
  prom.bucket = BucketUnit::kDay;
  CHECK(*check_trend_options(given("prom"), prom) == "--bucket: not with --format prom");

  Options g;
  OptionText t = given();
  t.thresholds = {"lead_time=10"};
  t.goals = {"lead_time<=1d", "lead_time.p90<3d,until=2026-04-01"};
  REQUIRE_FALSE(check_trend_options(t, g));
  REQUIRE(g.goals.size() == 2);
  CHECK_FALSE(g.goals[0].expires);
  CHECK(*g.goals[1].expires == *parse_rfc3339("2026-04-01T00:00:00Z"));
  CHECK(*g.thresholds[static_cast<size_t>(Metric::kLeadTime)] == 10);
  g.goals.clear();
  t.thresholds = {"lead_time=off"};
  REQUIRE_FALSE(check_trend_options(t, g));
  CHECK_FALSE(g.thresholds[static_cast<size_t>(Metric::kLeadTime)]);
  REQUIRE_FALSE(check_trend_options(given(), g));
  CHECK(g.color == ColorWhen::kAuto);
  t = given();
  t.color = "always";
  REQUIRE_FALSE(check_trend_options(t, g));
  CHECK(g.color == ColorWhen::kAlways);
  t.color = "sometimes";
  CHECK(*check_trend_options(t, g) == "--color: expected auto, always or never, got 'sometimes'");
}

TEST_CASE("alert state options: --ack needs the file, the file needs --regressions") {
  Options o;
  OptionText t = given();
  t.acks = {"lead_time/team=payments"};
  CHECK(*check_trend_options(t, o) == "--ack needs --alert-state FILE");
  o = Options{};
  o.alert_state = "state.json";
  REQUIRE_FALSE(check_trend_options(t, o));
  REQUIRE(o.acks.size() == 1);
  CHECK(o.acks[0].second.group == R"({"team":"payments"})");
  o = Options{};
  o.alert_state = "state.json";
  CHECK(*check_trend_options(given(), o) == "--alert-state needs --regressions (or --ack)");
  o.regressions = true;
  REQUIRE_FALSE(check_trend_options(given(), o));
  t.acks = {"speed"};
  CHECK(*check_trend_options(t, o) == "--ack: unknown metric 'speed'");
}

TEST_CASE("schema options: group-by fields, then --map names") {
  Options o;
  OptionText t = given();
  t.group_by = "team,service";
  REQUIRE_FALSE(check_schema_options(t, o));
  CHECK(o.schema.group_by == std::vector<std::string>{"team", "service"});
  REQUIRE_FALSE(add_map(o.schema, {"team", "squad"}));
  REQUIRE_FALSE(add_map(o.schema, {"time", "ts"}));
  CHECK(o.schema.input_name(EventType::kOther, "team") == "squad");
  CHECK(add_map(o.schema, {"colour", "paint"})->starts_with("--map: unknown field 'colour'"));
  Options twice;
  t.group_by = "team,,service";
  CHECK(*check_schema_options(t, twice) == "--group-by: empty field name in 'team,,service'");
  t.group_by = "team,team";
  Options again;
  CHECK(*check_schema_options(t, again) == "--group-by: 'team' given twice");
}
