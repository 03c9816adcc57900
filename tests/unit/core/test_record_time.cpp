// Timestamps: the value reader (RFC 3339 strings, epoch numbers) and the
// lookup over several fields.
#include <catch2/catch.hpp>

#include <string>

#include "json/json.hpp"
#include "core/record_time.hpp"

using namespace ndj;

namespace {
RecordTime::Result lookup(const RecordTime& rt, const std::string& json, TimeNs& t) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root = parser.parse(padded).value();
  return rt.find(root, t);
}
}  // namespace

TEST_CASE("RecordTime takes the first present field") {
  RecordTime rt{TimeFieldOptions{}};
  TimeNs t = 0;
  CHECK(lookup(rt, R"({"time":"2026-11-22T10:00:00Z","ts":"2026-11-22T11:00:00+01:00"})", t) ==
        RecordTime::Result::kFound);
  CHECK(t == *parse_rfc3339("2026-11-22T10:00:00Z"));
  CHECK(lookup(rt, R"({"timestamp":"2026-01-01T00:00:00Z"})", t) == RecordTime::Result::kFound);
  CHECK(lookup(rt, R"({"ts":"soon","time":"2026-01-01T00:00:00Z"})", t) == RecordTime::Result::kUnparseable);
  CHECK(lookup(rt, R"({"ts":null})", t) == RecordTime::Result::kUnparseable);
  CHECK(lookup(rt, R"({"other":1})", t) == RecordTime::Result::kMissing);
  CHECK(lookup(rt, R"([1,2])", t) == RecordTime::Result::kMissing);
  CHECK(lookup(rt, R"({"ts":1700000000})", t) == RecordTime::Result::kNeedsEpoch);
}

TEST_CASE("RecordTime reads epoch numbers only in the given unit") {
  TimeFieldOptions o;
  o.names = {"t"};
  o.epoch = EpochUnit::kMillis;
  RecordTime rt{o};
  TimeNs t = 0;
  REQUIRE(lookup(rt, R"({"t":1500})", t) == RecordTime::Result::kFound);
  CHECK(t == 1'500'000'000);
  REQUIRE(lookup(rt, R"({"t":1.5})", t) == RecordTime::Result::kFound);
  CHECK(t == 1'500'000);
  CHECK(lookup(rt, R"({"t":"2026-11-22T10:00:00Z"})", t) == RecordTime::Result::kFound);
  CHECK(lookup(rt, R"({"t":true})", t) == RecordTime::Result::kUnparseable);
  CHECK(lookup(rt, R"({"t":1e300})", t) == RecordTime::Result::kUnparseable);
  CHECK(rt.field_list() == "t");
}

TEST_CASE("read_time_value tells what a value holds") {
  simdjson::dom::parser parser;
  auto read = [&](const char* json, std::optional<EpochUnit> epoch, TimeNs& t) {
    simdjson::padded_string padded{std::string(json)};
    return read_time_value(parser.parse(padded).value(), epoch, t);
  };
  TimeNs t = 0;
  CHECK(read(R"("2026-11-22T10:00:00Z")", std::nullopt, t) == TimeValue::kTime);
  CHECK(t == *parse_rfc3339("2026-11-22T10:00:00Z"));
  CHECK(read(R"("yesterday")", EpochUnit::kSeconds, t) == TimeValue::kBadText);
  CHECK(read("1700000000", std::nullopt, t) == TimeValue::kNeedsEpoch);
  CHECK(read("18446744073709551615", std::nullopt, t) == TimeValue::kNeedsEpoch);
  REQUIRE(read("1700000000", EpochUnit::kSeconds, t) == TimeValue::kTime);
  CHECK(t == 1'700'000'000 * kNsPerSec);
  REQUIRE(read("2.5", EpochUnit::kMicros, t) == TimeValue::kTime);
  CHECK(t == 2'500);
  CHECK(read("1e300", EpochUnit::kSeconds, t) == TimeValue::kOutOfRange);
  CHECK(read("18446744073709551615", EpochUnit::kSeconds, t) == TimeValue::kOutOfRange);
  for (const char* other : {"null", "true", "[1]", R"({"a":1})"}) {
    INFO(other);
    CHECK(read(other, EpochUnit::kSeconds, t) == TimeValue::kNotTime);
  }
}
