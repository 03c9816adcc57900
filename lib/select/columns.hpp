// The columns of a projection (-f, --flatten) and the writers of
// ndj-select's formats: one row of cells per matching record.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expr/record_view.hpp"
#include "select/select.hpp"

namespace ndj {

class Output;

// One projected value: a token of the record (valid while the record is),
// or text of its own (--flatten, --trace columns, arrays of "[]" paths).
struct Cell {
  bool present = false;
  bool owned = false;
  JsonToken token;
  std::string json, text;  // when owned

  void set(std::string j, std::string t) {
    present = owned = true;
    json = std::move(j);
    text = std::move(t);
  }
};

// A cell's JSON text, and its text in CSV, TSV and tables (strings
// decoded, null empty, containers as compact JSON); `scratch` may hold it.
std::string_view cell_json(const Cell& c, std::string& scratch);
std::string_view cell_text(const Cell& c, std::string& scratch);

// The cells of `paths` in a record; a path with "[]" gives the array of all
// its values.
void project(const RecordView& rec, const std::vector<JsonPath>& paths, std::vector<Cell>& cells);

// Appends one row of a projection in NDJSON, JSON (without the array's
// punctuation), CSV or TSV, with its newline for NDJSON, CSV and TSV.
void append_row(std::string& line, SelectFormat format, const std::vector<std::string>& names,
                const std::vector<Cell>& cells, std::string& scratch);

// Writes rows in one format: a header first (csv, tsv, table, with
// --header), then rows; finish() closes a JSON array and prints a table.
class RowWriter {
 public:
  RowWriter(Output& out, SelectFormat format, bool header);
  void columns(std::vector<std::string> names);
  void row(const std::vector<Cell>& cells);
  // A whole record's text as a row (ndjson and json without -f).
  void record(std::string_view text);
  void finish();

 private:
  Output& out_;
  SelectFormat format_;
  bool header_;
  std::vector<std::string> names_;
  bool started_ = false;
  std::string line_, scratch_;
  std::vector<std::vector<std::string>> table_;  // --format table holds its rows
};

}  // namespace ndj
