// --where, --since and --until: parsing, resolution and the test.
#include "expr/record_filter.hpp"

#include <charconv>
#include <cmath>
#include <memory>

#include "core/cli.hpp"
#include "core/format.hpp"
#include "core/local_time.hpp"
#include "json/json_text.hpp"

namespace ndj {

void add_where_option(CLI::App& app, FilterArgs& args, const std::string& description) {
  app.add_option("-w,--where", args.where, description)->type_name("EXPR");
}

void add_filter_options(CLI::App& app, FilterArgs& args) {
  add_where_option(app, args, "Only records where EXPR holds (repeatable: all must)");
  app.add_option("--since", args.since, "Only records at or after TIME, or DURATION ago")->type_name("TIME");
  app.add_option("--until", args.until, "Only records before TIME, or DURATION ago")->type_name("TIME");
}

namespace {

// A --since/--until value: a duration back from `now`, or a TimeArg.
std::optional<TimeNs> resolve_time(const std::string& option, const std::string& v, TimeNs now,
                                   const std::string& tz, std::string& error) {
  if (auto d = parse_duration(v)) return now - *d;
  if (auto t = TimeArg::parse(v)) return t->resolve(tz, now);
  error = option + ": expected " + kTimeArgForms + ", or a duration such as 7d, got '" + v + "'";
  return std::nullopt;
}

}  // namespace

std::optional<RecordFilter> make_record_filter(const FilterArgs& args, const TimeFieldOptions& time, TimeNs now,
                                               const std::string& tz, std::string& error) {
  RecordFilter f;
  for (const std::string& w : args.where) {
    try {
      f.where_.push_back(Expr::parse(w));
    } catch (const ExprSyntaxError& e) {
      error = describe_syntax_error("--where", w, e);
      return std::nullopt;
    }
  }
  if (!args.since.empty() && !(f.since_ = resolve_time("--since", args.since, now, tz, error))) return std::nullopt;
  if (!args.until.empty() && !(f.until_ = resolve_time("--until", args.until, now, tz, error))) return std::nullopt;
  f.time_ = time;
  for (const std::string& name : time.names) {
    JsonPath p;
    std::string why;
    if (!parse_json_path(name, p, why)) {
      error = "--time-field: bad field path '" + name + "': " + why;
      return std::nullopt;
    }
    f.time_paths_.push_back(std::move(p));
  }
  return f;
}

std::optional<TimeNs> RecordFilter::record_time(const RecordView& rec) const {
  for (const JsonPath& p : time_paths_) {
    std::optional<TimeNs> t;
    bool found = rec.each(p, [&](const JsonToken& tok) {
      if (tok.kind == JsonToken::Kind::kString) {
        if (!tok.escaped) {
          t = parse_rfc3339(tok.raw);
        } else {
          std::string s;
          append_unescaped(tok.raw, s);
          t = parse_rfc3339(s);
        }
      } else if (tok.kind == JsonToken::Kind::kNumber && time_.epoch) {
        double v;
        if (std::from_chars(tok.raw.data(), tok.raw.data() + tok.raw.size(), v).ec == std::errc())
          t = v == std::floor(v) && std::fabs(v) < 9e18 ? epoch_to_ns(static_cast<int64_t>(v), *time_.epoch)
                                                        : epoch_to_ns(v, *time_.epoch);
      }
      return true;
    });
    if (found) return t;  // the first present field decides, never a later one
  }
  return std::nullopt;
}

bool RecordFilter::matches(const RecordView& rec) {
  ++tested_;
  if (since_ || until_) {
    auto t = record_time(rec);
    if (!t) {
      ++untimed_;
      return false;
    }
    if ((since_ && *t < *since_) || (until_ && *t >= *until_)) {
      ++outside_;
      return false;
    }
  }
  for (Expr& e : where_)
    if (!e.matches(rec)) return false;
  ++matched_;
  return true;
}

void apply_record_filter(RecordReader& reader, RecordFilter& filter) {
  if (!filter.active()) return;
  if (reader.validation() != RecordReader::Validation::kNone) {
    JsonParser& parser = reader.parser();
    reader.set_record_filter([&filter, &parser](std::string_view text) {
      return filter.matches(RecordView(text, parser));
    });
    return;
  }
  reader.set_record_filter(line_filter(filter));
}

std::function<bool(std::string_view)> line_filter(RecordFilter& filter) {
  auto parser = std::make_shared<JsonParser>();
  return [&filter, parser](std::string_view text) {
    if (parser->validate(text) != nullptr) return true;
    return filter.matches(RecordView(text, *parser));
  };
}

void RecordFilter::add_counts(const RecordFilter& other) {
  tested_ += other.tested_, matched_ += other.matched_, untimed_ += other.untimed_, outside_ += other.outside_;
  for (size_t i = 0; i < where_.size() && i < other.where_.size(); ++i) where_[i].add_counts(other.where_[i]);
}

std::vector<std::string> RecordFilter::explain() const {
  std::vector<std::string> lines;
  lines.push_back(grouped_digits(tested_) + " records, " + grouped_digits(matched_) + " matched");
  if (since_ || until_) {
    std::string w = "time window";
    if (since_) w += " from " + format_rfc3339(*since_);
    if (until_) w += " until " + format_rfc3339(*until_);
    lines.push_back(w + ": " + grouped_digits(outside_) + " outside, " + grouped_digits(untimed_) +
                    " without a time in " + RecordTime(time_).field_list());
  }
  for (const Expr& e : where_) {
    lines.push_back("--where '" + e.text() + "'");
    for (const ClauseCount& c : e.clause_counts())
      lines.push_back("  " + c.text + ": " + grouped_digits(c.evaluated) + " evaluated, " + grouped_digits(c.held) +
                      " held, " + grouped_digits(c.missing) + " missing, " + grouped_digits(c.mismatched) +
                      " type mismatches");
  }
  return lines;
}

}  // namespace ndj
