// ndj-batch's lines on worker threads: each worker validates its share
// of the lines in full and reads their --by keys; the calling thread adds
// them to the Batcher in input order (core/parallel_records.hpp).
#pragma once
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/parallel_records.hpp"
#include "json/json.hpp"

namespace ndj {

class Batcher;

// The --by keys of a batch of lines: line i's key is
// keys[ends[i - 1], ends[i]) (no keys without --by).
struct LineKeys {
  std::string keys;
  std::vector<size_t> ends;
};
using KeyedLines = WorkBatch<LineKeys>;

// One worker's parsers.
class LineChecker {
 public:
  // `by`: the --by field, empty for none.
  explicit LineChecker(std::string by) : by_(std::move(by)) {}
  // Validates every record of `b` (a bad one is b.lines.fail()ed; with
  // `strict` the first ends the batch) and, with --by, reads its key.
  void check(KeyedLines& b, bool strict);

 private:
  // The compact JSON of the --by field of the record just parsed, "null"
  // when absent.
  std::string_view key(std::string_view text);

  std::string by_;
  JsonParser parser_;
  simdjson::ondemand::parser ondemand_;
  std::string buf_;
};

// Adds the checked lines of `b` to `batcher` in order: records, marks,
// and the bad lines' reports, as is a record that fits in no batch.
// False when the run must stop (--strict).
bool add_lines(const KeyedLines& b, Batcher& batcher, BadLines& bad, size_t max_bytes);

}  // namespace ndj
