// The checks of ndj-dora's option values, in the order the tool runs them.
#include "dora/options.hpp"

#include <algorithm>
#include <charconv>

#include "core/cli.hpp"

namespace ndj::dora {

const Choices<bool> kTierChoices{{{"dora", true}, {"none", false}}};
const Choices<bool> kCompareChoices{{{"previous", true}}};
const Choices<ColorWhen> kColorChoices{
    {{"auto", ColorWhen::kAuto}, {"always", ColorWhen::kAlways}, {"never", ColorWhen::kNever}}};

std::optional<std::string> check_output_options(const OptionText& t, Options& o) {
  if (o.has_since && t.days_given) return "--days and --since cannot be used together";
  if (auto f = kFormats.parse(t.format)) o.format = *f;
  else return "--format: " + kFormats.expected(t.format);
  if (auto tiers = kTierChoices.parse(t.tiers)) o.tiers = *tiers;
  else return "--tiers: " + kTierChoices.expected(t.tiers);
  if (!t.min_samples.empty()) {
    const char* end = t.min_samples.data() + t.min_samples.size();
    auto [at, ec] = std::from_chars(t.min_samples.data(), end, o.min_samples);
    if (ec != std::errc() || at != end)
      return "--min-samples: expected a whole number (0 or more), got '" + t.min_samples + "'";
  }
  if (auto compare = kCompareChoices.parse(t.compare)) o.compare_previous = *compare;
  else if (!t.compare.empty()) return "--compare: " + kCompareChoices.expected(t.compare);
  if (!o.append.empty() && !o.output.empty()) return "-o and --append cannot be used together";
  // Appending suits a log of records, not a document or a table.
  if (!o.append.empty() && o.format != Format::kNdjson && o.format != Format::kSnapshot)
    return "--append: only with --format ndjson or snapshot";
  return std::nullopt;
}

std::optional<std::string> check_trend_options(const OptionText& t, Options& o) {
  if (auto color = kColorChoices.parse(t.color)) o.color = *color;
  else return "--color: " + kColorChoices.expected(t.color);
  // A scrape sees one value per series: a bucket would need a timestamp.
  if (o.bucket && o.format == Format::kProm) return "--bucket: not with --format prom";
  // The page always shows the regression checks, and trends by week unless told.
  if (o.fail_on_regression || o.format == Format::kHtml) o.regressions = true;
  if (o.format == Format::kHtml && !o.bucket) o.bucket = BucketUnit::kWeek;
  if (o.recent <= 0 || o.baseline <= 0) return "--recent and --baseline must be positive";
  for (const auto& spec : t.thresholds)
    if (auto why = parse_threshold(spec, o.thresholds)) return "--threshold: " + *why;
  for (const auto& spec : t.goals) {
    Goal g;
    if (auto why = parse_goal(spec, g)) return "--goal: " + *why;
    if (g.until) g.expires = g.until->resolve(o.tz, o.now);
    o.goals.push_back(std::move(g));
  }
  // A snapshot is the five records of one window, as a control plane
  // stores them: nothing added to their shape, nothing more than five.
  if (o.format == Format::kSnapshot) {
    if (o.bucket) return "--bucket: not with --format snapshot";
    if (o.compare_previous) return "--compare: not with --format snapshot";
    if (o.fail_on_regression) return "--fail-on-regression: not with --format snapshot";
    if (o.regressions) return "--regressions: not with --format snapshot";
    if (!o.goals.empty()) return "--goal: not with --format snapshot";
  }
  for (const auto& spec : t.acks) {
    AlertKey key;
    if (auto why = parse_alert_key(spec, key)) return "--ack: " + *why;
    o.acks.emplace_back(spec, std::move(key));
  }
  if (!o.acks.empty() && o.alert_state.empty()) return "--ack needs --alert-state FILE";
  if (!o.alert_state.empty() && o.acks.empty() && !o.regressions)
    return "--alert-state needs --regressions (or --ack)";
  if (o.ack_for <= 0) return "--ack-for must be positive";
  // A partial is no report: what judges or keeps a report waits for the merge.
  if (o.partial) {
    if (!o.append.empty()) return "--append: not with --partial";
    if (o.fail_on_regression) return "--fail-on-regression: not with --partial (give it to --merge)";
    if (!o.alert_state.empty() && o.acks.empty()) return "--alert-state: not with --partial (give it to --merge)";
  }
  return std::nullopt;
}

std::optional<std::string> check_schema_options(const OptionText& t, Options& o, std::optional<TimeNs> failure_window) {
  for (std::string& field : split_list(t.group_by)) {
    if (field.empty()) return "--group-by: empty field name in '" + t.group_by + "'";
    for (const auto& f : o.schema.group_by)
      if (f == field) return "--group-by: '" + field + "' given twice";
    o.schema.group_by.push_back(std::move(field));
  }
  // One set of five records per run: per-service snapshots come from one
  // run per service, each tagged (see the man page).
  if (o.format == Format::kSnapshot && !o.schema.group_by.empty()) return "--group-by: not with --format snapshot";
  if (auto why = load_definitions(t.definitions, o.schema)) return why;
  if (failure_window) o.schema.failure_window = *failure_window;
  if (o.schema.failure_window <= 0) return "--failure-window must be positive";
  // Each a K=V pair, checked by `add` (a message starting with its option).
  auto pairs = [&](const std::vector<std::string>& specs, const char* option, const char* form,
                   auto add) -> std::optional<std::string> {
    for (const auto& spec : specs) {
      std::pair<std::string, std::string> kv;
      if (!split_key_value(spec, kv.first, kv.second))
        return std::string(option) + ": expected " + form + ", got '" + spec + "'";
      if (auto why = add(o.schema, kv)) return why;
    }
    return std::nullopt;
  };
  if (auto why = pairs(t.maps, "--map", "NAME=FIELD", add_map)) return why;
  if (auto why = pairs(t.type_values, "--type-value", "TYPE=VALUE", add_type_value)) return why;
  return pairs(t.status_values, "--status-value", "STATUS=VALUE", add_status_value);
}

}  // namespace ndj::dora
