// ndj-redact's work on batches of lines (core/parallel_records): each
// worker redacts a batch into one buffer, and the calling thread writes it
// with the bad lines reported in their place.
#pragma once
#include <string>

#include "core/parallel_records.hpp"
#include "redact/redact.hpp"

namespace ndj {

class Output;

// The redacted lines of a batch, each followed by a newline; a bad line's
// failure records the output size before it.
struct Redacted {
  std::string out;
  RedactReport report;  // the counts of its records (for --report)
};

// Redacts every record of the batch; marks are copied as they are. With
// `strict`, stops at the first bad line: nothing after it is written.
void redact_batch(RecordRedactor& redactor, WorkBatch<Redacted>& b, bool strict = false);

// Writes a redacted batch, reporting its bad lines in order, and adds its
// counts to `report` (if given); false when --strict stops the run.
bool write_redacted(const WorkBatch<Redacted>& b, BadLines& bad, Output& out, RedactReport* report = nullptr);

}  // namespace ndj
