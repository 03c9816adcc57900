// The report formats of a small computed window: exact ndjson, snapshot,
// csv and table text, and the regression records.
#include <catch2/catch.hpp>

#include <string>

#include "dora/dora_report.hpp"
#include "events.hpp"

using namespace ndj;
using namespace ndj::dora;
using test::at;

namespace {

const Window kThreeDays{at("2026-03-01T00:00:00Z"), at("2026-03-04T00:00:00Z")};

}  // namespace

TEST_CASE("ndjson: one record per metric with window, group and tags") {
  EventStore store = test::three_days();
  ReportSettings s;
  s.window = kThreeDays;
  s.tiers = false;
  s.min_samples = 0;
  std::string out = format_report(Format::kNdjson, store, store.compute(kThreeDays), s);
  CHECK(out.substr(0, out.find('\n', out.find('\n') + 1) + 1) ==
        R"({"metric":"deployment_frequency","value":1,"unit":"per_day","status":"ok","n":3,"per_week":7,"since":"2026-03-01T00:00:00Z","until":"2026-03-04T00:00:00Z","group":{},"tags":{"source_type":"dora","calculated_by":"ndj-dora","snapshot_window":"3d"}}
{"metric":"lead_time","value":1,"unit":"hours","status":"ok","n":3,"aggregation":"median","mean":1.666667,"p90":2.6,"negative":0,"since":"2026-03-01T00:00:00Z","until":"2026-03-04T00:00:00Z","group":{},"tags":{"source_type":"dora","calculated_by":"ndj-dora","snapshot_window":"3d"}}
)");
}

TEST_CASE("snapshot: five records, per week, reference names, the tag bag in its order") {
  EventStore store = test::three_days();
  ReportSettings s;
  s.window = kThreeDays;
  s.min_samples = 4;
  SourceTags src;
  src.repo = "acme/shop";
  src.commit_sha = "abc123";
  src.pipeline = "main-ci";
  s.source = &src;
  // Replaced in place, removed, added after the canonical ones.
  s.tags = {{"pipeline", "nightly"}, {"commit_sha", ""}, {"team", "a"}, {"service", "api"}};
  const std::string tags =
      R"("tags":{"source_type":"dora","calculated_by":"ndj-dora",TIER"repo":"acme/shop","service":"api",)"
      R"("snapshot_window":"3d","pipeline":"nightly","team":"a"}})";
  auto with_tier = [&](const std::string& tier) {
    std::string t = tags;
    t.replace(t.find("TIER"), 4, tier.empty() ? "" : "\"tier\":\"" + tier + "\",");
    return t;
  };
  const std::string window = R"("since":"2026-03-01T00:00:00Z","until":"2026-03-04T00:00:00Z",)";
  CHECK(format_report(Format::kSnapshot, store, store.compute(kThreeDays), s) ==
        R"({"metric":"deployment_frequency","value":7,"unit":"per_week","status":"ok","n":3,"low_n":true,)" +
            window + with_tier("") + "\n" +
            R"({"metric":"lead_time","value":1,"unit":"hours","status":"ok","n":3,"low_n":true,"aggregation":"median","mean_hours":1.666667,"p90_hours":2.6,)" +
            window + with_tier("") + "\n" +
            R"({"metric":"change_failure_rate","value":25,"unit":"percent","status":"ok","n":4,"failures":1,"total_deployments":4,)" +
            window + with_tier("low") + "\n" +
            R"({"metric":"failed_deployment_recovery_time","value":null,"unit":"hours","status":"insufficient_data","n":0,"aggregation":"median","mean_hours":null,"p90_hours":null,)" +
            window + with_tier("") + "\n" +
            R"({"metric":"rework_rate","value":0,"unit":"percent","status":"ok","n":4,"rework_commits":0,"total_deployments":4,)" +
            window + with_tier("") + "\n");
}

TEST_CASE("--tag K= removes a fixed tag in every format that has tags") {
  EventStore store = test::three_days();
  ReportSettings s;
  s.window = kThreeDays;
  s.tiers = false;
  s.tags = {{"calculated_by", ""}, {"absent", ""}};
  const auto rows = store.compute(kThreeDays);
  const std::string ndjson = format_report(Format::kNdjson, store, rows, s);
  CHECK(ndjson.find(R"("tags":{"source_type":"dora","snapshot_window":"3d"}})") != std::string::npos);
  CHECK(ndjson.find("calculated_by") == std::string::npos);
  CHECK(format_report(Format::kJson, store, rows, s).find(R"("tags":{"source_type":"dora","snapshot_window":"3d"})") !=
        std::string::npos);
}

TEST_CASE("csv and table: details in their columns, goals judged") {
  EventStore store = test::three_days();
  ReportSettings s;
  s.window = kThreeDays;
  s.min_samples = 4;  // 3 deployments and 3 changes are too few, 4 deployments enough
  Goal g;
  REQUIRE_FALSE(parse_goal("lead_time<1h", g));
  s.goals.push_back(g);
  const auto rows = store.compute(kThreeDays);
  CHECK(format_report(Format::kCsv, store, rows, s) ==
        "row,metric,value,unit,status,n,low_n,tier,mean,p90,per_week,failures,total_deployments,rework_deployments,"
        "unrecovered,open,negative,goal,goal_met,since,until\n"
        "overall,deployment_frequency,1,per_day,ok,3,true,,,,7,,,,,,,,,2026-03-01T00:00:00Z,2026-03-04T00:00:00Z\n"
        "overall,lead_time,1,hours,ok,3,true,,1.666667,2.6,,,,,,,0,lead_time<1h,,2026-03-01T00:00:00Z,"
        "2026-03-04T00:00:00Z\n"
        "overall,change_failure_rate,25,percent,ok,4,false,low,,,,1,4,,,,,,,2026-03-01T00:00:00Z,"
        "2026-03-04T00:00:00Z\n"
        "overall,failed_deployment_recovery_time,,hours,insufficient_data,0,false,,,,,,,,1,,0,,,"
        "2026-03-01T00:00:00Z,2026-03-04T00:00:00Z\n"
        "overall,rework_rate,0,percent,ok,4,false,,,,,,4,0,,,,,,2026-03-01T00:00:00Z,2026-03-04T00:00:00Z\n"
        "overall,time_to_restore,,hours,insufficient_data,0,false,,,,,,,,,0,,,,2026-03-01T00:00:00Z,"
        "2026-03-04T00:00:00Z\n");
  CHECK(format_report(Format::kTable, store, rows, s) ==
        R"(DORA metrics, 2026-03-01T00:00:00Z to 2026-03-04T00:00:00Z (3d)

all
  metric                         value       n  tier    detail
  deployment frequency         1.0/day       3* -       7.0/week
  lead time (median)             1.0 h       3* -       mean 1.7 h, p90 2.6 h, goal lead_time<1h: too few samples
  change failure rate           25.0 %       4  low     1 of 4 deployments failed
  recovery time (median)             -       0  -       insufficient data, 1 unrecovered
  rework rate                    0.0 %       4  -       0 of 4 unplanned
  time to restore (median)           -       0  -       insufficient data, 0 open

* n below 4 (--min-samples): too few samples to rate, so no tier and no goal judged
)");
  // With enough samples the goal is judged and missed.
  s.min_samples = 3;
  const std::string table = format_report(Format::kTable, store, rows, s);
  CHECK(table.find("! lead time (median)             1.0 h       3  elite   mean 1.7 h, p90 2.6 h, MISSED goal "
                   "lead_time<1h\n") != std::string::npos);
  CHECK(table.find("--min-samples") == std::string::npos);
}

TEST_CASE("ndjson and json: low_n after n, the threshold in the document") {
  EventStore store = test::three_days();
  ReportSettings s;
  s.window = kThreeDays;
  const auto rows = store.compute(kThreeDays);
  std::string out = format_report(Format::kNdjson, store, rows, s);
  CHECK(out.find(R"({"metric":"change_failure_rate","value":25,"unit":"percent","status":"ok","n":4,"low_n":true,"failures":1,)") !=
        std::string::npos);
  CHECK(out.find(R"("tier")") == std::string::npos);
  CHECK(out.find(R"("status":"insufficient_data","n":0,"aggregation")") != std::string::npos);
  out = format_report(Format::kJson, store, rows, s);
  CHECK(out.find(R"("days":3,"min_samples":5,)") != std::string::npos);
  s.min_samples = 0;
  CHECK(format_report(Format::kNdjson, store, rows, s).find("low_n") == std::string::npos);
}

TEST_CASE("regression records: alerts with their numbers, notes with the reason") {
  EventStore store = test::three_days();
  const RegressionWindows w{{at("2026-03-03T00:00:00Z"), at("2026-03-04T00:00:00Z")},
                            {at("2026-03-01T00:00:00Z"), at("2026-03-03T00:00:00Z")}};
  const auto checks = find_regressions(store, w, default_thresholds(), 0);
  CHECK(format_regressions(Format::kNdjson, store, checks, w) ==
        R"({"alert":"regression","metric":"lead_time","group":{},"recent":3,"baseline":1,"change_pct":200,"threshold_pct":30,"recent_since":"2026-03-03T00:00:00Z","baseline_since":"2026-03-01T00:00:00Z","until":"2026-03-04T00:00:00Z"}
{"note":"regression_not_checked","metric":"change_failure_rate","group":{},"reason":"baseline value is 0: no relative change","recent_since":"2026-03-03T00:00:00Z","baseline_since":"2026-03-01T00:00:00Z","until":"2026-03-04T00:00:00Z"}
{"note":"regression_not_checked","metric":"failed_deployment_recovery_time","group":{},"reason":"insufficient data in both windows","recent_since":"2026-03-03T00:00:00Z","baseline_since":"2026-03-01T00:00:00Z","until":"2026-03-04T00:00:00Z"}
{"note":"regression_not_checked","metric":"rework_rate","group":{},"reason":"baseline value is 0: no relative change","recent_since":"2026-03-03T00:00:00Z","baseline_since":"2026-03-01T00:00:00Z","until":"2026-03-04T00:00:00Z"}
{"note":"regression_not_checked","metric":"time_to_restore","group":{},"reason":"insufficient data in both windows","recent_since":"2026-03-03T00:00:00Z","baseline_since":"2026-03-01T00:00:00Z","until":"2026-03-04T00:00:00Z"}
)");
  CHECK(format_regressions(Format::kTable, store, checks, w) ==
        "\nregressions: 1d to 2026-03-04T00:00:00Z against the 2d before\n"
        "  ALERT   lead_time, all: 1.0 h -> 3.0 h (+200.0%, threshold +30%)\n"
        "  skipped change_failure_rate, all: baseline value is 0: no relative change\n"
        "  skipped failed_deployment_recovery_time, all: insufficient data in both windows\n"
        "  skipped rework_rate, all: baseline value is 0: no relative change\n"
        "  skipped time_to_restore, all: insufficient data in both windows\n");
  // An acknowledged alert (--alert-state) is a note with its silence.
  auto acked = checks;
  acked[0].acknowledged_at = at("2026-03-04T08:00:00Z");
  acked[0].silenced_until = at("2026-03-05T08:00:00Z");
  acked.resize(1);
  CHECK(format_regressions(Format::kNdjson, store, acked, w) ==
        R"({"note":"regression_suppressed","metric":"lead_time","group":{},"recent":3,"baseline":1,"change_pct":200,"threshold_pct":30,"acknowledged_at":"2026-03-04T08:00:00Z","until":"2026-03-05T08:00:00Z"})"
        "\n");
  CHECK(format_regressions(Format::kTable, store, acked, w) ==
        "\nregressions: 1d to 2026-03-04T00:00:00Z against the 2d before\n"
        "  acked   lead_time, all: 1.0 h -> 3.0 h (+200.0%, threshold +30%), acknowledged 2026-03-04T08:00:00Z, "
        "silenced until 2026-03-05T08:00:00Z\n");
  const RegressionWindows late{{at("2026-03-03T12:00:00Z"), at("2026-03-04T00:00:00Z")},
                               {at("2026-03-02T00:00:00Z"), at("2026-03-03T12:00:00Z")}};
  Thresholds frequency{};
  frequency[0] = 30;
  CHECK(format_regressions(Format::kTable, store, find_regressions(store, late, frequency, 0), late) ==
        "\nregressions: 12h to 2026-03-04T00:00:00Z against the 1d12h before\n"
        "  ALERT   deployment_frequency, all: 1.3/day -> 0.0/day (-100.0%, threshold -30%)\n");
}
