// The board: states and field mapping, events sorted per WU, events before
// the creation left out, time in each state; the dependency reports on a
// diamond and a cycle.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "flow/flow.hpp"
#include "flow/flow_reports.hpp"

using namespace ndj;
using namespace ndj::flow;

namespace {

struct Fixture {
  Schema schema;
  std::vector<std::string> reported;
  std::vector<std::string> bad;
  simdjson::dom::parser parser;

  Fixture() { REQUIRE_FALSE(parse_states(kDefaultStates, schema.states)); }

  void load(Board& board, const std::vector<std::string>& lines) {
    for (size_t i = 0; i < lines.size(); ++i) {
      auto why = board.add(parser.parse(lines[i]).value(), "in", i + 1);
      if (why) bad.push_back(std::to_string(i + 1) + ": " + *why);
    }
    board.resolve([&](const std::string& f, uint64_t line, const std::string& why) {
      reported.push_back(f + ":" + std::to_string(line) + ": " + why);
    });
  }
};

std::string ev(std::string_view t, std::string_view event, std::string_view id, std::string_view extra = "") {
  std::string s = "{\"timestamp\":\"2026-03-";
  s.append(t).append(":00Z\",\"event\":\"").append(event).append("\",\"wuId\":\"").append(id);
  s.append("\",\"lane\":\"L\"").append(extra).append("}");
  return s;
}

const WorkUnit& unit(const Board& b, const std::string& id) {
  for (const WorkUnit& w : b.units())
    if (w.id == id) return w;
  FAIL("no unit " << id);
  return b.units().front();
}

constexpr TimeNs kDay = 86400 * kNsPerSec;

}  // namespace

TEST_CASE("--states: names per state, ignore, the creation event, errors", "[flow]") {
  StateMap m;
  REQUIRE_FALSE(parse_states("ready=new,back;active=go;done=end;ignore=noise", m));
  CHECK(m.creation == "new");
  CHECK(m.by_event.at("back") == static_cast<int>(State::kReady));
  CHECK(m.by_event.at("noise") == -1);
  CHECK(parse_states("active=a", m) == std::string("--states: no event for done"));
  CHECK(parse_states("ready=a;active=a;done=b", m) == std::string("--states: event 'a' is given twice"));
  CHECK(parse_states("later=a", m).value().find("expected ready") != std::string::npos);
  CHECK(parse_states("active", m).value().find("expected STATE=EVENT") != std::string::npos);
}

TEST_CASE("--map replaces a name's fields; the defaults read reference 000's flow.log", "[flow]") {
  FieldMap f = default_fields();
  REQUIRE(f.id.size() == 3);
  CHECK(f.id[0].text() == "wuId");
  REQUIRE_FALSE(add_map(f, "id=issue.key,key"));
  REQUIRE(f.id.size() == 2);
  CHECK(f.id[0].text() == "issue.key");
  CHECK(add_map(f, "colour=x"));
  CHECK(add_map(f, "lane="));
  CHECK(add_map(f, "lane=a,,b"));
}

TEST_CASE("events are sorted per WU; time in each state runs from the claim", "[flow]") {
  Fixture fx;
  Board board(fx.schema, *parse_rfc3339("2026-03-20T00:00:00Z"));
  fx.load(board, {ev("05T00:00", "wu:done", "A"), ev("01T00:00", "wu:create", "A"), ev("02T00:00", "wu:claim", "A"),
                  ev("03T00:00", "wu:block", "A"), ev("04T00:00", "wu:unblock", "A"),
                  ev("02T00:00", "wu:claim", "B"), ev("25T00:00", "wu:done", "B")});
  CHECK(fx.bad.empty());
  CHECK(fx.reported.empty());
  const WorkUnit& a = unit(board, "A");
  CHECK(a.state == State::kDone);
  CHECK(*a.claimed == *parse_rfc3339("2026-03-02T00:00:00Z"));
  CHECK(*a.done == *parse_rfc3339("2026-03-05T00:00:00Z"));
  CHECK(a.in_state[static_cast<size_t>(State::kActive)] == 2 * kDay);
  CHECK(a.in_state[static_cast<size_t>(State::kBlocked)] == kDay);
  // After --as-of: left out, so B is still active, 18 days in.
  const WorkUnit& b = unit(board, "B");
  CHECK(b.state == State::kActive);
  CHECK(b.in_state[static_cast<size_t>(State::kActive)] == 18 * kDay);
}

TEST_CASE("an event before its WU's creation is reported and left out", "[flow]") {
  Fixture fx;
  Board board(fx.schema, *parse_rfc3339("2026-03-20T00:00:00Z"));
  fx.load(board, {ev("05T00:00", "wu:create", "A"), ev("04T00:00", "wu:claim", "A"), ev("06T00:00", "wu:claim", "A"),
                  ev("06T00:00", "wu:merge", "A"), R"({"event":"wu:done","wuId":"A"})"});
  REQUIRE(fx.reported.size() == 1);
  CHECK(fx.reported[0] == "in:2: active event of A before its creation at 2026-03-05T00:00:00Z: left out");
  CHECK(fx.bad == std::vector<std::string>{"4: unknown event 'wu:merge' (see --states)",
                                           "5: no time (timestamp, ts, time)"});
  CHECK(*unit(board, "A").claimed == *parse_rfc3339("2026-03-06T00:00:00Z"));
}

TEST_CASE("critical path: a diamond counts each dependent once, a cycle is found and ends", "[flow]") {
  Fixture fx;
  Board board(fx.schema, *parse_rfc3339("2026-03-20T00:00:00Z"));
  fx.load(board, {ev("01T00:00", "wu:claim", "A", ",\"estimate\":2"),
                  ev("01T00:00", "wu:create", "B", ",\"depends_on\":[\"A\"],\"estimate\":1"),
                  ev("01T00:00", "wu:create", "C", ",\"depends_on\":[\"A\"],\"estimate\":4"),
                  ev("01T00:00", "wu:create", "D", ",\"depends_on\":\"B,C\",\"estimate\":1"),
                  ev("01T00:00", "wu:create", "X", ",\"depends_on\":[\"Z\"]"),
                  ev("01T00:00", "wu:create", "Y", ",\"depends_on\":[\"X\"]"),
                  ev("01T00:00", "wu:create", "Z", ",\"depends_on\":[\"Y\"]"),
                  ev("01T00:00", "wu:create", "S", ",\"depends_on\":[\"S\"]")});
  REQUIRE(fx.bad.empty());
  ReportOptions o;
  FlowReports reports(board, o);
  const auto tables = reports.tables(Report::kCriticalPath);
  REQUIRE(tables.size() == 3);
  const Table& paths = tables[0];
  REQUIRE_FALSE(paths.rows.empty());
  CHECK(paths.rows[0][0].text == "A");
  CHECK(paths.rows[0][3].json == "3");  // B, C, D: D once
  CHECK(paths.rows[0][4].json == "2");
  const Table& chain = tables[1];
  REQUIRE(chain.rows.size() == 3);
  CHECK(chain.rows[1][1].text == "C");
  CHECK(chain.rows[2][5].json == "7");  // 2 + 4 + 1
  const Table& cycles = tables[2];
  REQUIRE(cycles.rows.size() == 2);
  CHECK(cycles.rows[0][2].json == R"(["S"])");
  CHECK(cycles.rows[1][2].json == R"(["X","Y","Z"])");
  // blocked: the roots of D are A (B and C wait on it); X waits on the cycle.
  const Table blocked = reports.tables(Report::kBlocked)[0];
  for (const auto& row : blocked.rows) {
    if (row[0].text == "D") CHECK(row[7].json == R"(["A"])");
    if (row[0].text == "X") CHECK(row[7].json == "[]");
  }
}

TEST_CASE("a long dependency chain is walked without recursion", "[flow]") {
  Fixture fx;
  Board board(fx.schema, *parse_rfc3339("2026-03-20T00:00:00Z"));
  std::vector<std::string> lines{ev("01T00:00", "wu:claim", "W0")};
  for (int i = 1; i < 200000; ++i) {
    std::string id = "W", deps = ",\"depends_on\":[\"W";
    id.append(std::to_string(i));
    deps.append(std::to_string(i - 1)).append("\"]");
    lines.push_back(ev("01T00:00", "wu:create", id, deps));
  }
  fx.load(board, lines);
  ReportOptions o;
  o.top = 1;
  FlowReports reports(board, o);
  const auto tables = reports.tables(Report::kCriticalPath);
  CHECK(tables[0].rows[0][3].json == "199999");
  CHECK(tables[1].rows.size() == 200000);
  const Table blocked = reports.tables(Report::kBlocked)[0];
  REQUIRE(blocked.rows.size() == 199999);
  CHECK(blocked.rows.back()[7].json == R"(["W0"])");
}

TEST_CASE("a WU blocked by an event, waiting on nothing, is the root of what waits on it", "[flow]") {
  Fixture fx;
  Board board(fx.schema, *parse_rfc3339("2026-03-20T00:00:00Z"));
  fx.load(board, {ev("01T00:00", "wu:block", "A"), ev("02T00:00", "wu:create", "B", ",\"depends_on\":[\"A\"]"),
                  ev("03T00:00", "wu:create", "C", ",\"depends_on\":[\"B\"]")});
  ReportOptions o;
  FlowReports reports(board, o);
  const Table blocked = reports.tables(Report::kBlocked)[0];
  REQUIRE(blocked.rows.size() == 3);
  for (const auto& row : blocked.rows) CHECK(row[7].json == (row[0].text == "A" ? "[]" : R"(["A"])"));
  Findings f = reports.findings();
  CHECK(f.blocked == 3);
}
