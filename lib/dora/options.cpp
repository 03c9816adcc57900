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
  for (const auto& spec : t.acks) {
    AlertKey key;
    if (auto why = parse_alert_key(spec, key)) return "--ack: " + *why;
    o.acks.emplace_back(spec, std::move(key));
  }
  if (!o.acks.empty() && o.alert_state.empty()) return "--ack needs --alert-state FILE";
  if (!o.alert_state.empty() && o.acks.empty() && !o.regressions)
    return "--alert-state needs --regressions (or --ack)";
  if (o.ack_for <= 0) return "--ack-for must be positive";
  return std::nullopt;
}

std::optional<std::string> check_schema_options(const OptionText& t, Options& o) {
  if (o.schema.failure_window <= 0) return "--failure-window must be positive";
  for (std::string& field : split_list(t.group_by)) {
    if (field.empty()) return "--group-by: empty field name in '" + t.group_by + "'";
    for (const auto& f : o.schema.group_by)
      if (f == field) return "--group-by: '" + field + "' given twice";
    o.schema.group_by.push_back(std::move(field));
  }
  return std::nullopt;
}

std::optional<std::string> add_map(Schema& schema, const std::pair<std::string, std::string>& kv) {
  const auto& known = canonical_fields();
  bool ok = std::find(known.begin(), known.end(), kv.first) != known.end() ||
            std::find(schema.group_by.begin(), schema.group_by.end(), kv.first) != schema.group_by.end();
  if (!ok)
    return "--map: unknown field '" + kv.first +
           "' (a --group-by field or one of type, id, time, service, status, changes, "
           "change_type, unplanned, deployment_id, deployed_at, completed_at, resolved_at, committed_at)";
  schema.renames[kv.first] = kv.second;
  return std::nullopt;
}

}  // namespace ndj::dora
