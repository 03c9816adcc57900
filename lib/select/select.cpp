// ndj-select's run: the read loop (validate, filter on the structural
// index, copy the line), projections, --flatten, --trace and --count.
#include "select/select.hpp"

#include <algorithm>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "core/diag.hpp"
#include "core/parallel_records.hpp"
#include "core/format.hpp"
#include "core/output.hpp"
#include "core/timefmt.hpp"
#include "json/json.hpp"
#include "json/json_check.hpp"
#include "json/json_text.hpp"
#include "select/columns.hpp"

namespace ndj {

void expand_inputs(std::vector<std::string>& files) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const std::string& f : files) {
    std::error_code ec;
    if (f == "-" || !fs::is_directory(f, ec)) {
      out.push_back(f);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(f, ec), end;
    if (ec) throw Error(kExitFailure, f + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) throw Error(kExitFailure, f + ": " + ec.message());
      std::string ext = it->path().extension().string();
      if (it->is_regular_file(ec) && (ext == ".ndjson" || ext == ".jsonl" || ext == ".json"))
        found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  files = std::move(out);
}

namespace {

std::string path_name(const JsonPath& p) { return p.text; }

// --flatten: the leaves under the selected fields (or the whole record),
// named "a.b.c"; arrays are leaves.
class Flattener {
 public:
  explicit Flattener(const std::vector<JsonPath>& fields) : fields_(fields) {}

  // The leaves of one record, by name; false if it cannot be parsed into a
  // DOM (a number beyond a double).
  bool read(std::string_view text) {
    leaves_.clear();
    order_.clear();
    simdjson::dom::element root;
    if (parser_.parse(text.data(), text.size(), false).get(root)) return false;
    if (fields_.empty()) {
      collect(root, "", true);
      return true;
    }
    for (const JsonPath& p : fields_) {
      simdjson::dom::element e = root;
      bool found = true;
      for (const PathStep& s : p.steps) {
        if (s.kind != PathStep::Kind::kKey || e.at_key(s.key).get(e)) {
          found = false;
          break;
        }
      }
      if (found) collect(e, p.text, false);
      else add(p.text, std::nullopt);
    }
    return true;
  }
  const std::vector<std::string>& order() const { return order_; }
  void cells(const std::vector<std::string>& columns, std::vector<Cell>& out, uint64_t& extra) {
    out.assign(columns.size(), Cell{});
    size_t used = 0;
    for (size_t i = 0; i < columns.size(); ++i) {
      auto it = leaves_.find(columns[i]);
      if (it == leaves_.end()) continue;
      ++used;
      if (!it->second) continue;
      simdjson::dom::element e = *it->second;
      std::string json(simdjson::minify(e)), text;
      std::string_view s;
      if (!e.get_string().get(s)) text = std::string(s);
      else if (!e.is_null()) text = json;
      out[i].set(std::move(json), std::move(text));
    }
    if (used < leaves_.size()) {
      std::unordered_set<std::string_view> in(columns.begin(), columns.end());
      for (const auto& [name, e] : leaves_)  // a null in no column loses nothing
        extra += !in.count(name) && e && !e->is_null();
    }
  }

 private:
  void add(const std::string& name, std::optional<simdjson::dom::element> e) {
    if (leaves_.emplace(name, e).second) order_.push_back(name);
  }
  void collect(simdjson::dom::element e, const std::string& prefix, bool top) {
    simdjson::dom::object obj;
    if (e.get(obj) || (obj.size() == 0 && !top)) {
      add(prefix, e);
      return;
    }
    for (auto [key, value] : obj) collect(value, prefix.empty() ? std::string(key) : prefix + "." + std::string(key), false);
  }

  const std::vector<JsonPath>& fields_;
  simdjson::dom::parser parser_;
  std::unordered_map<std::string, std::optional<simdjson::dom::element>> leaves_;
  std::vector<std::string> order_;
};

bool mentions(const RecordView& view, const std::vector<JsonPath>& id_fields, const std::string& id) {
  std::string decoded;
  for (const JsonPath& p : id_fields) {
    bool hit = view.each(p, [&](const JsonToken& t) {
      if (t.kind == JsonToken::Kind::kNumber) return t.raw == id;
      if (t.kind != JsonToken::Kind::kString) return false;
      if (!t.escaped) return t.raw == id;
      decoded.clear();
      append_unescaped(t.raw, decoded);
      return decoded == id;
    });
    if (hit) return true;
  }
  return false;
}

struct TraceEvent {
  std::optional<TimeNs> time;
  std::string text;
  std::vector<Cell> cells;
  size_t seq = 0;
};

void write_trace(Output& out, const SelectOptions& o, std::vector<TraceEvent>& events) {
  std::stable_sort(events.begin(), events.end(), [](const TraceEvent& a, const TraceEvent& b) {
    if (a.time.has_value() != b.time.has_value()) return a.time.has_value();
    return a.time && *a.time < *b.time;
  });
  if (o.limit && events.size() > *o.limit) events.resize(*o.limit);
  size_t untimed = 0;
  for (const TraceEvent& e : events) untimed += !e.time;
  if (untimed)
    warn(grouped_digits(untimed) + " record(s) mentioning '" + *o.trace +
         "' have no time: listed last, without times since the first and previous");
  bool person = o.format == SelectFormat::kTable;
  RowWriter writer(out, o.format, o.header);
  bool whole = o.fields.empty() && (o.format == SelectFormat::kNdjson || o.format == SelectFormat::kJson);
  if (!whole) {
    std::vector<std::string> names = {"time", person ? "since_first" : "since_first_ms",
                                      person ? "since_prev" : "since_prev_ms"};
    if (o.fields.empty()) names.push_back("record");
    for (const JsonPath& p : o.fields) names.push_back(path_name(p));
    writer.columns(names);
  }
  std::optional<TimeNs> first, prev;
  std::vector<Cell> row;
  std::string line;
  for (TraceEvent& e : events) {
    std::optional<TimeNs> since_first, since_prev;
    if (e.time) {
      if (!first) first = prev = e.time;
      since_first = *e.time - *first;
      since_prev = *e.time - *prev;
      prev = e.time;
    }
    auto ms = [&](std::optional<TimeNs> d) -> Cell {
      if (!d) return {};
      std::string t = person ? format_duration(*d) : fixed(static_cast<double>(*d) / 1e6, *d % 1'000'000 ? 3 : 0);
      Cell c;
      c.set(person ? json_string(t) : t, t);
      return c;
    };
    if (whole) {
      line = e.text;
      size_t close = line.find_last_not_of(" \t");
      if (e.time && close != std::string::npos && line[close] == '}') {
        std::string add = line.find_first_not_of(" \t{", 0) == close ? "" : ",";
        add += "\"since_first_ms\":" + ms(since_first).json + ",\"since_prev_ms\":" + ms(since_prev).json;
        line.insert(close, add);
      }
      writer.record(line);
      continue;
    }
    row.clear();
    Cell t;
    if (e.time) t.set(json_string(format_rfc3339(*e.time, 3)), format_rfc3339(*e.time, 3));
    row.push_back(t);
    row.push_back(ms(since_first));
    row.push_back(ms(since_prev));
    if (o.fields.empty()) {
      Cell whole_record;
      whole_record.set(json_compact(e.text), json_compact(e.text));
      row.push_back(std::move(whole_record));
    }
    for (Cell& c : e.cells) row.push_back(std::move(c));
    writer.row(row);
  }
  writer.finish();
}

// What a worker made of a batch: the output, and for each match its item
// and where its output ends (for --limit).
struct Selected {
  std::string out;
  struct Match {
    size_t item, end;
  };
  std::vector<Match> matches;
};

// The read loop on o.threads workers: each validates, tests and formats its
// batches with its own copy of the filter; the calling thread writes them
// in input order, with the bad-line reports in their places.
RecordReader::Status select_parallel(SelectOptions& o, RecordReader& reader, Output& out,
                                     const std::vector<std::string>& names, uint64_t& matched) {
  std::vector<std::optional<RecordFilter>> filters(o.threads);
  std::vector<std::unique_ptr<JsonParser>> parsers(o.threads);
  const bool whole = o.fields.empty();
  const bool marks = o.format == SelectFormat::kNdjson && !o.count;
  bool limit_hit = false;
  auto st = run_batches<Selected>(
      reader, o.threads,
      [&](WorkBatch<Selected>& b, unsigned w) {
        if (!filters[w]) filters[w].emplace(o.copy_filter());
        if (!parsers[w]) parsers[w] = std::make_unique<JsonParser>();
        JsonParser& parser = *parsers[w];
        Selected& r = b.result;
        r.out.clear();
        r.matches.clear();
        std::vector<Cell> cells;
        std::string scratch;
        const auto items = b.lines.items();
        const std::string_view all = b.lines.all_text();
        parser.index_lines(all);
        for (size_t i = 0; i < items.size(); ++i) {
          std::string_view text = b.lines.text(items[i]);
          if (items[i].mark) {
            if (marks) r.out.append(text).push_back('\n');
            continue;
          }
          if (const char* why = parser.validate_line(all, items[i].begin, items[i].size)) {
            b.lines.fail(i, r.out.size(), bad_line_reason(why, items[i].complete));
            if (o.input.strict) break;
            continue;
          }
          RecordView view(text, parser);
          if (filters[w]->matches(view) == o.invert) continue;
          if (!o.count) {
            if (whole) {
              r.out.append(text).push_back('\n');
            } else {
              project(view, o.fields, cells);
              append_row(r.out, o.format, names, cells, scratch);
            }
          }
          r.matches.push_back({i, r.out.size()});
        }
      },
      [&](WorkBatch<Selected>& b) {
        const Selected& r = b.result;
        size_t end = r.out.size(), last_item = SIZE_MAX;
        size_t take = r.matches.size();
        if (o.limit && matched + take >= *o.limit) {
          take = *o.limit - matched;
          limit_hit = true;
          end = take ? r.matches[take - 1].end : 0;
          last_item = take ? r.matches[take - 1].item : 0;
        }
        matched += take;
        size_t written = 0;
        for (const auto& f : b.lines.failures()) {
          if (limit_hit && (take == 0 || f.item > last_item)) break;
          out.write(std::string_view(r.out).substr(written, f.pos - written));
          written = f.pos;
          if (b.lines.report(reader.bad_lines(), f)) return false;
        }
        out.write(std::string_view(r.out).substr(written, end - written));
        return !limit_hit;
      });
  for (const auto& f : filters)
    if (f) o.filter.add_counts(*f);
  return limit_hit ? RecordReader::Status::kEnd : st;
}

}  // namespace

int run_select(SelectOptions& o) {
  expand_inputs(o.input.files);
  Output out;
  // Threads serve the streaming formats; --trace, --flatten, tables and
  // JSON arrays gather their rows in one place anyway.
  const bool parallel = o.threads > 1 && o.copy_filter && !o.trace && !o.flatten &&
                        (o.format == SelectFormat::kNdjson || o.format == SelectFormat::kCsv ||
                         o.format == SelectFormat::kTsv);
  RecordReader reader(o.input, out, parallel ? RecordReader::Validation::kNone : RecordReader::Validation::kSyntax);
  RowWriter writer(out, o.format, o.header);
  const bool whole = o.fields.empty() && !o.flatten;
  const bool marks = o.format == SelectFormat::kNdjson && !o.count && !o.trace;
  std::vector<std::string> names;
  for (const JsonPath& p : o.fields) names.push_back(path_name(p));
  if (!whole && !o.flatten && !o.trace && !o.count) writer.columns(names);
  std::optional<Flattener> flat;
  std::vector<std::string> flat_columns;
  if (o.flatten) flat.emplace(o.fields);
  uint64_t matched = 0, extra = 0;
  std::vector<Cell> cells;
  std::vector<TraceEvent> events;
  Record rec;
  RecordReader::Status st = parallel ? select_parallel(o, reader, out, names, matched) : RecordReader::Status::kEnd;
  while (!parallel && (st = reader.next(rec)) == RecordReader::Status::kRecord) {
    if (rec.is_mark) {
      if (marks) writer.record(rec.text);
      continue;
    }
    RecordView view(rec.text, reader.parser());
    bool m = o.filter.matches(view) && (!o.trace || mentions(view, o.id_fields, *o.trace));
    if (m == o.invert) continue;
    ++matched;
    if (o.trace) {
      TraceEvent e;
      e.time = o.filter.record_time(view);
      e.text = std::string(rec.text);
      e.seq = events.size();
      if (!o.fields.empty()) {
        project(view, o.fields, e.cells);
        std::string scratch;
        for (Cell& c : e.cells)  // the record's bytes go away: keep the text
          if (c.present && !c.owned) c.set(std::string(cell_json(c, scratch)), std::string(cell_text(c, scratch)));
      }
      events.push_back(std::move(e));
      continue;
    }
    if (!o.count) {
      if (flat) {
        if (!flat->read(rec.text)) {
          if (reader.bad_lines().report(*rec.file, rec.line, "a number beyond the range of a double (--flatten)",
                                        rec.text)) {
            st = RecordReader::Status::kStrictStop;
            break;
          }
          continue;
        }
        if (flat_columns.empty()) {
          flat_columns = flat->order();
          writer.columns(flat_columns);
        }
        flat->cells(flat_columns, cells, extra);
        writer.row(cells);
      } else if (whole) {
        writer.record(rec.text);
      } else {
        project(view, o.fields, cells);
        writer.row(cells);
      }
    }
    if (o.limit && matched >= *o.limit && !o.trace) break;
  }
  if (auto rc = reader.stop_exit_code(st)) {
    out.flush();
    return *rc;
  }
  if (o.trace) {
    write_trace(out, o, events);
  } else if (o.count) {
    out.write(std::to_string(matched) + "\n");
  } else {
    if (o.flatten && flat_columns.empty()) writer.columns({});
    writer.finish();
  }
  out.flush();
  if (extra)
    warn("--flatten: " + grouped_digits(extra) +
         " value(s) in no column (the columns are the first matching record's)");
  if (o.explain)
    for (const std::string& line : o.filter.explain()) error("explain: " + line);
  reader.bad_lines().finish();
  return reader.exit_code();
}

}  // namespace ndj
