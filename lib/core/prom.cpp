// Prometheus text exposition pieces.
#include "core/prom.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace ndj {

std::string prom_label_name(std::string_view name) {
  std::string out;
  for (char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 128 ? c : '_');
  // Prefixes by concatenation: GCC 12 warns falsely (-Wrestrict) on insert(0, ...).
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "_" + out;
  if (out.starts_with("__")) out = "x" + out;
  return out;
}

std::vector<std::string> prom_label_names(const std::vector<std::string>& fields, std::vector<std::string> taken) {
  std::vector<std::string> names;
  for (const auto& f : fields) {
    std::string n = prom_label_name(f);
    for (int k = 2; std::find(taken.begin(), taken.end(), n) != taken.end(); ++k)
      n = prom_label_name(f) + "_" + std::to_string(k);
    taken.push_back(n);
    names.push_back(std::move(n));
  }
  return names;
}

void append_prom_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') out.append("\\\\");
    else if (c == '"') out.append("\\\"");
    else if (c == '\n') out.append("\\n");
    else out.push_back(c);
  }
}

void append_prom_label(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty()) out.push_back(',');
  out.append(name).append("=\"");
  append_prom_label_value(out, value);
  out.push_back('"');
}

void append_prom_family(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out.append("# HELP ").append(name).push_back(' ');
  for (char c : help) {
    if (c == '\\') out.append("\\\\");
    else if (c == '\n') out.append("\\n");
    else out.push_back(c);
  }
  out.append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

void append_prom_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out.append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  if (v == 0) v = 0;  // no "-0"
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.12g", v);
  out.append(buf, static_cast<size_t>(n));
}

}  // namespace ndj
