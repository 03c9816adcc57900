// Out-of-order acknowledgements never release a mark early.
#include <catch2/catch.hpp>

#include "ship/ack_window.hpp"

using namespace ndj;

namespace {
FilePosition at(uint64_t offset) {
  FilePosition p;
  p.path = "/a";
  p.offset = offset;
  return p;
}
}  // namespace

TEST_CASE("a mark waits for every body before it", "[ack_window]") {
  AckWindow w;
  uint64_t b0 = w.add_body();
  uint64_t b1 = w.add_body();
  w.add_mark(at(10));
  uint64_t b2 = w.add_body();
  w.add_mark(at(20));
  CHECK(w.unsettled() == 3);
  w.settle(b2);  // out of order: nothing may be released
  CHECK(w.take_releasable().empty());
  w.settle(b1);
  CHECK(w.take_releasable().empty());
  w.settle(b0);
  auto r = w.take_releasable();
  REQUIRE(r.size() == 2);
  CHECK(r[0].offset == 10);
  CHECK(r[1].offset == 20);
  CHECK(w.unsettled() == 0);
  CHECK(w.waiting_marks() == 0);
}

TEST_CASE("marks before any body are released at once", "[ack_window]") {
  AckWindow w;
  w.add_mark(at(1));
  auto r = w.take_releasable();
  REQUIRE(r.size() == 1);
  uint64_t b = w.add_body();
  w.add_mark(at(2));
  CHECK(w.take_releasable().empty());
  w.settle(b);
  w.settle(b);       // twice: ignored
  w.settle(b + 5);   // unknown: ignored
  CHECK(w.unsettled() == 0);
  CHECK(w.take_releasable().size() == 1);
}

TEST_CASE("a gap keeps later marks back", "[ack_window]") {
  AckWindow w;
  std::vector<uint64_t> seqs;
  for (int i = 0; i < 100; ++i) {
    seqs.push_back(w.add_body());
    w.add_mark(at(static_cast<uint64_t>(i + 1)));
  }
  for (int i = 99; i >= 1; --i) w.settle(seqs[static_cast<size_t>(i)]);
  CHECK(w.take_releasable().empty());
  w.settle(seqs[0]);
  auto r = w.take_releasable();
  REQUIRE(r.size() == 100);
  CHECK(r.back().offset == 100);
}
