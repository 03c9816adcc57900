// ndj-batch's engine: records grouped into JSON-array lines by count, size
// and age, one open batch per group key, and checkpoint marks held back
// until every record before them is written (DESIGN.md §2).
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "core/timefmt.hpp"

namespace ndj {

class Output;
class RecordReader;

struct BatcherOptions {
  size_t max_records = 1000;           // -n: records per batch
  size_t max_bytes = size_t{1} << 20;  // --max-bytes: longest batch line, newline excluded
  TimeNs linger = kNsPerSec;           // --linger: age at which flush_due() writes a batch
  std::string wrap;                    // --wrap KEY: {"KEY":[...]} instead of [...]
  size_t max_open = 1000;              // --max-open: open batches (one per key)
};

class Batcher {
 public:
  Batcher(BatcherOptions o, Output& out);

  // True when a batch of this one record (n bytes) fits in max_bytes.
  bool fits(size_t n) const;
  // Appends a record to the open batch of `key`, writing that batch first
  // if the record would make it too big, and after if it is full. The
  // record must fit().
  void add(std::string_view key, std::string_view rec);
  // A mark is written once no open batch holds a record from before it.
  void add_mark(std::string_view mark);
  // Writes batches older than the linger; returns ms until the next is due
  // (-1: none open).
  int flush_due();
  // Writes every open batch, oldest first, and the marks after them.
  void flush_all();

 private:
  // One batch under construction: the output line minus its closing bytes.
  struct Batch {
    std::string text;
    size_t records = 0;
    uint64_t first_seq = 0;  // sequence number of its oldest record
    TimeNs opened_at = 0;
  };
  struct PendingMark {
    uint64_t seq;  // records before the mark: those with a smaller seq
    std::string text;
  };
  using Open = std::map<std::string, Batch, std::less<>>;

  Open::iterator open_batch(std::string_view key);
  void write_oldest();
  void write_batch(Open::iterator it);
  void release_marks();

  BatcherOptions o_;
  Output& out_;
  std::string prefix_, suffix_;
  Open open_;
  std::deque<PendingMark> marks_;
  uint64_t seq_ = 0;
};

// The compact JSON of the top-level field `name` of the reader's current
// record `text` (read with Validation::kSyntax), or "null" when absent: the
// --by group key. May point into `buf` or `text`.
std::string_view group_key(RecordReader& reader, std::string_view text, const std::string& name, std::string& buf);

}  // namespace ndj
