// The record filter of every tool: --where EXPR (repeatable, all must
// hold), --since and --until (an RFC 3339 time, a date, today, yesterday,
// or a duration back from --now) on the record's time field.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/record_time.hpp"
#include "core/records.hpp"
#include "core/timefmt.hpp"
#include "expr/expr.hpp"

namespace CLI {
class App;
}

namespace ndj {

// The option values as given, resolved by make_record_filter.
struct FilterArgs {
  std::vector<std::string> where;
  std::string since, until;
};

// Adds -w/--where, --since and --until.
void add_filter_options(CLI::App& app, FilterArgs& args);
// Adds -w/--where alone (a tool with a time window of its own), with the
// tool's own wording of what the filter does.
void add_where_option(CLI::App& app, FilterArgs& args, const std::string& description);

class RecordFilter {
 public:
  RecordFilter() = default;
  // Whether any condition was given (else every record matches).
  bool active() const { return !where_.empty() || since_ || until_; }
  bool matches(const RecordView& rec);
  // The instant of the record's time field: nullopt when none of the fields
  // is present or the first present one is not a time.
  std::optional<TimeNs> record_time(const RecordView& rec) const;
  // What --explain prints: one line per expression and clause, and the
  // records the time window left out.
  std::vector<std::string> explain() const;
  // Adds the counts of a copy that ran on other records (another thread's).
  void add_counts(const RecordFilter& other);
  uint64_t tested() const { return tested_; }
  uint64_t matched() const { return matched_; }

 private:
  friend std::optional<RecordFilter> make_record_filter(const FilterArgs&, const TimeFieldOptions&, TimeNs,
                                                        const std::string&, std::string&);
  std::vector<Expr> where_;
  std::optional<TimeNs> since_, until_;
  TimeFieldOptions time_;
  std::vector<JsonPath> time_paths_;
  uint64_t tested_ = 0, matched_ = 0, untimed_ = 0, outside_ = 0;
};

// Makes `reader` skip the records `filter` rejects (when it is active).
// The filter reads the structural index of the reader's own validation;
// a reader that does not validate (Validation::kNone) gets the lines
// validated here, and an invalid one is kept for the tool to report.
// `filter` must outlive the reader's use.
void apply_record_filter(RecordReader& reader, RecordFilter& filter);
// The test of a line no one has validated: validates it, and keeps an
// invalid one (true), for the tool to pass on or report as it does.
std::function<bool(std::string_view)> line_filter(RecordFilter& filter);

// The filter of `args`: times resolved in zone `tz` (empty: UTC) at `now`.
// nullopt with the usage error (expression, caret) in `error` otherwise.
std::optional<RecordFilter> make_record_filter(const FilterArgs& args, const TimeFieldOptions& time, TimeNs now,
                                               const std::string& tz, std::string& error);

}  // namespace ndj
