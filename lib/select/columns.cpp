// Projection cells and the five output formats of ndj-select.
#include "select/columns.hpp"

#include "core/format.hpp"
#include "core/output.hpp"
#include "json/json_check.hpp"
#include "json/json_text.hpp"

namespace ndj {

const Choices<SelectFormat> kSelectFormats{{{"ndjson", SelectFormat::kNdjson},
                                            {"csv", SelectFormat::kCsv},
                                            {"tsv", SelectFormat::kTsv},
                                            {"table", SelectFormat::kTable},
                                            {"json", SelectFormat::kJson}}};

namespace {

void append_token_json(std::string& out, const JsonToken& t) {
  if (t.kind == JsonToken::Kind::kString) {
    out.push_back('"');
    out.append(t.raw);
    out.push_back('"');
  } else if (t.kind == JsonToken::Kind::kArray || t.kind == JsonToken::Kind::kObject) {
    out += json_compact(t.raw);
  } else {
    out.append(t.raw);
  }
}

bool has_each(const JsonPath& p) {
  for (const PathStep& s : p.steps)
    if (s.kind == PathStep::Kind::kEachElement) return true;
  return false;
}

}  // namespace

void project(const RecordView& rec, const std::vector<JsonPath>& paths, std::vector<Cell>& cells) {
  cells.resize(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    Cell& c = cells[i];
    c.json.reset();
    c.text.clear();
    if (has_each(paths[i])) {
      std::string arr = "[";
      rec.each(paths[i], [&](const JsonToken& t) {
        if (arr.size() > 1) arr.push_back(',');
        append_token_json(arr, t);
        return false;
      });
      arr.push_back(']');
      c.text = arr;
      c.json = std::move(arr);
      continue;
    }
    rec.each(paths[i], [&](const JsonToken& t) {
      c.json.emplace();
      append_token_json(*c.json, t);
      if (t.kind == JsonToken::Kind::kString) append_unescaped(c.text, t.raw);
      else if (t.kind != JsonToken::Kind::kNull) c.text = *c.json;
      return true;
    });
  }
}

RowWriter::RowWriter(Output& out, SelectFormat format, bool header)
    : out_(out), format_(format), header_(header) {}

void RowWriter::columns(std::vector<std::string> names) {
  names_ = std::move(names);
  if (!header_) return;
  if (format_ == SelectFormat::kTable) {
    table_.push_back(names_);
    return;
  }
  if (format_ != SelectFormat::kCsv && format_ != SelectFormat::kTsv) return;
  line_.clear();
  for (size_t i = 0; i < names_.size(); ++i) {
    if (i) line_.push_back(format_ == SelectFormat::kCsv ? ',' : '\t');
    if (format_ == SelectFormat::kCsv) append_csv_cell(line_, names_[i]);
    else append_tsv_cell(line_, names_[i]);
  }
  line_.push_back('\n');
  out_.write(line_);
}

void RowWriter::record(std::string_view text) {
  if (format_ == SelectFormat::kJson) {
    out_.write(started_ ? ",\n" : "[\n");
    started_ = true;
  }
  out_.write(text);
  if (format_ == SelectFormat::kNdjson) out_.put('\n');
}

void RowWriter::row(const std::vector<Cell>& cells) {
  line_.clear();
  switch (format_) {
    case SelectFormat::kNdjson:
    case SelectFormat::kJson:
      line_.push_back('{');
      for (size_t i = 0; i < cells.size(); ++i) {
        if (i) line_.push_back(',');
        append_json_string(line_, names_[i]);
        line_.push_back(':');
        line_ += cells[i].json ? *cells[i].json : "null";
      }
      line_.push_back('}');
      record(line_);
      return;
    case SelectFormat::kCsv:
    case SelectFormat::kTsv:
      for (size_t i = 0; i < cells.size(); ++i) {
        if (i) line_.push_back(format_ == SelectFormat::kCsv ? ',' : '\t');
        if (format_ == SelectFormat::kCsv) append_csv_cell(line_, cells[i].text);
        else append_tsv_cell(line_, cells[i].text);
      }
      line_.push_back('\n');
      out_.write(line_);
      return;
    case SelectFormat::kTable: {
      std::vector<std::string> r;
      for (const Cell& c : cells) {
        std::string t;
        append_tsv_cell(t, c.text);  // one line per row
        r.push_back(c.json ? t : "-");
      }
      table_.push_back(std::move(r));
      return;
    }
  }
}

void RowWriter::finish() {
  if (format_ == SelectFormat::kJson) out_.write(started_ ? "\n]\n" : "[]\n");
  if (format_ == SelectFormat::kTable && !table_.empty())
    write_table(out_, table_, std::vector<bool>(table_[0].size(), false));
}

}  // namespace ndj
