// Timestamp lookup in a parsed record.
#include "core/record_time.hpp"

#include <CLI/CLI.hpp>

namespace ndj {

void add_time_field_options(CLI::App& app, TimeFieldOptions& opts) {
  app.add_option_function<std::string>(
         "--time-field",
         [&opts](const std::string& v) {
           std::vector<std::string> names;
           size_t start = 0;
           for (;;) {
             size_t comma = v.find(',', start);
             std::string name = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
             if (name.empty()) throw CLI::ValidationError("--time-field", "empty field name in '" + v + "'");
             names.push_back(std::move(name));
             if (comma == std::string::npos) break;
             start = comma + 1;
           }
           opts.names = std::move(names);
         },
         "Time fields, first present wins (ts,time,timestamp)")
      ->type_name("NAME[,...]");
  app.add_option_function<std::string>(
         "--epoch",
         [&opts](const std::string& v) {
           auto unit = parse_epoch_unit(v);
           if (!unit) throw CLI::ValidationError("--epoch", "expected s, ms, us or ns, got '" + v + "'");
           opts.epoch = *unit;
         },
         "Numeric times are epoch s|ms|us|ns")
      ->type_name("UNIT");
}

RecordTime::Result RecordTime::find(simdjson::dom::element root, TimeNs& out) const {
  simdjson::dom::object obj;
  if (root.get(obj)) return Result::kMissing;
  for (const auto& name : opts_.names) {
    simdjson::dom::element v;
    if (obj.at_key(name).get(v)) continue;
    std::string_view text;
    if (!v.get(text)) {
      auto t = parse_rfc3339(text);
      if (!t) return Result::kUnparseable;
      out = *t;
      return Result::kFound;
    }
    if (!opts_.epoch) return v.is_number() ? Result::kNeedsEpoch : Result::kUnparseable;
    std::optional<TimeNs> t;
    int64_t i;
    double d;
    if (!v.get(i)) t = epoch_to_ns(i, *opts_.epoch);
    else if (!v.get(d)) t = epoch_to_ns(d, *opts_.epoch);
    if (!t) return Result::kUnparseable;
    out = *t;
    return Result::kFound;
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
