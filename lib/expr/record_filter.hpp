// The record filter of every tool: --where EXPR (repeatable, all must
// hold), --since and --until (an RFC 3339 time, a date, today, yesterday,
// or a duration back from --now) on the record's time field.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/record_time.hpp"
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

// Adds -w/--where (or --where alone when `short_w` is false: a tool whose
// -w means something else), --since and --until.
void add_filter_options(CLI::App& app, FilterArgs& args, bool short_w = true);

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

// The filter of `args`: times resolved in zone `tz` (empty: UTC) at `now`.
// nullopt with the usage error (expression, caret) in `error` otherwise.
std::optional<RecordFilter> make_record_filter(const FilterArgs& args, const TimeFieldOptions& time, TimeNs now,
                                               const std::string& tz, std::string& error);

}  // namespace ndj
