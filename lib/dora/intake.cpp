// Batches of lines parsed on worker threads into IntakeBatch entries.
#include "dora/intake.hpp"

#include <memory>
#include <vector>

#include "core/diag.hpp"
#include "core/parallel_records.hpp"
#include "json/json.hpp"

namespace ndj::dora {

namespace {

// A valid line the DOM cannot hold (see JsonParser) cannot be read.
constexpr const char* kBeyondDouble = "a number beyond the range of a double";

// One thread's parsers and event reader.
struct BatchReader {
  explicit BatchReader(const EventReader& reader) : events(reader) {}
  JsonParser parser;
  simdjson::dom::parser stream;  // whole batches
  EventReader events;
};

// Reads one parsed line's events; a bad record becomes a failure.
void read_events(BatchReader& r, WorkBatch<IntakeBatch>& b, size_t i, simdjson::dom::element root) {
  if (auto why = r.events.read(root, b.result)) b.lines.fail(i, 0, std::move(*why));
}

// Parses the lines of a batch and reads their events; bad lines become
// failures with the reasons RecordReader and EventStore::add give.
//
// The batch is first parsed as one stream of documents (one stage 1 for
// all its lines, not one per line), as long as each document is exactly
// the next line; from the first one that is not (an invalid line, two
// values on a line, a number beyond a double), lines are parsed one by one.
void read_batch(BatchReader& r, WorkBatch<IntakeBatch>& b) {
  b.result.clear();
  const auto items = b.lines.items();
  size_t i = 0;
  const std::string_view all = b.lines.all_text();
  // The stream parser takes about 14 bytes per byte of the batch: only
  // batches of ordinary lines go through it.
  if (all.size() <= LineBatch::kTargetBytes * 2) {
    simdjson::dom::document_stream docs;
    if (!r.stream.parse_many(all.data(), all.size(), std::max<size_t>(all.size(), 1 << 16)).get(docs)) {
      for (auto it = docs.begin(); it != docs.end() && i < items.size(); ++it) {
        simdjson::dom::element root;
        if ((*it).get(root)) break;
        std::string_view line = b.lines.text(items[i]);
        const size_t lead = line.find_first_not_of(" \t\r");
        const size_t last = line.find_last_not_of(" \t\r");
        if (lead == std::string_view::npos || it.current_index() != items[i].begin + lead ||
            it.source().size() != last + 1 - lead)
          break;
        if (!items[i].mark) read_events(r, b, i, root);
        ++i;
      }
    }
  }
  for (; i < items.size(); ++i) {
    if (items[i].mark) continue;
    if (const char* why = r.parser.parse(b.lines.text(items[i]))) {
      b.lines.fail(i, 0, bad_line_reason(why, items[i].complete));
    } else if (!r.parser.has_root()) {
      b.lines.fail(i, 0, kBeyondDouble);
    } else {
      read_events(r, b, i, r.parser.root());
    }
  }
}

}  // namespace

RecordReader::Status read_records(RecordReader& reader, EventStore& store, unsigned threads) {
  return read_records(reader, store.event_reader(), [&](const IntakeBatch& b) { store.insert(b); }, threads);
}

RecordReader::Status read_records(RecordReader& reader, const EventReader& events,
                                  const std::function<void(const IntakeBatch&)>& insert, unsigned threads) {
  std::vector<std::unique_ptr<BatchReader>> readers;
  for (unsigned i = 0; i < threads; ++i) readers.push_back(std::make_unique<BatchReader>(events));
  return run_batches<IntakeBatch>(
      reader, threads, [&](WorkBatch<IntakeBatch>& b, unsigned worker) { read_batch(*readers[worker], b); },
      [&](WorkBatch<IntakeBatch>& b) {
        insert(b.result);
        for (const auto& f : b.lines.failures())
          if (b.lines.report(reader.bad_lines(), f)) return false;
        return true;
      });
}

}  // namespace ndj::dora
