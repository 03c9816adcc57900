// ndj-dora's intake: the records of a RecordReader parsed and read into
// events on worker threads, then inserted into an EventStore in input
// order, so the store is the same for any number of threads.
#pragma once
#include <functional>

#include "core/records.hpp"
#include "dora/dora.hpp"

namespace ndj::dora {

// Reads every record into `store` (not resolved). A bad line is reported
// after the good ones of its batch: after a --strict stop (kStrictStop)
// the store is not to be used.
RecordReader::Status read_records(RecordReader& reader, EventStore& store, unsigned threads);
// The same with the entries `events` reads passed to `insert` batch by
// batch, in input order (ndj-dora --partial writes them).
RecordReader::Status read_records(RecordReader& reader, const EventReader& events,
                                  const std::function<void(const IntakeBatch&)>& insert, unsigned threads);

}  // namespace ndj::dora
