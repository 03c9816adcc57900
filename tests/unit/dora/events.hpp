// Helpers of the lib/dora unit tests: times, and an EventStore fed NDJSON lines.
#pragma once
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/line_reader.hpp"
#include "core/timefmt.hpp"
#include "dora/dora.hpp"
#include "json/json.hpp"

namespace ndj::dora::test {

inline TimeNs at(const char* s) { return *parse_rfc3339(s); }

// Feeds NDJSON lines to a store; returns the reasons of bad records.
inline std::vector<std::string> feed(EventStore& store, const std::vector<std::string>& lines) {
  JsonParser parser;
  std::vector<std::string> bad;
  for (const auto& line : lines) {
    std::string padded = line + std::string(kLinePadding, ' ');
    REQUIRE(parser.parse(std::string_view(padded.data(), line.size())) == nullptr);
    if (auto why = store.add(parser.root())) bad.push_back(*why);
  }
  return bad;
}

// Three days of one service, resolved: a deployment a day with a change
// (lead time 1h, 1h, then 3h), and a failed one on the third day.
inline EventStore three_days() {
  EventStore store(Schema{}, at("2026-03-01T00:00:00Z"), at("2026-03-04T00:00:00Z"));
  REQUIRE(feed(store, {
              R"({"type":"deployment","id":"d1","time":"2026-03-01T10:00:00Z","service":"api"})",
              R"({"type":"change","id":"c1","time":"2026-03-01T09:00:00Z","deployment_id":"d1"})",
              R"({"type":"deployment","id":"d2","time":"2026-03-02T10:00:00Z","service":"api"})",
              R"({"type":"change","id":"c2","time":"2026-03-02T09:00:00Z","deployment_id":"d2"})",
              R"({"type":"deployment","id":"d3","time":"2026-03-03T10:00:00Z","service":"api"})",
              R"({"type":"change","id":"c3","time":"2026-03-03T07:00:00Z","deployment_id":"d3"})",
              R"({"type":"deployment","id":"d4","time":"2026-03-03T11:00:00Z","service":"api","status":"failure"})",
          }).empty());
  store.resolve();
  return store;
}

}  // namespace ndj::dora::test
