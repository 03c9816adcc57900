// Tailer: reading files from a cursor, registering them, following a
// rotation by rename; run_tail's --exit-idle.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "core/cursor.hpp"
#include "core/output.hpp"
#include "tail/tail_loop.hpp"
#include "tail/tailer.hpp"
#include "unit/scratch.hpp"

using namespace ndj;
using ndj::test::append;
using ndj::test::TempDir;

namespace {

// Output lines read back from a temporary file, records and marks apart.
struct Captured {
  FILE* f = std::tmpfile();
  Output out{fileno(f)};
  ~Captured() { std::fclose(f); }
  std::vector<std::string> records, marks;
  void collect() {
    out.flush();
    const std::string all = test::read_back(f);
    std::string line;
    records.clear();
    marks.clear();
    for (size_t start = 0, nl; (nl = all.find('\n', start)) != std::string::npos; start = nl + 1) {
      line = all.substr(start, nl - start);
      (is_mark(line) ? marks : records).push_back(line);
    }
  }
};

// ndj-tail without --follow: every file read to its end once.
void read_once(const TailOptions& o, Captured& c) {
  Tailer t(o, c.out);
  t.scan(true);
  do t.round();
  while (t.any_open());
  t.commit(true);
  c.collect();
  CHECK(t.exit_code() == 0);
}

// ndj-tail LOG --cursor DIR/cursor [--autocommit] [--follow, polling].
TailOptions options(const TempDir& tmp, const std::string& log, bool autocommit, bool follow = false) {
  TailOptions o;
  o.paths = {log};
  o.cursor = tmp.path("cursor");
  o.autocommit = autocommit;
  o.follow = follow;
  o.poll = follow;
  return o;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("a file is read from the cursor's offset, with a mark after its lines", "[tailer]") {
  TempDir tmp;
  const std::string log = tmp.path("app.log");
  append(log, "{\"n\":1}\n{\"n\":2}\n");
  const TailOptions o = options(tmp, log, true);
  {
    Captured c;
    read_once(o, c);
    CHECK(c.records == Lines{"{\"n\":1}", "{\"n\":2}"});
    REQUIRE(c.marks.size() == 1);
    auto pos = parse_mark(c.marks[0]);
    REQUIRE(pos);
    CHECK(pos->path == log);
    CHECK(pos->offset == 16);
  }
  auto entries = CursorFile(o.cursor).load();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].pos.path == log);
  CHECK(entries[0].pos.offset == 16);

  append(log, "{\"n\":3}\n{\"n\":");  // a partial last line is not read
  Captured again;
  read_once(o, again);
  CHECK(again.records == Lines{"{\"n\":3}"});
  CHECK(CursorFile(o.cursor).load().at(0).pos.offset == 24);
}

TEST_CASE("a file is registered in the cursor before its lines are read", "[tailer]") {
  TempDir tmp;
  const std::string log = tmp.path("app.log");
  append(log, "{\"n\":1}\n");
  const TailOptions o = options(tmp, log, false);  // the marks are downstream's to commit
  Captured c;
  read_once(o, c);
  CHECK(c.records == Lines{"{\"n\":1}"});
  auto entries = CursorFile(o.cursor).load();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].pos.path == log);
  CHECK(entries[0].pos.offset == 0);  // registered, nothing acknowledged
  CHECK_FALSE(entries[0].pos.fp.empty());

  Captured again;  // the marks were not committed: read again from 0
  read_once(o, again);
  CHECK(again.records == Lines{"{\"n\":1}"});
}

TEST_CASE("a file renamed away is read to its end, the new one from its start", "[tailer]") {
  TempDir tmp;
  const std::string log = tmp.path("app.log");
  append(log, "{\"gen\":1,\"n\":1}\n");
  const TailOptions o = options(tmp, log, true, true);
  Captured c;
  {
    Tailer t(o, c.out);
    t.scan(true);
    while (t.round() > 0) {
    }
    REQUIRE(std::rename(log.c_str(), (log + ".1").c_str()) == 0);
    append(log + ".1", "{\"gen\":1,\"n\":2}\n");  // a late writer of the old file
    append(log, "{\"gen\":2,\"n\":1}\n");
    t.scan(false);
    for (int i = 0; i < 5; ++i) t.round();
    t.commit(true);
    CHECK(t.exit_code() == 0);
  }
  c.collect();
  // Each file's lines in order; the two files' lines may interleave.
  Lines old_file, new_file;
  for (const auto& r : c.records) (r.starts_with("{\"gen\":1") ? old_file : new_file).push_back(r);
  CHECK(old_file == Lines{"{\"gen\":1,\"n\":1}", "{\"gen\":1,\"n\":2}"});
  CHECK(new_file == Lines{"{\"gen\":2,\"n\":1}"});
  bool old_marked = false, new_marked = false;
  for (const auto& m : c.marks) {
    auto pos = parse_mark(m);
    REQUIRE(pos);
    old_marked |= pos->path == log + ".1" && pos->offset == 32;
    new_marked |= pos->path == log && pos->offset == 16;
  }
  CHECK(old_marked);
  CHECK(new_marked);
  auto entries = CursorFile(o.cursor).load();
  CHECK(entries.size() == 2);
}

TEST_CASE("run_tail follows until --exit-idle of idleness", "[tailer]") {
  TempDir tmp;
  const std::string log = tmp.path("app.log");
  append(log, "{\"n\":1}\n");
  const TailOptions o = options(tmp, log, true, true);
  Captured c;
  TimeNs start = now_ns();
  CHECK(run_tail(o, 10'000'000, 200'000'000, c.out) == 0);  // --poll 10ms --exit-idle 200ms
  TimeNs took = now_ns() - start;
  CHECK(took >= 200'000'000);
  CHECK(took < 5 * kNsPerSec);
  c.collect();
  CHECK(c.records == Lines{"{\"n\":1}"});
  CHECK(CursorFile(o.cursor).load().at(0).pos.offset == 8);
}
