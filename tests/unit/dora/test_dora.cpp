// DORA metrics library: summaries of durations, tiers, the event store over several
// windows, and the mapped array it keeps events in.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "dora/dora.hpp"
#include "dora/dora_report.hpp"
#include "json/json.hpp"
#include "core/line_reader.hpp"
#include "dora/mapped_array.hpp"
#include "events.hpp"

using namespace ndj;
using namespace ndj::dora;

using test::at;
using test::feed;

namespace {

std::vector<int64_t> hours(std::initializer_list<int64_t> h) {
  std::vector<int64_t> v;
  for (int64_t x : h) v.push_back(x * kNsPerHour);
  return v;
}

}  // namespace

TEST_CASE("summarize_hours gives median, mean and p90 in hours") {
  auto v = hours({24, 1, 6, 2, 1});
  Distribution d = summarize_hours(v);
  CHECK(d.n == 5);
  CHECK(d.median == 2);
  CHECK(d.mean == Approx(6.8));
  CHECK(d.p90 == Approx(16.8));
  std::vector<int64_t> none;
  CHECK(summarize_hours(none).n == 0);
}

TEST_CASE("summarize_hours on large samples equals sorting them") {
  // From 65536 values on, the percentiles come from a histogram of the
  // values: they must be exactly those of the sorted values.
  std::mt19937_64 rng(7);
  auto reference = [](std::vector<int64_t> v, int percent) {
    std::sort(v.begin(), v.end());
    const uint64_t scaled = static_cast<uint64_t>(percent) * (v.size() - 1);
    const double frac = static_cast<double>(scaled % 100) / 100.0, x = static_cast<double>(v[scaled / 100]);
    return (frac == 0 ? x : x + frac * (static_cast<double>(v[scaled / 100 + 1]) - x)) / static_cast<double>(kNsPerHour);
  };
  std::vector<std::function<int64_t()>> shapes{
      [&] { return static_cast<int64_t>(rng() % (400 * kNsPerHour)); },                   // uniform
      [&] { return static_cast<int64_t>(rng() % 5) * kNsPerHour; },                         // few distinct
      [&] { return rng() % 1000 == 0 ? INT64_MAX / 2 : static_cast<int64_t>(rng() % 1000); },  // far outliers
      [&] { return static_cast<int64_t>(rng() % 2000) - 1000; },                            // negative too
      [&] { return rng() % 2 ? INT64_MIN : INT64_MAX; }};                                    // the extremes
  for (size_t shape = 0; shape < shapes.size(); ++shape) {
    for (size_t n : {size_t{65536}, size_t{65537}, size_t{100003}, size_t{262144}}) {
      std::vector<int64_t> v(n);
      for (auto& x : v) x = shapes[shape]();
      INFO("shape " << shape << " n " << n);
      std::vector<int64_t> work = v;
      Distribution d = summarize_hours(work);
      CHECK(d.median == reference(v, 50));
      CHECK(d.p90 == reference(v, 90));
    }
  }
}

TEST_CASE("tiers follow the DORA thresholds at their boundaries") {
  CHECK(std::string(tier(Metric::kDeploymentFrequency, 1.0)) == "elite");
  CHECK(std::string(tier(Metric::kDeploymentFrequency, 1.0 / 7)) == "high");
  CHECK(std::string(tier(Metric::kDeploymentFrequency, 4.0 / 28)) == "high");
  CHECK(std::string(tier(Metric::kDeploymentFrequency, 1.0 / 30)) == "medium");
  CHECK(std::string(tier(Metric::kDeploymentFrequency, 0)) == "low");
  CHECK(std::string(tier(Metric::kLeadTime, 23.99)) == "elite");
  CHECK(std::string(tier(Metric::kLeadTime, 24)) == "high");
  CHECK(std::string(tier(Metric::kLeadTime, 24 * 7)) == "medium");
  CHECK(std::string(tier(Metric::kLeadTime, 24 * 30)) == "low");
  CHECK(std::string(tier(Metric::kRecoveryTime, 0.5)) == "elite");
  CHECK(std::string(tier(Metric::kRecoveryTime, 1)) == "high");
  CHECK(std::string(tier(Metric::kRecoveryTime, 24)) == "medium");
  CHECK(std::string(tier(Metric::kRecoveryTime, 24 * 7)) == "low");
  CHECK(std::string(tier(Metric::kChangeFailureRate, 5)) == "elite");
  CHECK(std::string(tier(Metric::kChangeFailureRate, 100.0 * 1 / 10)) == "high");
  CHECK(std::string(tier(Metric::kChangeFailureRate, 15)) == "medium");
  CHECK(std::string(tier(Metric::kChangeFailureRate, 15.01)) == "low");
}

TEST_CASE("one resolved store answers for any window") {
  Schema schema;
  schema.group_by = {"team"};
  EventStore store(schema, at("2026-03-01T00:00:00Z"), at("2026-03-03T00:00:00Z"));
  auto bad = feed(store, {
      R"({"type":"change","id":"c1","time":"2026-03-01T08:00:00Z","deployment_id":"d1"})",
      R"({"type":"deployment","id":"d1","time":"2026-03-01T10:00:00Z","service":"api","team":"a"})",
      R"({"type":"deployment","id":"d2","time":"2026-03-02T10:00:00Z","service":"api","team":"b","status":"failure"})",
      R"({"type":"deployment","id":"d3","time":"2026-03-02T13:00:00Z","service":"api","team":"b","changes":["c2"]})",
      R"({"type":"change","id":"c2","time":"2026-03-02T12:00:00Z"})",
      R"({"type":"incident","time":"2026-03-02T14:00:00Z","resolved_at":"2026-03-02T15:00:00Z","service":"api"})",
      R"({"type":"deployment","time":"2026-03-02T11:00:00Z"})",
      R"({"type":"deployment","id":"late","time":"2026-03-04T00:00:00Z","service":"api"})",
      R"({"type":"deployment","service":"api"})",
      R"({"type":"other"})",
  });
  REQUIRE(bad.size() == 1);
  CHECK(bad[0] == "deployment: missing \"time\"");
  store.resolve();

  auto day1 = store.compute({at("2026-03-01T00:00:00Z"), at("2026-03-02T00:00:00Z")});
  REQUIRE(day1.size() == 2);  // overall, team a
  CHECK(day1[0].group == kOverall);
  CHECK(day1[0].successful_deployments == 1);
  CHECK(day1[0].lead_time.n == 1);
  CHECK(day1[0].lead_time.median == 2);
  CHECK(store.group(day1[1].group)[0].text == "a");

  auto day2 = store.compute({at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")});
  REQUIRE(day2.size() == 3);  // overall, team b, team null
  const GroupMetrics& all = day2[0];
  CHECK(all.total_deployments == 3);
  CHECK(all.successful_deployments == 2);
  CHECK(all.failed_deployments == 2);  // d2 by status, d3 by the incident 1h after it
  CHECK(all.recovery.n == 2);          // d2 -> d3 3h; d3 -> incident resolved 2h
  CHECK(all.recovery.median == 2.5);
  CHECK(all.lead_time.median == 1);
  CHECK(all.restore.n == 1);
  CHECK(store.group(day2[1].group)[0].text == "b");
  CHECK(day2[1].restore.n == 1);  // the incident without a team takes d3's
  CHECK_FALSE(store.group(day2[2].group)[0].present);
  CHECK(day2[2].restore.n == 0);

  auto both = store.compute({at("2026-03-01T00:00:00Z"), at("2026-03-03T00:00:00Z")});
  CHECK(both[0].total_deployments == day1[0].total_deployments + day2[0].total_deployments);
  CHECK(both[0].lead_time.n == 2);
}

TEST_CASE("metric records: insufficient data is null, frequency 0 is a value") {
  GroupMetrics m;
  auto records = metric_records(m, 30, true, 0);
  REQUIRE(records.size() == 6);
  CHECK(records[0].metric == Metric::kDeploymentFrequency);
  REQUIRE(records[0].value.has_value());
  CHECK(*records[0].value == 0);
  CHECK(std::string(records[0].tier) == "low");
  for (size_t i = 1; i < records.size(); ++i) {
    CHECK_FALSE(records[i].value.has_value());
    CHECK(records[i].tier == nullptr);
  }
  // No deployment is a value from no sample: low_n under any minimum; no
  // value is never low_n (its status says more).
  records = metric_records(m, 30, true, 1);
  CHECK(records[0].low_n);
  CHECK(records[0].tier == nullptr);
  CHECK_FALSE(records[1].low_n);
}

TEST_CASE("an incident takes the grouping values it lacks from its deployment") {
  Schema schema;
  schema.group_by = {"team", "env"};
  // The window starts on Mar 2: d0 is before it and still lends its group.
  EventStore store(schema, at("2026-03-02T00:00:00Z"), at("2026-03-04T00:00:00Z"));
  REQUIRE(feed(store, {
      R"({"type":"deployment","id":"d0","time":"2026-03-01T23:00:00Z","service":"web","team":"w","env":"prod"})",
      R"({"type":"deployment","id":"d1","time":"2026-03-02T10:00:00Z","service":"api","team":"a","env":"prod"})",
      R"({"type":"deployment","id":"d2","time":"2026-03-02T10:00:00Z","service":"db","team":"b"})",
      // Linked by id, no team or env: team a, env prod.
      R"({"type":"incident","time":"2026-03-02T11:00:00Z","resolved_at":"2026-03-02T12:00:00Z","deployment_id":"d1"})",
      // Linked by service, its own env, a null team: team a, env stage.
      R"({"type":"incident","time":"2026-03-02T13:00:00Z","resolved_at":"2026-03-02T15:00:00Z","service":"api",
          "team":null,"env":"stage"})",
      // Its own team is kept; d2 has no env to lend.
      R"({"type":"incident","time":"2026-03-02T11:00:00Z","resolved_at":"2026-03-02T14:00:00Z","deployment_id":"d2",
          "team":"c"})",
      // Linked to d0, an hour before the window (within the failure window).
      R"({"type":"incident","time":"2026-03-02T00:30:00Z","resolved_at":"2026-03-02T04:30:00Z","service":"web"})",
      // Linked to nothing: stays without a group.
      R"({"type":"incident","time":"2026-03-02T11:00:00Z","resolved_at":"2026-03-02T16:00:00Z","service":"queue"})",
  }).empty());
  store.resolve();
  auto rows = store.compute({at("2026-03-02T00:00:00Z"), at("2026-03-04T00:00:00Z")});
  std::map<std::string, const GroupMetrics*> by;
  for (const auto& r : rows) {
    if (r.group == kOverall) continue;
    const auto& v = store.group(r.group);
    by[(v[0].present ? v[0].text : "-") + "/" + (v[1].present ? v[1].text : "-")] = &r;
  }
  REQUIRE(by.size() == 6);
  CHECK(by["a/prod"]->restore.n == 1);
  CHECK(by["a/prod"]->restore.median == 1);
  CHECK(by["a/prod"]->failed_deployments == 1);
  CHECK(by["a/stage"]->restore.median == 2);
  CHECK(by["a/stage"]->total_deployments == 0);
  CHECK(by["b/-"]->restore.n == 0);  // d2's own row: its incident kept team c
  CHECK(by["c/-"]->restore.median == 3);
  CHECK(by["w/prod"]->restore.median == 4);
  CHECK(by["w/prod"]->total_deployments == 0);  // d0 counts in no metric
  CHECK(by["-/-"]->restore.median == 5);
  CHECK(rows[0].total_deployments == 2);
  CHECK(rows[0].restore.n == 5);
}

TEST_CASE("numbers are rounded to 6 places, shortest spelling") {
  std::string s;
  append_number(s, 2.0 / 3);
  s += ' ';
  append_number(s, 0.5);
  s += ' ';
  append_number(s, -1e-9);
  s += ' ';
  append_number(s, 100);
  CHECK(s == "0.666667 0.5 0 100");
  CHECK(window_label({0, 30 * kNsPerDay}) == "30d");
  CHECK(window_label({0, 36 * kNsPerHour}) == "1d12h");
}

TEST_CASE("MappedArray grows without copying and converts in place") {
  struct Pair {
    int64_t a;
    uint64_t b;
  };
  struct Other {
    int64_t x;
    uint32_t y;
  };
  MappedArray<Pair> arr;
  const size_t n = 300'000;  // several growths past the first 1 MiB
  for (size_t i = 0; i < n; ++i) arr.push_back({static_cast<int64_t>(i), i * 3});
  REQUIRE(arr.size() == n);
  CHECK(arr[n - 1].b == (n - 1) * 3);
  size_t out = 0;
  for (size_t i = 0; i < arr.size(); ++i) {
    if (i % 2) continue;
    Other o{arr[i].a, static_cast<uint32_t>(i)};
    std::memcpy(static_cast<void*>(&arr[out++]), &o, sizeof o);
  }
  arr.truncate(out);
  MappedArray<Other> other = std::move(arr).reinterpret<Other>();
  CHECK(arr.empty());
  REQUIRE(other.size() == n / 2);
  CHECK(other[1].x == 2);
  CHECK(other[n / 2 - 1].y == n - 2);
}

TEST_CASE("compare_records: change and change_pct, null where undefined") {
  GroupMetrics now, before;
  now.successful_deployments = 6;
  now.total_deployments = 6;
  now.rework_deployments = 3;
  before.successful_deployments = 3;
  before.total_deployments = 3;
  auto current = metric_records(now, 3, true, 0);
  compare_records(current, metric_records(before, 3, true, 0));
  REQUIRE(current[0].compared);
  CHECK(*current[0].compared->previous == 1);
  CHECK(*current[0].compared->change == 1);
  CHECK(*current[0].compared->change_pct == 100);
  // Lead time: no value on either side.
  CHECK_FALSE(current[1].compared->previous);
  CHECK_FALSE(current[1].compared->change);
  // Rework 0% -> 50%: a change, but no relative change from 0.
  CHECK(*current[4].compared->previous == 0);
  CHECK(*current[4].compared->change == 50);
  CHECK_FALSE(current[4].compared->change_pct);
}

TEST_CASE("the metrics do not depend on the input order of deployments") {
  // Three services, times with ties, failures linked by incidents through
  // the service timelines; fed in time order and shuffled, with and without
  // a change known only by its id (which keeps the change lists, so the
  // deployments are sorted in place instead of copied).
  std::vector<std::string> lines;
  uint64_t seed = 12345;
  auto next = [&seed](uint64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % n;
  };
  auto stamp = [](unsigned long long s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-03-%02lluT%02llu:%02llu:%02lluZ", 1 + s / 86400, s / 3600 % 24,
                  s / 60 % 60, s % 60);
    return std::string(buf);
  };
  for (int i = 0; i < 3000; ++i) {
    const uint64_t t = 7200 + next(4 * 86400) / 60 * 60;  // whole minutes: many ties
    const std::string svc = "s" + std::to_string(next(3));
    const char* status = next(5) == 0 ? "failure" : "success";
    const std::string n = std::to_string(i);
    std::string line = R"({"type":"deployment","id":"d)";
    line.append(n).append(R"(","time":")").append(stamp(t)).append(R"(","service":")").append(svc);
    line.append(R"(","status":")").append(status).append(R"(","changes":["c)").append(n).append(R"("]})");
    lines.push_back(line);
    line = R"({"type":"change","id":"x)";
    line.append(n).append(R"(","time":")").append(stamp(t - next(7200)));
    line.append(R"(","deployment_id":"d)").append(n).append(R"("})");
    lines.push_back(line);
    if (next(4) == 0) {
      line = R"({"type":"incident","time":")";
      line.append(stamp(t + next(7200))).append(R"(","resolved_at":")").append(stamp(t + 7200 + next(7200)));
      line.append(R"(","service":")").append(svc).append(R"("})");
      lines.push_back(line);
    }
  }
  const Window w{at("2026-03-01T00:00:00Z"), at("2026-03-06T00:00:00Z")};
  auto metrics = [&](std::vector<std::string> in) {
    Schema schema;
    EventStore store(schema, w.since, w.until);
    REQUIRE(feed(store, in).empty());
    store.resolve();
    return store.compute(w).front();
  };
  auto shuffled = lines;
  for (size_t i = shuffled.size() - 1; i > 0; --i) std::swap(shuffled[i], shuffled[next(i + 1)]);
  for (bool by_id : {false, true}) {
    auto a = lines, b = shuffled;
    if (by_id) {
      a.push_back(R"({"type":"change","id":"c7","time":"2026-03-01T00:00:00Z"})");
      b.insert(b.begin(), a.back());
    }
    const GroupMetrics x = metrics(a), y = metrics(b);
    CHECK(x.total_deployments == 3000);
    CHECK(x.failed_deployments > 600);  // by status and by incidents
    CHECK(x.failed_deployments == y.failed_deployments);
    CHECK(x.recovery.n == y.recovery.n);
    CHECK(x.recovery.median == y.recovery.median);
    CHECK(x.recovery.p90 == y.recovery.p90);
    CHECK(x.unrecovered == y.unrecovered);
    CHECK(x.lead_time.n == y.lead_time.n);
    CHECK(x.lead_time.median == y.lead_time.median);
    CHECK(x.lead_time.mean == y.lead_time.mean);
  }
}

TEST_CASE("an array value counts in the row of each element, once overall; incidents inherit it") {
  Schema schema;
  schema.group_by = {"teams"};
  EventStore store(schema, at("2026-03-01T00:00:00Z"), at("2026-03-03T00:00:00Z"));
  REQUIRE(feed(store, {
      R"({"type":"deployment","id":"d1","time":"2026-03-01T10:00:00Z","teams":["a","b","a"]})",
      R"({"type":"deployment","id":"d2","time":"2026-03-01T12:00:00Z","teams":["b"]})",
      R"({"type":"deployment","id":"d3","time":"2026-03-01T13:00:00Z","teams":[]})",
      R"({"type":"change","id":"c1","time":"2026-03-01T09:00:00Z","deployment_id":"d1"})",
      R"({"type":"change","id":"c2","time":"2026-03-01T09:00:00Z","deployment_id":"d2"})",
      R"({"type":"incident","time":"2026-03-01T10:30:00Z","resolved_at":"2026-03-01T12:30:00Z","deployment_id":"d1"})",
  }).empty());
  store.resolve();
  auto rows = store.compute({at("2026-03-01T00:00:00Z"), at("2026-03-02T00:00:00Z")});
  std::map<std::string, const GroupMetrics*> by;
  for (const auto& r : rows)
    by[r.group == kOverall ? "all" : store.group(r.group)[0].present ? store.group(r.group)[0].text : "-"] = &r;
  REQUIRE(by.size() == 4);  // all, a, b, - (the empty array)
  CHECK(by["all"]->total_deployments == 3);
  CHECK(by["all"]->lead_time.n == 2);
  CHECK(by["all"]->restore.n == 1);
  CHECK(by["a"]->total_deployments == 1);
  CHECK(by["a"]->lead_time.median == 1);
  CHECK(by["a"]->restore.median == 2);  // the incident takes d1's teams
  CHECK(by["b"]->total_deployments == 2);
  CHECK(by["b"]->failed_deployments == 1);
  CHECK(by["b"]->lead_time.n == 2);
  CHECK(by["b"]->lead_time.median == 2);  // 1h and 3h
  CHECK(by["b"]->restore.n == 1);
  CHECK(by["-"]->total_deployments == 1);
}
