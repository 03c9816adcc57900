// Output-format helpers of the report tools (ndj-dora, ndj-stats, ndj-flow):
// CSV cells, HTML text, column padding, fixed-point numbers and sparklines
// with one scale.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

// Appends `v` as one RFC 4180 cell: quoted, with quotes doubled, when it
// holds a comma, a quote or a line break.
void append_csv_cell(std::string& out, std::string_view v);
// Appends `v` as one TSV cell: tab, newline, CR and backslash as \t, \n,
// \r and \\ (the escapes of tsv-utils and Miller), so a cell never splits.
void append_tsv_cell(std::string& out, std::string_view v);

class Output;
// Writes rows of cells as aligned columns, two spaces apart; the first row
// is the header. A right-aligned column is padded on the left.
void write_table(Output& out, const std::vector<std::vector<std::string>>& cells,
                 const std::vector<bool>& right_align);

// Text with &, <, >, " and ' escaped for HTML text and attribute values
// (the HTML pages of ndj-dora and ndj-flow).
void append_html_escaped(std::string& out, std::string_view text);

// The columns `s` takes on a terminal: its UTF-8 code points.
size_t display_width(std::string_view s);

// `s` padded with spaces to `width` columns, on the left when `right`.
// `shown` is the width of s as shown (default display_width(s)): text with
// ANSI colours gives it.
std::string pad(std::string s, size_t width, bool right, std::optional<size_t> shown = std::nullopt);

// `n` with commas between groups of three digits, for counts in messages:
// "38,648".
std::string grouped_digits(uint64_t n);

// printf's "%.Nf" (with `sign`, "%+.Nf").
std::string fixed(double v, int digits, bool sign = false);

// Sparkline levels: -1 for no value, else 0 (▁) to 7 (█). The bars scale
// from min(0, lowest) to max(0, highest): with no negative value, 0 is the
// floor and any value above 0 shows above it (rounded up); a value at the
// bottom of the scale is the floor.
std::vector<int> sparkline_levels(std::span<const std::optional<double>> values);
// The bar of a level: "▁" to "█", "·" for -1.
const char* sparkline_bar(int level);
// The levels' bars in one string.
std::string sparkline(std::span<const std::optional<double>> values);

// The widest sparkline a table draws; longer series show their last buckets.
inline constexpr size_t kMaxSparkline = 60;

}  // namespace ndj
