// Batcher: batches cut by count and size, marks held back until the
// records before them are written, end of input.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "core/output.hpp"
#include "ship/batcher.hpp"
#include "unit/scratch.hpp"

using namespace ndj;

namespace {

// What a Batcher writes, read back from a temporary file.
using Sink = test::OutputSink;

BatcherOptions options(size_t max_records, size_t max_bytes) {
  BatcherOptions o;
  o.max_records = max_records;
  o.max_bytes = max_bytes;
  o.linger = 3600 * kNsPerSec;
  return o;
}

}  // namespace

TEST_CASE("a full batch is written as one array line", "[batcher]") {
  Sink s;
  Batcher b(options(2, 1000), s.out);
  b.add({}, "1");
  CHECK(s.text().empty());
  b.add({}, "2");
  CHECK(s.text() == "[1,2]\n");
  b.add({}, "3");
  CHECK(s.text() == "[1,2]\n");
  b.flush_all();
  CHECK(s.text() == "[1,2]\n[3]\n");
}

TEST_CASE("a mark waits until the records before it are written", "[batcher]") {
  Sink s;
  Batcher b(options(3, 1000), s.out);
  b.add_mark("M0");  // nothing before it
  CHECK(s.text() == "M0\n");
  b.add({}, "1");
  b.add_mark("M1");
  b.add({}, "2");
  CHECK(s.text() == "M0\n");
  b.add({}, "3");
  CHECK(s.text() == "M0\n[1,2,3]\nM1\n");
  b.add({}, "4");
  b.add_mark("M2");
  b.add_mark("M3");
  b.flush_all();
  CHECK(s.text() == "M0\n[1,2,3]\nM1\n[4]\nM2\nM3\n");
}

TEST_CASE("a mark waits for every group's batch holding older records", "[batcher]") {
  Sink s;
  Batcher b(options(2, 1000), s.out);
  b.add("\"a\"", "1");
  b.add("\"b\"", "2");
  b.add_mark("M");
  b.add("\"b\"", "3");  // b is full, but a still holds record 1
  CHECK(s.text() == "[2,3]\n");
  b.add("\"a\"", "4");
  CHECK(s.text() == "[2,3]\n[1,4]\nM\n");
}

TEST_CASE("a batch is cut before the record that would make it too long", "[batcher]") {
  Sink s;
  Batcher b(options(1000, 5), s.out);  // "[1,2]" is 5 bytes
  b.add({}, "1");
  b.add({}, "2");
  CHECK(s.text().empty());
  b.add({}, "3");
  CHECK(s.text() == "[1,2]\n");
  b.flush_all();
  CHECK(s.text() == "[1,2]\n[3]\n");
}

TEST_CASE("a record longer than a batch does not fit", "[batcher]") {
  Sink s;
  Batcher plain(options(10, 6), s.out);
  CHECK(plain.fits(4));  // [1234]
  CHECK_FALSE(plain.fits(5));
  BatcherOptions o = options(10, 12);
  o.wrap = "k";
  Batcher wrapped(o, s.out);
  CHECK(wrapped.fits(4));  // {"k":[1234]}
  CHECK_FALSE(wrapped.fits(5));
  wrapped.add({}, "1234");
  wrapped.flush_all();
  CHECK(s.text() == "{\"k\":[1234]}\n");
}

TEST_CASE("end of input writes open batches oldest first, then the marks", "[batcher]") {
  Sink s;
  Batcher b(options(10, 1000), s.out);
  b.add("\"b\"", "1");
  b.add("\"a\"", "2");
  b.add_mark("M");
  b.add("\"b\"", "3");
  b.flush_all();
  CHECK(s.text() == "[1,3]\n[2]\nM\n");
  b.flush_all();  // nothing left
  CHECK(s.text() == "[1,3]\n[2]\nM\n");
}

TEST_CASE("flush_due writes batches older than the linger", "[batcher]") {
  Sink s;
  BatcherOptions young = options(10, 1000);
  Batcher waits(young, s.out);
  CHECK(waits.flush_due() == -1);  // none open
  waits.add({}, "1");
  int ms = waits.flush_due();
  CHECK(ms > 3'500'000);
  CHECK(ms <= 3'600'000);
  CHECK(s.text().empty());

  Sink s2;
  BatcherOptions now = young;
  now.linger = 0;
  Batcher due(now, s2.out);
  due.add({}, "1");
  due.add_mark("M");
  CHECK(due.flush_due() == -1);
  CHECK(s2.text() == "[1]\nM\n");
}

TEST_CASE("past --max-open the oldest batch is written", "[batcher]") {
  Sink s;
  BatcherOptions o = options(10, 1000);
  o.max_open = 2;
  Batcher b(o, s.out);
  b.add("\"x\"", "1");
  b.add("\"y\"", "2");
  b.add("\"x\"", "3");
  b.add("\"z\"", "4");
  CHECK(s.text() == "[1,3]\n");
}
