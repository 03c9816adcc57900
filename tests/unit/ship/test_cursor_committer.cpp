// Coalesced cursor commits: the newest position per file, at most once per
// interval, everything pending written by finish() (or the destructor),
// errors handed back.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "core/atomic_file.hpp"
#include "core/diag.hpp"
#include "ship/cursor_committer.hpp"
#include "unit/scratch.hpp"

using namespace ndj;

namespace {
constexpr TimeNs kHour = 3600 * kNsPerSec;

FilePosition at(const char* path, uint64_t ino, uint64_t offset) {
  return {path, 1, ino, "0123456789abcdef", offset};
}

// The committed offset of each file, in entry order.
std::vector<uint64_t> offsets(const CursorFile& cursor) {
  std::vector<uint64_t> out;
  for (const auto& e : cursor.load()) out.push_back(e.pos.offset);
  return out;
}

// Waits (at most 10 s) for the committer thread to write `want`.
bool committed(const CursorFile& cursor, const std::vector<uint64_t>& want) {
  for (int i = 0; i < 1000 && offsets(cursor) != want; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return offsets(cursor) == want;
}
}  // namespace

TEST_CASE("interval 0 commits each add at once", "[cursor_committer]") {
  test::TempDir tmp;
  CursorCommitter c(tmp.path("state.json"), 0);
  c.add({at("/a", 1, 10)});
  CHECK(offsets(c.file()) == std::vector<uint64_t>{10});
  c.add({at("/a", 1, 20), at("/b", 2, 5)});
  CHECK(offsets(c.file()) == std::vector<uint64_t>{20, 5});
  CommitReport r = c.take_report();
  REQUIRE(r.state);
  CHECK(r.state->files.size() == 2);
  CHECK_FALSE(c.take_report().state);
}

TEST_CASE("positions within an interval share one commit, finish writes the newest", "[cursor_committer]") {
  test::TempDir tmp;
  CursorCommitter c(tmp.path("state.json"), kHour);
  // The first commit is not held back: none came before it.
  c.add({at("/a", 1, 10)});
  REQUIRE(committed(c.file(), {10}));
  c.add({at("/a", 1, 20), at("/b", 2, 5)});
  // Files are told apart by identity: a renamed (rotated) file is the same.
  c.add({at("/a.1", 1, 30), at("/c", 3, 7)});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(offsets(c.file()) == std::vector<uint64_t>{10});
  c.finish();
  CHECK(offsets(c.file()) == std::vector<uint64_t>{30, 5, 7});
  CHECK(c.file().load()[0].pos.path == "/a.1");
  CommitReport r = c.take_report();
  REQUIRE(r.state);
  CHECK(r.state->files.size() == 3);
}

TEST_CASE("the next commit comes once the interval is over", "[cursor_committer]") {
  test::TempDir tmp;
  CursorCommitter c(tmp.path("state.json"), kNsPerSec / 20);
  c.add({at("/a", 1, 10)});
  REQUIRE(committed(c.file(), {10}));
  c.add({at("/a", 1, 20)});
  CHECK(committed(c.file(), {20}));
}

TEST_CASE("without finish, as after an error elsewhere, the destructor commits what is pending", "[cursor_committer]") {
  test::TempDir tmp;
  {
    CursorCommitter c(tmp.path("state.json"), kHour);
    c.add({at("/a", 1, 10)});
    REQUIRE(committed(c.file(), {10}));
    c.add({at("/a", 1, 20)});
    CHECK(offsets(c.file()) == std::vector<uint64_t>{10});
  }
  CHECK(offsets(CursorFile(tmp.path("state.json"))) == std::vector<uint64_t>{20});
}

TEST_CASE("a failed commit is reported and stops the commits", "[cursor_committer]") {
  test::TempDir tmp;
  write_file_atomic(tmp.path("state.json"), "not json\n");
  SECTION("at once") {
    CursorCommitter c(tmp.path("state.json"), 0);
    c.add({at("/a", 1, 10)});
    CHECK_THROWS_AS(c.take_report(), Error);
  }
  SECTION("on the thread") {
    CursorCommitter c(tmp.path("state.json"), kHour);
    c.add({at("/a", 1, 10)});
    c.finish();
    CHECK_THROWS_AS(c.take_report(), Error);
  }
  CHECK(read_file(tmp.path("state.json")) == "not json\n");
}
