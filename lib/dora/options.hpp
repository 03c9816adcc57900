// ndj-dora's settings once checked: the window, the format and its
// extras, the trends, goals and how records are read. The tool declares
// the command-line options; the check functions turn the values given
// (OptionText) into Options, each returning the usage error's message.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/records.hpp"
#include "core/time_bucket.hpp"
#include "dora/definitions.hpp"
#include "dora/alert_state.hpp"
#include "dora/dora_report.hpp"
#include "dora/dora_trends.hpp"

namespace ndj::dora {

enum class ColorWhen { kAuto, kAlways, kNever };

// The values of --tiers, --compare and --color (--format: kFormats), for
// the checks below and the shell's completions.
extern const Choices<bool> kTierChoices;
extern const Choices<bool> kCompareChoices;
extern const Choices<ColorWhen> kColorChoices;

struct Options {
  InputOptions input;
  size_t days = 30;
  TimeNs since = 0, until = 0;
  bool has_since = false, has_until = false;
  TimeNs now = 0;  // the clock, or --now
  Schema schema;
  Format format = Format::kNdjson;
  std::vector<std::pair<std::string, std::string>> tags;
  std::string output;  // -o: replaced atomically
  std::string append;  // --append: appended to under ndj-emit's lock
  bool tiers = true;
  uint64_t min_samples = kDefaultMinSamples;
  bool compare_previous = false;
  bool regressions = false, fail_on_regression = false;
  int64_t recent = 7 * kNsPerDay, baseline = 28 * kNsPerDay;
  Thresholds thresholds = default_thresholds();
  std::vector<Goal> goals;
  std::string alert_state;  // --alert-state FILE
  // --ack as given and read: record these and stop.
  std::vector<std::pair<std::string, AlertKey>> acks;
  int64_t ack_for = kNsPerDay;
  std::optional<BucketUnit> bucket;
  bool week_starts_sunday = false;
  ColorWhen color = ColorWhen::kAuto;
  std::string tz;  // --tz: local-day buckets; empty: UTC
  unsigned threads = 1;
  bool explain = false;  // --explain: print the definitions, read nothing
  // --partial: write the events read as a partial (partial.hpp), no report;
  // --merge: read partials, not records (with --partial: write their merge).
  bool partial = false, merge = false;
};

// Option values as given, before the checks below read them.
struct OptionText {
  bool days_given = false;
  std::string format, tiers, compare, min_samples, group_by, color = "auto";
  std::vector<std::string> thresholds, goals, acks;
  std::string definitions = "dora";
  std::vector<std::string> maps, type_values, status_values;
};

// --days against --since, --format, --tiers, --min-samples, --compare,
// --append against -o and the format.
std::optional<std::string> check_output_options(const OptionText& text, Options& o);
// Once --bucket is read: --color, --bucket against the format, what
// --fail-on-regression and the page imply, --recent, --baseline,
// --threshold, --goal, --alert-state, --ack, --ack-for, and what a
// snapshot cannot show.
std::optional<std::string> check_trend_options(const OptionText& text, Options& o);
// --group-by (not with a snapshot), --definitions (whose failure window a
// --failure-window given replaces: `failure_window`), then --map,
// --type-value and --status-value over the mapping the definitions file gave.
std::optional<std::string> check_schema_options(const OptionText& text, Options& o,
                                                std::optional<TimeNs> failure_window = std::nullopt);

}  // namespace ndj::dora
