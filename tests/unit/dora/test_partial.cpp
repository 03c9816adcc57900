// Partials (--partial, --merge): the entries of a reader written and read
// back give the store a direct read gives, in any split and order; the
// refusals and data errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/diag.hpp"
#include "core/line_reader.hpp"
#include "dora/partial.hpp"
#include "events.hpp"
#include "json/json.hpp"

using namespace ndj;
using namespace ndj::dora;
using test::at;

namespace {

// Lines linked across any split: changes to deployments by id and by list,
// an incident naming a deployment and one by service only, a failed
// deployment recovered by the next, work units, a repeated id, a
// deployment without an id listing its change, array group values.
const std::vector<std::string> kLines = {
    R"({"type":"deployment","id":"d1","time":"2026-03-01T10:00:00Z","service":"api","team":"a","changes":["c0"]})",
    R"({"type":"change","id":"c0","time":"2026-03-01T08:00:00Z"})",
    R"({"type":"change","id":"c1","time":"2026-03-01T09:00:00Z","deployment_id":"d1"})",
    R"({"type":"deployment","id":"d2","time":"2026-03-02T10:00:00Z","service":"api","team":["a","b"],"status":"failure"})",
    R"({"type":"deployment","id":"d3","time":"2026-03-02T16:00:00Z","service":"api","team":"b"})",
    R"({"type":"incident","id":"i1","time":"2026-03-02T11:00:00Z","resolved_at":"2026-03-02T13:00:00Z","deployment_id":"d3"})",
    R"({"type":"incident","id":"i2","time":"2026-03-02T17:00:00Z","service":"api"})",
    R"({"type":"deployment","id":"d1","time":"2026-03-03T10:00:00Z","service":"web","team":"c"})",
    R"({"type":"deployment","time":"2026-03-03T12:00:00Z","service":"web","changes":["c9"]})",
    R"({"type":"change","id":"c9","time":"2026-03-03T11:00:00Z"})",
    R"({"type":"change","id":"c9","time":"2026-03-03T10:30:00Z"})",
    R"({"type":"change","time":"2026-03-03T06:00:00Z","deployed_at":"2026-03-03T07:00:00Z","team":"c"})",
    R"({"type":"deployment","id":"d0","time":"2026-01-20T10:00:00Z","service":"api","team":"z"})",
    R"({"type":"incident","id":"i0","time":"2026-03-01T01:00:00Z","resolved_at":"2026-03-01T02:00:00Z","deployment_id":"d0"})",
};

Schema grouped() {
  Schema s;
  s.group_by = {"team"};
  return s;
}

// The overall and group rows of a store, as text to compare.
std::string rows_text(EventStore& store, Window w) {
  store.resolve();
  std::string out;
  for (const auto& m : store.compute(w)) {
    out += std::string(m.group == kOverall ? "all" : "group") + ":" + std::to_string(m.total_deployments) + "," +
           std::to_string(m.successful_deployments) + "," + std::to_string(m.failed_deployments) + "," +
           std::to_string(m.lead_time.n) + "," + std::to_string(m.lead_time.median) + "," +
           std::to_string(m.recovery.n) + "," + std::to_string(m.recovery.median) + "," +
           std::to_string(m.restore.n) + "," + std::to_string(m.open_incidents) + "," +
           std::to_string(m.unrecovered) + ";";
    if (m.group != kOverall)
      for (const auto& v : store.group(m.group)) out += v.json + "|";
  }
  out += " records " + std::to_string(store.input().records) + " events " + std::to_string(store.input().events);
  return out;
}

// The partial of `lines` read with `plan`.
std::string partial_of(const std::vector<std::string>& lines, const PartialPlan& plan) {
  EventStore reader_store(*plan.schema, plan.keep_from, plan.as_of, plan.window_since);
  IntakeBatch batch;
  EventReader reader = reader_store.event_reader();
  JsonParser parser;
  for (const auto& line : lines) {
    std::string padded = line + std::string(kLinePadding, ' ');
    REQUIRE(parser.parse(std::string_view(padded.data(), line.size())) == nullptr);
    REQUIRE_FALSE(reader.read(parser.root(), batch));
  }
  PartialWriter writer(plan);
  writer.add(batch);
  std::string out;
  writer.finish([&](std::string_view piece) { out.append(piece); });
  return out;
}

}  // namespace

TEST_CASE("a merge of partials of any split and order is the store of all the records") {
  const Schema schema = grouped();
  const PartialPlan plan{&schema, at("2026-01-01T00:00:00Z"), at("2026-03-04T00:00:00Z"), at("2026-03-01T00:00:00Z")};
  const Window w{at("2026-03-01T00:00:00Z"), at("2026-03-04T00:00:00Z")};
  EventStore direct(schema, plan.keep_from, plan.as_of, plan.window_since);
  test::feed(direct, kLines);
  const std::string want = rows_text(direct, w);
  std::mt19937 rng(28);
  for (int round = 0; round < 50; ++round) {
    // Each line to one of 4 parts; the parts merged in a random order.
    std::vector<std::vector<std::string>> parts(4);
    for (const auto& line : kLines) parts[rng() % 4].push_back(line);
    std::shuffle(parts.begin(), parts.end(), rng);
    std::string all;
    for (const auto& p : parts) all += partial_of(p, plan);
    EventStore merged(schema, plan.keep_from, plan.as_of, plan.window_since);
    read_partials(all, "parts", plan, [&](const IntakeBatch& b) { merged.insert(b); });
    INFO("round " << round);
    CHECK(rows_text(merged, w) == want);
  }
}

TEST_CASE("a partial that kept more serves a merge that needs less, as a reader would") {
  for (const Schema& schema : {Schema{}, grouped()}) {
    const PartialPlan wide{&schema, at("2026-01-01T00:00:00Z"), at("2026-03-04T00:00:00Z"), at("2026-03-01T00:00:00Z")};
    PartialPlan narrow = wide;
    narrow.keep_from = at("2026-03-01T00:00:00Z");
    EventStore direct(schema, narrow.keep_from, narrow.as_of, narrow.window_since);
    test::feed(direct, kLines);
    EventStore merged(schema, narrow.keep_from, narrow.as_of, narrow.window_since);
    read_partials(partial_of(kLines, wide), "p", narrow, [&](const IntakeBatch& b) { merged.insert(b); });
    const Window w{narrow.window_since, narrow.as_of};
    CHECK(rows_text(merged, w) == rows_text(direct, w));
  }
}

TEST_CASE("a merge refuses partials made with other settings, and damaged ones") {
  const Schema schema = grouped();
  const PartialPlan plan{&schema, at("2026-02-01T00:00:00Z"), at("2026-03-04T00:00:00Z"), at("2026-03-01T00:00:00Z")};
  const std::string p = partial_of(kLines, plan);
  auto code_of = [&](std::string_view bytes, const PartialPlan& want) {
    try {
      read_partials(bytes, "p", want, [](const IntakeBatch&) {});
    } catch (const Error& e) {
      return e.code();
    }
    return 0;
  };
  CHECK(code_of(p, plan) == 0);
  Schema other = schema;
  other.group_by = {"service"};
  CHECK(code_of(p, {&other, plan.keep_from, plan.as_of, plan.window_since}) == kExitUsage);
  other = schema;
  other.failure_window = kNsPerHour;
  CHECK(code_of(p, {&other, plan.keep_from, plan.as_of, plan.window_since}) == kExitUsage);
  other = schema;
  other.defs.rework_when.push_back({"hotfix", {"true"}});
  CHECK(code_of(p, {&other, plan.keep_from, plan.as_of, plan.window_since}) == kExitUsage);
  CHECK(code_of(p, {&schema, plan.keep_from, plan.as_of + kNsPerDay, plan.window_since}) == kExitUsage);
  CHECK(code_of(p, {&schema, plan.keep_from - kNsPerDay, plan.as_of, plan.window_since}) == kExitUsage);
  CHECK(code_of(p, {&schema, plan.keep_from + kNsPerDay, plan.as_of, plan.window_since}) == 0);
  for (size_t cut = 0; cut < p.size(); cut += 7) {
    INFO("cut at " << cut);
    CHECK(code_of(std::string_view(p).substr(0, cut), plan) == kExitDataError);
  }
  const size_t body = p.find('\n') + 1;
  for (size_t i = body; i < p.size(); ++i) {
    std::string flipped = p;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x10);
    INFO("byte " << i);
    CHECK(code_of(flipped, plan) == kExitDataError);
  }
  CHECK(code_of("{\"ndj_dora_partial\":2}\n", plan) == kExitDataError);
  CHECK(code_of("{\"type\":\"deployment\"}\n", plan) == kExitDataError);
}
