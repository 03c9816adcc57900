// Definitions sets: the built-in ones, files, the input mapping they carry,
// and what each choice changes in the store's numbers.
#include <catch2/catch.hpp>

#include <string>

#include "dora/definitions.hpp"
#include "events.hpp"

using namespace ndj;
using namespace ndj::dora;

using test::at;
using test::feed;

TEST_CASE("the built-in sets are read by the file reader, dora being the defaults") {
  for (const auto& name : definition_set_names()) {
    Schema s;
    REQUIRE_FALSE(load_definitions(name, s));
    CHECK(s.defs.name == name);
  }
  Schema dora, commits, ledger;
  REQUIRE_FALSE(load_definitions("dora", dora));
  REQUIRE_FALSE(load_definitions("commits", commits));
  REQUIRE_FALSE(load_definitions("ledger", ledger));
  const Definitions defaults;
  CHECK(dora.defs.rework_when.size() == defaults.rework_when.size());
  CHECK_FALSE(dora.defs.all_deployments);
  CHECK(commits.defs.all_deployments);
  CHECK(commits.defs.lead_from_work_units);
  CHECK_FALSE(commits.defs.lead_from_changes);
  CHECK(commits.defs.recovery_from_emergency_pairs);
  CHECK(commits.defs.rework_counts_changes);
  CHECK(commits.defs.frequency_per_week);
  CHECK(ledger.defs.linked_within_window);
  CHECK_FALSE(ledger.defs.service_incidents);
  CHECK(ledger.defs.lead_from_deployments);
  CHECK(ledger.defs.rate_as_fraction);
}

TEST_CASE("a definitions document starts from its base; its mapping goes through --map's checks") {
  Schema s;
  REQUIRE_FALSE(parse_definitions(R"({"base":"ledger","name":"mine","rate":"percent",
      "input":{"map":{"incident.time":"opened_at","type":["type","event"]},
               "status_values":{"success":["ok","fine"]}}})",
                                  s));
  CHECK(s.defs.name == "mine");
  CHECK(s.defs.linked_within_window);
  CHECK_FALSE(s.defs.rate_as_fraction);
  CHECK(s.input_names(EventType::kIncident, "time") == std::vector<std::string>{"opened_at"});
  CHECK(s.input_names(EventType::kDeployment, "time") == std::vector<std::string>{"time"});
  CHECK(s.input_names(EventType::kOther, "type") == std::vector<std::string>{"type", "event"});
  CHECK(s.status_values.size() == 2);
  Schema bad;
  CHECK(*parse_definitions(R"({"base":"ledger","base":"commits"})", bad) != "");
  CHECK(*parse_definitions(R"({"input":{"map":{"deployment.type":"kind"}}})", bad) ==
        "\"input\": \"map\": --map: the type field is one for all records, not 'deployment.type'");
}

TEST_CASE("ledger: a linked incident fails its deployment only within the failure window") {
  Schema s;
  REQUIRE_FALSE(load_definitions("ledger", s));
  EventStore store(s, at("2026-03-01T00:00:00Z"), at("2026-03-10T00:00:00Z"));
  REQUIRE(feed(store, {
              R"({"type":"deployment","id":"d1","time":"2026-03-02T10:00:00Z","started_at":"2026-03-01T10:00:00Z"})",
              R"({"type":"deployment","id":"d2","time":"2026-03-03T10:00:00Z","status":"failure","started_at":"2026-03-03T09:00:00Z"})",
              R"({"type":"incident","time":"2026-03-02T20:00:00Z","resolved_at":"2026-03-02T21:00:00Z","deployment_id":"d1"})",
              R"({"type":"incident","time":"2026-03-05T10:00:00Z","resolved_at":"2026-03-05T11:00:00Z","deployment_id":"d2"})",
          }).empty());
  store.resolve();
  auto rows = store.compute({at("2026-03-01T00:00:00Z"), at("2026-03-10T00:00:00Z")});
  CHECK(rows[0].failed_deployments == 2);  // d1: 10h after; d2: its status
  CHECK(rows[0].lead_time.n == 1);         // d1's 24h: d2 did not succeed
  CHECK(rows[0].lead_time.median == 24);
  Schema late;
  REQUIRE_FALSE(load_definitions("ledger", late));
  late.failure_window = 6 * kNsPerHour;
  EventStore narrow(late, at("2026-03-01T00:00:00Z"), at("2026-03-10T00:00:00Z"));
  feed(narrow, {R"({"type":"deployment","id":"d1","time":"2026-03-02T10:00:00Z"})",
                R"({"type":"incident","time":"2026-03-02T20:00:00Z","deployment_id":"d1"})"});
  narrow.resolve();
  CHECK(narrow.compute({at("2026-03-01T00:00:00Z"), at("2026-03-10T00:00:00Z")})[0].failed_deployments == 0);
}

TEST_CASE("commits: every deployment, emergency pairs, rework changes, work units") {
  Schema s;
  REQUIRE_FALSE(load_definitions("commits", s));
  s.type_values = {{"claim", EventType::kWorkStart}, {"done", EventType::kWorkEnd}};
  EventStore store(s, at("2026-03-01T00:00:00Z"), at("2026-03-10T00:00:00Z"));
  REQUIRE(feed(store, {
              R"({"type":"deployment","id":"a","time":"2026-03-02T10:00:00Z","status":"rolled_back"})",
              R"({"type":"deployment","id":"b","time":"2026-03-02T12:00:00Z","change_type":"emergency"})",
              R"({"type":"deployment","id":"c","time":"2026-03-02T13:30:00Z","change_type":"emergency"})",
              R"({"type":"deployment","id":"d","time":"2026-03-03T10:00:00Z","change_type":"emergency"})",
              R"({"type":"change","id":"x","time":"2026-03-02T09:00:00Z","deployment_id":"a","revert":true})",
              R"({"type":"change","id":"y","time":"2026-03-02T11:00:00Z","deployment_id":"b","hotfix":false})",
              R"({"type":"claim","id":"WU-1","time":"2026-03-01T09:00:00Z"})",
              R"({"type":"claim","id":"WU-1","time":"2026-03-01T11:00:00Z"})",
              R"({"type":"done","id":"WU-1","time":"2026-03-01T15:00:00Z"})",
              R"({"type":"done","id":"WU-2","time":"2026-03-01T15:00:00Z"})",
              R"({"type":"done","time":"2026-03-01T16:00:00Z"})",
          }) == std::vector<std::string>{"work_end: missing \"id\""});
  store.resolve();
  auto all = store.compute({at("2026-03-01T00:00:00Z"), at("2026-03-10T00:00:00Z")})[0];
  CHECK(all.successful_deployments == 4);  // counted: all of them
  CHECK(all.rework_deployments == 1);      // x, a revert
  CHECK(all.recovery.n == 1);              // b to c
  CHECK(all.recovery.median == 1.5);
  CHECK(all.unrecovered == 1);             // d, alone
  CHECK(all.lead_time.n == 1);             // WU-1, from its first claim
  CHECK(all.lead_time.median == 6);
  CHECK(store.unpaired_work_ends() == 1);  // WU-2
}

TEST_CASE("--explain says each choice in words, with the input fields") {
  Schema s;
  REQUIRE_FALSE(parse_definitions(R"({"base":"ledger","input":{"map":{"started_at":"created_at"}}})", s));
  const std::string text = explain_definitions(s);
  CHECK(text.find("definitions: ledger\n") == 0);
  CHECK(text.find("its time minus its created_at") != std::string::npos);
  CHECK(text.find("as a fraction") != std::string::npos);
  CHECK(text.find("opened within 1d after it") != std::string::npos);
}
