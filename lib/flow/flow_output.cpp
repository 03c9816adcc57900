// The table, NDJSON, JSON and CSV writers of ndj-flow's reports.
#include "flow/flow_output.hpp"

#include <algorithm>

#include "core/format.hpp"
#include "json/json_text.hpp"

namespace ndj::flow {

const Choices<Format> kFormats{{{"table", Format::kTable},
                                {"ndjson", Format::kNdjson},
                                {"json", Format::kJson},
                                {"csv", Format::kCsv},
                                {"html", Format::kHtml}}};

namespace {

void append_row_object(std::string& out, const Table& t, const std::vector<Cell>& row, bool with_report) {
  out += '{';
  if (with_report) {
    out += "\"report\":";
    append_json_string(out, t.name);
  }
  for (size_t i = 0; i < row.size(); ++i) {
    if (i || with_report) out += ',';
    append_json_string(out, t.columns[i]);
    out += ':';
    out += row[i].json;
  }
  out += '}';
}

void append_table(std::string& out, const Table& t) {
  out += t.title;
  out += '\n';
  std::vector<size_t> width(t.columns.size());
  for (size_t i = 0; i < t.columns.size(); ++i) width[i] = display_width(t.columns[i]);
  for (const auto& row : t.rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], display_width(row[i].text.empty() ? "-" : row[i].text));
  auto line = [&](auto cell_text, auto right) {
    std::string l;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (i) l += "  ";
      l += pad(cell_text(i), width[i], right(i));
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l;
    out += '\n';
  };
  if (t.rows.empty()) {
    out += "  (none)\n";
  } else {
    const auto& first = t.rows.front();
    line([&](size_t i) { return t.columns[i]; }, [&](size_t i) { return first[i].right; });
    for (const auto& row : t.rows)
      line([&](size_t i) { return row[i].text.empty() ? std::string("-") : row[i].text; },
           [&](size_t i) { return row[i].right; });
  }
  if (t.chart_column && !t.rows.empty()) {
    std::vector<std::optional<double>> values;
    for (const auto& row : t.rows) values.push_back(std::stod(row[*t.chart_column].json));
    if (values.size() > kMaxSparkline) values.erase(values.begin(), values.end() - kMaxSparkline);
    out += t.columns[*t.chart_column] + " " + sparkline(values) + '\n';
  }
  for (const std::string& n : t.notes) out += "note: " + n + '\n';
}

}  // namespace

std::string format_tables(Format format, const ReportHeader& header, const std::vector<Table>& tables) {
  std::string out;
  switch (format) {
    case Format::kNdjson:
      for (const Table& t : tables)
        for (const auto& row : t.rows) {
          append_row_object(out, t, row, true);
          out += '\n';
        }
      break;
    case Format::kJson: {
      out += "{\"as_of\":";
      append_json_string(out, format_rfc3339(header.as_of));
      out += ",\"since\":";
      append_json_string(out, header.since);
      out += ",\"days\":" + std::to_string(header.days) + ",\"tz\":";
      append_json_string(out, header.tz.empty() ? "UTC" : header.tz);
      for (const Table& t : tables) {
        out += ',';
        append_json_string(out, t.name);
        out += ":[";
        for (size_t r = 0; r < t.rows.size(); ++r) {
          if (r) out += ',';
          append_row_object(out, t, t.rows[r], false);
        }
        out += ']';
      }
      out += "}\n";
      break;
    }
    case Format::kCsv:
      for (size_t k = 0; k < tables.size(); ++k) {
        const Table& t = tables[k];
        if (k) out += '\n';
        out += "report";
        for (const std::string& c : t.columns) {
          out += ',';
          append_csv_cell(out, c);
        }
        out += '\n';
        for (const auto& row : t.rows) {
          append_csv_cell(out, t.name);
          for (const Cell& c : row) {
            out += ',';
            // Numbers and booleans as in JSON, text and lists as shown.
            const bool plain = c.json == "null" || c.json[0] == '"' || c.json[0] == '[';
            append_csv_cell(out, plain ? c.text : c.json);
          }
          out += '\n';
        }
      }
      break;
    case Format::kTable:
      out += "as of " + format_rfc3339(header.as_of) + ", window " + std::to_string(header.days) + " days from " +
             header.since + (header.tz.empty() ? "" : " (" + header.tz + ")") + '\n';
      for (const Table& t : tables) {
        out += '\n';
        append_table(out, t);
      }
      break;
    case Format::kHtml: break;
  }
  return out;
}

}  // namespace ndj::flow
