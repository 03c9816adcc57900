// The alert state of --alert-state: --ack's keys in canonical form, the
// file read back as written, a corrupt file refused.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <string>

#include "core/timefmt.hpp"
#include "dora/alert_state.hpp"
#include "unit/scratch.hpp"

using namespace ndj;
using namespace ndj::dora;

TEST_CASE("--ack keys: the overall row, K=V pairs and JSON objects, in one canonical form") {
  AlertKey key;
  REQUIRE_FALSE(parse_alert_key("lead_time", key));
  CHECK(key.metric == Metric::kLeadTime);
  CHECK(key.group == "{}");
  REQUIRE_FALSE(parse_alert_key("lead_time/team=payments,service=api", key));
  CHECK(key.group == R"({"service":"api","team":"payments"})");
  AlertKey json;
  REQUIRE_FALSE(parse_alert_key(R"(lead_time/{ "team": "payments", "service": "api" })", json));
  CHECK(json == key);
  REQUIRE_FALSE(parse_alert_key(R"(time_to_restore/{"team":null,"n":[1, 2]})", key));
  CHECK(key.group == R"({"n":[1,2],"team":null})");
  CHECK(*parse_alert_key("speed", key) == "unknown metric 'speed'");
  CHECK(*parse_alert_key("lead_time/team", key) ==
        "expected METRIC/FIELD=VALUE[,FIELD=VALUE...] or METRIC/{JSON object}, got 'lead_time/team'");
  CHECK(*parse_alert_key("lead_time/team=a,team=b", key) ==
        "group of 'lead_time/team=a,team=b': field 'team' given twice");
  CHECK(parse_alert_key("lead_time/{team}", key)->starts_with("group of 'lead_time/{team}': "));
}

TEST_CASE("the state file: written 0600, read back; a corrupt one is an error") {
  test::TempDir dir;
  const std::string path = dir.path("state.json");
  CHECK(load_alert_state(path).fired.empty());  // none yet
  AlertState s;
  const TimeNs t1 = *parse_rfc3339("2026-03-29T00:00:00Z"), t2 = *parse_rfc3339("2026-03-30T00:00:00Z");
  const AlertKey lead{Metric::kLeadTime, R"({"team":"payments"})"};
  s.fire(lead, t1);
  s.fire(lead, t2);
  s.acknowledge({Metric::kTimeToRestore, "{}"}, t1);
  save_alert_state(path, s);
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  AlertState back = load_alert_state(path);
  REQUIRE(back.fired.size() == 1);
  CHECK(back.fired[0].key == lead);
  CHECK(back.fired[0].first == t1);
  CHECK(back.fired[0].last == t2);
  REQUIRE(back.acks.size() == 1);
  CHECK(back.ack_of({Metric::kTimeToRestore, "{}"})->at == t1);
  CHECK_FALSE(back.ack_of(lead));

  for (const char* bad : {"{", R"({"version":1})",
                          R"({"version":1,"alerts":[{"metric":"speed","group":{}}],"acks":[]})",
                          R"({"version":1,"alerts":[],"acks":[{"metric":"lead_time","group":{}}]})"}) {
    test::append(dir.path("bad.json"), bad);
    CHECK_THROWS_WITH(load_alert_state(dir.path("bad.json")), Catch::Contains("corrupt alert state file"));
    std::remove(dir.path("bad.json").c_str());
  }
}
