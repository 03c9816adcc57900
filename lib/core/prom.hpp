// The Prometheus text exposition format (version 0.0.4) as the report
// tools write it (ndj-dora and ndj-stats --format prom): families with
// HELP and TYPE, label names and values, numbers. The naming rules
// (base units, `_total` for counters only) are the callers'.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

// A label name Prometheus accepts: [a-zA-Z_][a-zA-Z0-9_]*, other bytes as
// '_', a leading digit or a reserved leading "__" prefixed (e.g. "_0x", "x__").
std::string prom_label_name(std::string_view name);
// The label names of `fields`, each prom_label_name made unique against
// `taken` (names the caller's own labels use) and the names before it by
// a suffix _2, _3, ...
std::vector<std::string> prom_label_names(const std::vector<std::string>& fields, std::vector<std::string> taken);
// A label value with backslash, double quote and newline escaped.
void append_prom_label_value(std::string& out, std::string_view value);
// `name="value"` after a ',' when `out` is not empty.
void append_prom_label(std::string& out, std::string_view name, std::string_view value);
// "# HELP name help" (backslash and newline escaped) and "# TYPE name type".
void append_prom_family(std::string& out, std::string_view name, std::string_view help,
                        std::string_view type = "gauge");
// A sample value: 12 significant digits, exponent when needed (4.96031746032e-06).
void append_prom_number(std::string& out, double v);

}  // namespace ndj
