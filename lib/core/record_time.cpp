// Timestamp lookup in a parsed record.
#include "core/record_time.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>

#include "core/cli.hpp"

namespace ndj {

void add_time_field_options(CLI::App& app, TimeFieldOptions& opts) {
  app.add_option_function<std::string>(
         "--time-field",
         [&opts](const std::string& v) {
           std::vector<std::string> names = split_list(v);
           if (names.empty() || std::find(names.begin(), names.end(), "") != names.end())
             throw CLI::ValidationError("--time-field", "empty field name in '" + v + "'");
           opts.names = std::move(names);
         },
         "Time fields, first present wins (ts,time,timestamp)")
      ->type_name("NAME[,...]");
  add_epoch_option(app, opts.epoch, "Numeric times are epoch s|ms|us|ns");
}

CLI::Option* add_epoch_option(CLI::App& app, std::optional<EpochUnit>& unit, const std::string& description) {
  return with_choices(app.add_option_function<std::string>(
                          "--epoch", [&unit](const std::string& v) { unit = kEpochUnits.parse(v); }, description),
                      kEpochUnits)
      ->type_name("UNIT");
}

TimeValue read_time_value(simdjson::dom::element v, const std::optional<EpochUnit>& epoch, TimeNs& out) {
  std::string_view text;
  if (!v.get_string().get(text)) {
    auto t = parse_rfc3339(text);
    if (!t) return TimeValue::kBadText;
    out = *t;
    return TimeValue::kTime;
  }
  if (!v.is_number()) return TimeValue::kNotTime;
  if (!epoch) return TimeValue::kNeedsEpoch;
  std::optional<TimeNs> t;
  int64_t i;
  double d;
  if (!v.get_int64().get(i)) t = epoch_to_ns(i, *epoch);
  else if (!v.get_double().get(d)) t = epoch_to_ns(d, *epoch);
  if (!t) return TimeValue::kOutOfRange;
  out = *t;
  return TimeValue::kTime;
}

RecordTime::Result RecordTime::find(simdjson::dom::element root, TimeNs& out) const {
  simdjson::dom::object obj;
  if (root.get(obj)) return Result::kMissing;
  for (const auto& name : opts_.names) {
    simdjson::dom::element v;
    if (obj.at_key(name).get(v)) continue;
    switch (read_time_value(v, opts_.epoch, out)) {
      case TimeValue::kTime: return Result::kFound;
      case TimeValue::kNeedsEpoch: return Result::kNeedsEpoch;
      default: return Result::kUnparseable;
    }
  }
  return Result::kMissing;
}

std::string RecordTime::field_list() const {
  std::string out;
  for (const auto& n : opts_.names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace ndj
