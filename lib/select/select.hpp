// lib/select/: ndj-select: matching records copied as bytes, projections
// to NDJSON, CSV, TSV, a table or one JSON array, and --trace timelines
// merged from several files. Includes core/, json/, expr/ and select/
// only; only ndj-select includes it.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/choices.hpp"
#include "core/records.hpp"
#include "expr/record_filter.hpp"
#include "json/json_path.hpp"

namespace ndj {

enum class SelectFormat { kNdjson, kCsv, kTsv, kTable, kJson };
extern const Choices<SelectFormat> kSelectFormats;  // ndjson, csv, tsv, table, json

struct SelectOptions {
  InputOptions input;  // directories among the files are read whole (expand_inputs)
  RecordFilter filter;
  // A new copy of `filter` for another thread (its counts are its own).
  std::function<RecordFilter()> copy_filter;
  unsigned threads = 1;
  std::vector<JsonPath> fields;  // -f: the projection, in order
  SelectFormat format = SelectFormat::kNdjson;
  bool header = true;
  bool flatten = false;
  std::optional<std::string> trace;  // --trace ID
  std::vector<JsonPath> id_fields;
  std::optional<uint64_t> limit;
  bool count = false;
  bool invert = false;
  bool explain = false;
};

// Replaces each directory among `files` by the log files under it
// (*.ndjson, *.jsonl, *.json, recursively, in name order). Throws Error(1)
// for a directory that cannot be read.
void expand_inputs(std::vector<std::string>& files);

// Reads the inputs and writes what o asks for; returns the exit status.
int run_select(SelectOptions& o);

}  // namespace ndj
