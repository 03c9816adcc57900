// Positional log reading: held partial lines, over-long lines, truncation,
// and the cursor identity rules of DESIGN.md §3.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/cursor.hpp"
#include "tail/log_file.hpp"
#include "unit/scratch.hpp"

using namespace ndj;
using ndj::test::TempDir;
using ndj::test::append;

namespace {

struct Collect : LogLineSink {
  std::vector<std::string> lines, texts;
  std::string overlong_bytes;
  std::vector<uint64_t> overlong_sizes;
  size_t stop_at = SIZE_MAX;  // refuse the line with this index
  bool line(const LogLine& l) override {
    if (lines.size() == stop_at) return false;
    lines.emplace_back(l.raw);
    texts.emplace_back(l.text);
    return true;
  }
  void overlong_part(std::string_view part, bool last) override {
    overlong_bytes.append(part);
    if (last) overlong_bytes.push_back('\n');
  }
  void overlong(uint64_t size, uint64_t) override { overlong_sizes.push_back(size); }
};

void drain(LogFile& f, ChunkBuffer& buf, Collect& c) {
  while (f.read(buf, c) > 0) {
  }
}

}  // namespace

TEST_CASE("complete lines only; a partial last line waits for its newline") {
  TempDir tmp;
  std::string dir = tmp.dir(), path = dir + "/a.ndjson";
  append(path, "\xEF\xBB\xBF{\"a\":1}\r\n{\"a\":2}\n{\"a\":");
  LogFile f(path, 1024);
  ChunkBuffer buf(5);  // tiny chunks: lines straddle reads
  Collect c;
  drain(f, buf, c);
  REQUIRE(c.lines.size() == 2);
  CHECK(c.lines[0] == "\xEF\xBB\xBF{\"a\":1}\r\n");
  CHECK(c.texts[0] == "{\"a\":1}");
  CHECK(c.texts[1] == "{\"a\":2}");
  CHECK(f.offset() == 20);
  CHECK(f.holding());
  append(path, "3}\n");
  drain(f, buf, c);
  REQUIRE(c.lines.size() == 3);
  CHECK(c.lines[2] == "{\"a\":3}\n");
  CHECK(f.offset() == 28);
  CHECK_FALSE(f.holding());
  CHECK(f.line_number_at(20) == 3);
  CHECK(f.line_number_at(0) == 1);
}

TEST_CASE("a file without a complete first line has no fingerprint and is not read") {
  TempDir tmp;
  std::string dir = tmp.dir(), path = dir + "/a.ndjson";
  append(path, "{\"a\"");
  LogFile f(path, 1024);
  ChunkBuffer buf(64);
  Collect c;
  CHECK(f.read(buf, c) == 0);
  CHECK(f.fingerprint().empty());
  append(path, ":1}\n");
  CHECK(f.read(buf, c) == 8);
  CHECK(f.fingerprint() == fingerprint_hex("{\"a\":1}\n"));
}

TEST_CASE("over-long lines are streamed to the sink, counted, and skipped") {
  TempDir tmp;
  std::string dir = tmp.dir(), path = dir + "/a.ndjson";
  std::string big(100, 'x');
  append(path, "{}\n" + big + "\n{}\n" + big);
  LogFile f(path, 50);
  ChunkBuffer buf(16);
  Collect c;
  drain(f, buf, c);
  CHECK(c.lines == std::vector<std::string>{"{}\n", "{}\n"});
  REQUIRE(c.overlong_sizes == std::vector<uint64_t>{101});
  CHECK(f.offset() == 3 + 101 + 3);
  append(path, "\n");
  drain(f, buf, c);
  CHECK(c.overlong_sizes == std::vector<uint64_t>{101, 101});
  CHECK(c.overlong_bytes == big + "\n" + big + "\n");
  CHECK(f.offset() == 3 + 101 + 3 + 101);
  CHECK(f.line_number_at(3 + 101 + 3) == 4);
}

TEST_CASE("a sink that refuses a line leaves it for the next read") {
  TempDir tmp;
  std::string dir = tmp.dir(), path = dir + "/a.ndjson";
  append(path, "1\n2\n3\n");
  LogFile f(path, 50);
  ChunkBuffer buf(64);
  Collect c;
  c.stop_at = 1;
  f.read(buf, c);
  CHECK(c.lines.size() == 1);
  CHECK(f.offset() == 2);
  c.stop_at = SIZE_MAX;
  drain(f, buf, c);
  CHECK(c.lines == std::vector<std::string>{"1\n", "2\n", "3\n"});
}

TEST_CASE("truncation and rewriting restart at 0; resuming counts line numbers lazily") {
  TempDir tmp;
  std::string dir = tmp.dir(), path = dir + "/a.ndjson";
  append(path, "{\"a\":1}\n{\"a\":2}\n");
  LogFile f(path, 1024);
  f.start_at(8);
  ChunkBuffer buf(64);
  Collect c;
  drain(f, buf, c);
  CHECK(c.lines == std::vector<std::string>{"{\"a\":2}\n"});
  CHECK(f.line_number_at(8) == 2);
  CHECK(f.check_rewritten() == LogFile::Change::kNone);
  REQUIRE(truncate(path.c_str(), 0) == 0);
  CHECK(f.check_rewritten() == LogFile::Change::kTruncated);
  CHECK(f.offset() == 0);
  append(path, "{\"b\":1}\n");
  drain(f, buf, c);
  CHECK(c.lines.back() == "{\"b\":1}\n");
  // Rewritten in place, longer: the fingerprint tells.
  {
    std::ofstream o(path, std::ios::binary | std::ios::in | std::ios::out);
    o << "{\"c\":1}\n{\"c\":2}\n";
  }
  CHECK(f.check_rewritten() == LogFile::Change::kReplaced);
}

TEST_CASE("start_at_end starts after the last complete line") {
  TempDir tmp;
  std::string dir = tmp.dir(), path = dir + "/a.ndjson";
  append(path, "{\"a\":1}\n{\"a\":");
  LogFile f(path, 1024);
  f.start_at_end();
  CHECK(f.offset() == 8);
  ChunkBuffer buf(64);
  Collect c;
  append(path, "2}\n");
  drain(f, buf, c);
  CHECK(c.lines == std::vector<std::string>{"{\"a\":2}\n"});
}

TEST_CASE("resume points follow the identity rules of the cursor") {
  TempDir tmp;
  std::string dir = tmp.dir(), path = dir + "/app.ndjson";
  append(path, "{\"a\":1}\n{\"a\":2}\n");
  LogFile f(path, 1024);
  FilePosition pos{absolute_path(path), f.dev(), f.ino(), f.fingerprint(), 8};
  std::vector<CursorEntry> entries{{pos, "", std::nullopt}};

  SECTION("same inode and fingerprint: resume") {
    auto r = find_resume_point(entries, f, true);
    REQUIRE(r.offset);
    CHECK(*r.offset == 8);
  }
  SECTION("offset beyond the end: truncated, start at 0") {
    entries[0].pos.offset = 999;
    auto r = find_resume_point(entries, f, true);
    CHECK(r.reset == ResumePoint::Reset::kTruncated);
    CHECK(r.read_before == 999);
    CHECK(*r.offset == 0);
  }
  SECTION("same path and inode, another first line: rewritten, start at 0") {
    entries[0].pos.fp = "0123456789abcdef";
    auto r = find_resume_point(entries, f, true);
    CHECK(r.reset == ResumePoint::Reset::kRewritten);
    CHECK(r.read_before == 8);
    CHECK(*r.offset == 0);
    entries[0].pos.offset = 999;
    CHECK(find_resume_point(entries, f, true).reset == ResumePoint::Reset::kTruncated);
  }
  SECTION("same path, another inode and first line: the next file, no reset") {
    entries[0].pos.fp = "0123456789abcdef";
    entries[0].pos.ino = f.ino() + 1000000;
    auto r = find_resume_point(entries, f, true);
    CHECK(r.reset == ResumePoint::Reset::kNone);
    CHECK(*r.offset == 0);
  }
  SECTION("old inode gone, same fingerprint (restored copy): resume") {
    entries[0].pos.ino = f.ino() + 1000000;
    auto r = find_resume_point(entries, f, true);
    CHECK(*r.offset == 8);
    REQUIRE(r.replaces);
    CHECK(r.replaces->ino == entries[0].pos.ino);
    CHECK_FALSE(find_resume_point(entries, f, false).replaces);
  }
  SECTION("unknown file") {
    entries[0].pos.path = "/elsewhere";
    entries[0].pos.ino = f.ino() + 1000000;
    CHECK_FALSE(find_resume_point(entries, f, true).offset);
  }
  SECTION("renamed while no one read it: found by inode and fingerprint") {
    entries[0].pos.path = dir + "/old-name.ndjson";
    CHECK(*find_resume_point(entries, f, true).offset == 8);
  }
  SECTION("rotated: the old inode is elsewhere, the new file starts at 0") {
    CHECK(locate_file(pos) == absolute_path(path));
    std::string rotated = dir + "/app.ndjson.1";
    REQUIRE(rename(path.c_str(), rotated.c_str()) == 0);
    append(path, "{\"new\":1}\n");
    LogFile g(path, 1024);
    auto r = find_resume_point(entries, g, true);
    CHECK(*r.offset == 0);
    CHECK_FALSE(r.known);
    CHECK(locate_file(pos) == absolute_path(rotated));
    REQUIRE(unlink(rotated.c_str()) == 0);
    CHECK(locate_file(pos).empty());
  }
}

TEST_CASE("PATH arguments: files, directories, globs") {
  TempDir tmp;
  std::string dir = tmp.dir();
  append(dir + "/b.ndjson", "");
  append(dir + "/a.jsonl", "");
  append(dir + "/c.txt", "");
  append(dir + "/.hidden.ndjson", "");
  CHECK(expand_log_path(dir) == std::vector<std::string>{dir + "/a.jsonl", dir + "/b.ndjson"});
  CHECK(expand_log_path(dir + "/*.txt") == std::vector<std::string>{dir + "/c.txt"});
  CHECK(expand_log_path(dir + "/none*").empty());
  CHECK(expand_log_path(dir + "/missing") == std::vector<std::string>{dir + "/missing"});
}

TEST_CASE("find_mark_line finds mark-like lines at line starts only") {
  const std::string mark = format_mark({"/a", 1, 2, "0123456789abcdef", 3});
  std::string filler;
  for (int i = 0; i < 10; ++i) filler += "{\"x\":{\"ndj_mark\":1},\"n\":" + std::to_string(i) + "}\n";
  // Lines starting "{\"n" are the scan's candidates, turned down one by one.
  for (int i = 0; i < 10; ++i) filler += "{\"ndj\":" + std::to_string(i) + ",\"n\":\"ndj_mark\"}\n";
  CHECK(find_mark_line(filler) == std::string_view::npos);
  CHECK(find_mark_line(mark + "\n" + filler) == 0);
  // Every position, so the vector steps and the scalar tail both see one.
  for (size_t cut = 0; cut <= filler.size(); ++cut) {
    if (cut && filler[cut - 1] != '\n') continue;
    std::string s = filler.substr(0, cut) + mark + "\n" + filler.substr(cut);
    CHECK(find_mark_line(s) == cut);
    CHECK(find_mark_line(s, cut) == cut);
    size_t next = cut + mark.size() + 1;
    CHECK(find_mark_line(s, next) == std::string_view::npos);
  }
  CHECK(find_mark_line("{\"ndj_mar\n{\"ndj_mark\"") == std::string_view::npos);
  CHECK(find_mark_line("a\n" + mark + "\r\n") == 2);
  // The prefix alone is not a mark (the shape is checked at each hit).
  CHECK(find_mark_line("a\n{\"ndj_mark\":\n{\"ndj_mark\":{}}\n") == std::string_view::npos);
}
