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

std::string_view cell_json(const Cell& c, std::string& scratch) {
  if (!c.present) return "null";
  if (c.owned) return c.json;
  if (c.token.kind == JsonToken::Kind::kString || c.token.kind == JsonToken::Kind::kArray ||
      c.token.kind == JsonToken::Kind::kObject) {
    scratch.clear();
    append_token_json(scratch, c.token);
    return scratch;
  }
  return c.token.raw;
}

std::string_view cell_text(const Cell& c, std::string& scratch) {
  if (!c.present) return {};
  if (c.owned) return c.text;
  switch (c.token.kind) {
    case JsonToken::Kind::kString:
      if (!c.token.escaped) return c.token.raw;
      scratch.clear();
      append_unescaped(c.token.raw, scratch);
      return scratch;
    case JsonToken::Kind::kNull: return {};
    case JsonToken::Kind::kArray:
    case JsonToken::Kind::kObject: scratch = json_compact(c.token.raw); return scratch;
    default: return c.token.raw;
  }
}

void project(const RecordView& rec, const std::vector<JsonPath>& paths, std::vector<Cell>& cells) {
  cells.resize(paths.size());
  // Paths that start with a member name and hold no "[]" are found in one
  // pass over the record's members; the others one by one.
  constexpr size_t kMax = 64;
  const std::string* first[kMax];
  size_t left = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    cells[i].present = cells[i].owned = false;
    bool simple = i < kMax && !has_each(paths[i]) && paths[i].steps[0].kind == PathStep::Kind::kKey;
    if (i < kMax) first[i] = simple ? &paths[i].steps[0].key : nullptr;
    left += simple;
  }
  if (left)
    rec.members([&](uint32_t key, uint32_t value) {
      for (size_t i = 0; i < paths.size() && i < kMax; ++i) {
        if (!first[i] || !rec.key_is(key, *first[i])) continue;
        first[i] = nullptr;  // the first member of that name, as a lookup takes
        --left;
        rec.each_at(value, paths[i], 1, [&](const JsonToken& t) {
          cells[i].present = true;
          cells[i].token = t;
          return true;
        });
      }
      return left == 0;
    });
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i < kMax && !has_each(paths[i]) && paths[i].steps[0].kind == PathStep::Kind::kKey) continue;
    Cell& c = cells[i];
    if (has_each(paths[i])) {
      std::string arr = "[";
      rec.each(paths[i], [&](const JsonToken& t) {
        if (arr.size() > 1) arr.push_back(',');
        append_token_json(arr, t);
        return false;
      });
      arr.push_back(']');
      c.set(arr, arr);
      continue;
    }
    rec.each(paths[i], [&](const JsonToken& t) {
      c.present = true;
      c.token = t;
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

void append_row(std::string& line, SelectFormat format, const std::vector<std::string>& names,
                const std::vector<Cell>& cells, std::string& scratch) {
  if (format == SelectFormat::kNdjson || format == SelectFormat::kJson) {
    line.push_back('{');
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) line.push_back(',');
      append_json_string(line, names[i]);
      line.push_back(':');
      line += cell_json(cells[i], scratch);
    }
    line.push_back('}');
    if (format == SelectFormat::kNdjson) line.push_back('\n');
    return;
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) line.push_back(format == SelectFormat::kCsv ? ',' : '\t');
    if (format == SelectFormat::kCsv) append_csv_cell(line, cell_text(cells[i], scratch));
    else append_tsv_cell(line, cell_text(cells[i], scratch));
  }
  line.push_back('\n');
}

void RowWriter::row(const std::vector<Cell>& cells) {
  line_.clear();
  if (format_ == SelectFormat::kTable) {
    std::vector<std::string> r;
    for (const Cell& c : cells) {
      std::string t;
      append_tsv_cell(t, cell_text(c, scratch_));  // one line per row
      r.push_back(c.present ? t : "-");
    }
    table_.push_back(std::move(r));
    return;
  }
  append_row(line_, format_, names_, cells, scratch_);
  if (format_ == SelectFormat::kJson) {
    record(line_);
    return;
  }
  out_.write(line_);
}

void RowWriter::finish() {
  if (format_ == SelectFormat::kJson) out_.write(started_ ? "\n]\n" : "[]\n");
  if (format_ == SelectFormat::kTable && !table_.empty())
    write_table(out_, table_, std::vector<bool>(table_[0].size(), false));
}

}  // namespace ndj
