// Output-format helpers of the report tools.
#include "core/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/output.hpp"

namespace ndj {

void append_csv_cell(std::string& out, std::string_view v) {
  // A plain loop: find_first_of calls memchr on the set for every byte.
  bool plain = true;
  for (char c : v)
    if (c == ',' || c == '"' || c == '\r' || c == '\n') {
      plain = false;
      break;
    }
  if (plain) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_tsv_cell(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out.push_back(c);
    }
  }
}

void append_html_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out.append("&amp;"); break;
      case '<': out.append("&lt;"); break;
      case '>': out.append("&gt;"); break;
      case '"': out.append("&quot;"); break;
      case '\'': out.append("&#39;"); break;
      default: out.push_back(c);
    }
  }
}

void write_table(Output& out, const std::vector<std::vector<std::string>>& cells,
                 const std::vector<bool>& right_align) {
  std::vector<size_t> width(cells.empty() ? 0 : cells[0].size(), 0);
  for (const auto& row : cells)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));
  std::string line;
  for (const auto& row : cells) {
    line.clear();
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) line += "  ";
      // The last column is not padded on the right.
      line += right_align[i] || i + 1 < row.size() ? pad(row[i], width[i], right_align[i]) : row[i];
    }
    line.push_back('\n');
    out.write(line);
  }
}

size_t display_width(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string pad(std::string s, size_t width, bool right, std::optional<size_t> shown) {
  const size_t columns = shown ? *shown : display_width(s);
  if (columns >= width) return s;
  return right ? std::string(width - columns, ' ') + s : s + std::string(width - columns, ' ');
}

std::string grouped_digits(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string fixed(double v, int digits, bool sign) {
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", digits, v);
  return buf;
}

std::vector<int> sparkline_levels(std::span<const std::optional<double>> values) {
  double lo = 0, hi = 0;
  for (const auto& v : values)
    if (v) {
      lo = std::min(lo, *v);
      hi = std::max(hi, *v);
    }
  std::vector<int> levels;
  levels.reserve(values.size());
  for (const auto& v : values) {
    if (!v) levels.push_back(-1);
    else if (*v <= lo || hi <= lo) levels.push_back(0);
    // Any value above the bottom shows above the floor, so the lowest bar means the bottom.
    else levels.push_back(std::clamp(static_cast<int>(std::ceil((*v - lo) / (hi - lo) * 7 - 1e-9)), 1, 7));
  }
  return levels;
}

const char* sparkline_bar(int level) {
  static constexpr const char* kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  return level < 0 ? "·" : kBars[std::min(level, 7)];
}

std::string sparkline(std::span<const std::optional<double>> values) {
  std::string out;
  for (int level : sparkline_levels(values)) out.append(sparkline_bar(level));
  return out;
}

}  // namespace ndj
