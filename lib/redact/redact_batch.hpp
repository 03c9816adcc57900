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
};

// Redacts every record of the batch; marks are copied as they are.
void redact_batch(RecordRedactor& redactor, WorkBatch<Redacted>& b);

// Writes a redacted batch, reporting its bad lines in order; false when
// --strict stops the run at one.
bool write_redacted(const WorkBatch<Redacted>& b, BadLines& bad, Output& out);

}  // namespace ndj
