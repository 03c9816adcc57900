// Marks and the cursor file (DESIGN.md §2, §3).
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "core/atomic_file.hpp"
#include "core/cursor.hpp"
#include "core/diag.hpp"
#include "unit/scratch.hpp"

using namespace ndj;

TEST_CASE("marks round-trip and are recognised by prefix") {
  FilePosition pos{"/abs/app \"1\".ndjson", 2049, 131, "9ae16a3b2f90404f", 48213};
  std::string mark = format_mark(pos);
  CHECK(mark ==
        "{\"ndj_mark\":{\"path\":\"/abs/app \\\"1\\\".ndjson\",\"dev\":2049,\"ino\":131,"
        "\"fp\":\"9ae16a3b2f90404f\",\"offset\":48213}}");
  CHECK(is_mark(mark));
  CHECK_FALSE(is_mark("{\"ndj_markx\":1}"));
  CHECK_FALSE(is_mark(" {\"ndj_mark\":{}}"));
  auto back = parse_mark(mark);
  REQUIRE(back);
  CHECK(back->path == pos.path);
  CHECK(back->offset == 48213);
  CHECK_FALSE(parse_mark("{\"ndj_mark\":{\"path\":\"/x\"}}"));
}

TEST_CASE("only the exact mark shape is a mark") {
  const std::string good =
      R"({"ndj_mark":{"path":"/a","dev":1,"ino":2,"fp":"0123456789abcdef","offset":3}})";
  CHECK(is_mark(good));
  CHECK(is_mark(R"({"ndj_mark": {"path": "/a", "dev": 1, "ino": 2, "fp": "0123456789abcdef", "offset": 3}})"));
  for (const char* fake : {
           R"({"ndj_mark":"ghp_0123456789abcdef0123456789abcdef0123"})",
           R"({"ndj_mark":{}})",
           R"({"ndj_mark":{"path":"/a","dev":1,"ino":2,"fp":"0123456789abcdef","offset":3}} )"
           R"(x)",
           R"({"ndj_mark":{"path":"/a","dev":1,"ino":2,"fp":"0123456789abcdef","offset":3},"x":1})",
           R"({"ndj_mark":{"path":"/a","dev":1,"ino":2,"fp":"0123456789abcdef","offset":3,"x":1}})",
           R"({"ndj_mark":{"dev":1,"path":"/a","ino":2,"fp":"0123456789abcdef","offset":3}})",
           R"({"ndj_mark":{"path":1,"dev":1,"ino":2,"fp":"0123456789abcdef","offset":3}})",
           R"({"ndj_mark":{"path":"/a","dev":-1,"ino":2,"fp":"0123456789abcdef","offset":3}})",
           R"({"ndj_mark":{"path":"/a","dev":1,"ino":2.5,"fp":"0123456789abcdef","offset":3}})",
           R"({"ndj_mark":{"path":"/a","dev":1,"ino":2,"fp":"00","offset":3}})",
           R"({"ndj_mark":{"path":"/a","dev":1,"ino":2,"fp":"0123456789ABCDEF","offset":3}})",
           R"({"ndj_mark":{"path":"/a","dev":1,"ino":2,"fp":"0123456789abcdef","offset":"3"}})",
       }) {
    INFO(fake);
    CHECK_FALSE(is_mark(fake));
    CHECK_FALSE(parse_mark(fake));
  }
}

namespace {
// The position of the file at `path` (created with `content`).
FilePosition file_at(const std::string& path, const std::string& content, uint64_t offset) {
  write_file_atomic(path, content);
  int fd = open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  struct stat st;
  REQUIRE(fstat(fd, &st) == 0);
  FilePosition pos{path, static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                   file_fingerprint(fd).value_or(""), offset};
  close(fd);
  return pos;
}
}  // namespace

TEST_CASE("cursor commits merge by file identity and are 0600") {
  test::TempDir tmp;
  const std::string& dir = tmp.dir();
  CursorFile cursor(dir + "/state.json");
  CHECK(cursor.load().empty());
  FilePosition a = file_at(dir + "/a.ndjson", "{\"a\":1}\n{\"a\":2}\n", 8);
  FilePosition b = file_at(dir + "/b.ndjson", "{\"b\":1}\n", 8);
  cursor.commit({a, b});
  a.offset = 16;
  cursor.commit({a});
  auto entries = cursor.load();
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].pos == a);
  CHECK(entries[1].pos == b);
  // A rotated generation: another file at a's path, with an entry of its own.
  REQUIRE(rename(a.path.c_str(), (dir + "/a.ndjson.1").c_str()) == 0);
  FilePosition a2 = file_at(dir + "/a.ndjson", "{\"a\":3}\n", 8);
  cursor.commit({a2});
  entries = cursor.load();
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].pos.offset == 16);
  CHECK(entries[2].pos == a2);
  struct stat st;
  REQUIRE(stat((dir + "/state.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("a late mark for a file whose entry moved on is dropped, not brought back") {
  test::TempDir tmp;
  const std::string& dir = tmp.dir();
  CursorFile cursor(dir + "/state.json");
  FilePosition old = file_at(dir + "/app.ndjson", "{\"a\":1}\n{\"a\":2}\n", 8);
  cursor.commit({old});
  // ndj-prune replaces the file and moves the entry to the new one.
  FilePosition pruned = file_at(dir + "/app.ndjson", "{\"a\":2}\n", 0);
  REQUIRE(pruned.ino != old.ino);
  cursor.update([&](CursorState& state) {
    state.files.clear();
    return add_new_entries(state, {{pruned, "", std::nullopt}});
  });
  old.offset = 16;  // in flight when the prune ran
  cursor.commit({old});
  auto entries = cursor.load();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].pos == pruned);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("entries of files gone after being shipped are swept; losses are kept") {
  test::TempDir tmp;
  const std::string& dir = tmp.dir();
  CursorFile cursor(dir + "/state.json");
  FilePosition done = file_at(dir + "/done.ndjson", "{\"a\":1}\n", 8);
  FilePosition half = file_at(dir + "/half.ndjson", "{\"a\":1}\n{\"a\":2}\n", 8);
  FilePosition live = file_at(dir + "/live.ndjson", "{\"a\":1}\n", 8);
  cursor.update([&](CursorState& state) {
    return add_new_entries(state, {{done, "", 8}, {half, "", 16}, {live, "", 8}});
  });
  unlink(done.path.c_str());
  unlink(half.path.c_str());
  std::vector<std::string> dropped;
  cursor.commit({}, true, &dropped);
  CHECK(dropped == std::vector<std::string>{done.path});
  auto state = cursor.load_state();
  REQUIRE(state.files.size() == 2);
  CHECK(state.files[0].pos == half);
  CHECK(*state.files[0].size == 16);
  for (int i = 0; i < 120; ++i)
    cursor.update([&](CursorState& s) {
      return record_loss(s, half, {half.path, 8, 8, "2026-12-06T00:00:00Z"});
    });
  state = cursor.load_state();
  CHECK(state.files.size() == 1);
  CHECK(state.lost.size() == CursorFile::kLostKept);
  CHECK(state.lost_bytes == 960);
  CHECK(state.lost[0].path == half.path);
  CHECK(*state.lost[0].bytes == 8);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("a corrupt or future cursor is an error and stays untouched") {
  test::TempDir tmp;
  const std::string& dir = tmp.dir();
  std::string path = dir + "/state.json";
  CursorFile cursor(path);
  write_file_atomic(path, "{\"version\":99,\"files\":[]}");
  REQUIRE_THROWS_AS(cursor.load(), Error);
  REQUIRE_THROWS_AS(cursor.commit({{"/a", 1, 2, "aaaa", 10}}), Error);
  CHECK(*read_file(path) == "{\"version\":99,\"files\":[]}");
  write_file_atomic(path, "{\"version\":1,\"files\":[{\"path\":\"/a\"");
  try {
    cursor.load();
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == kExitFailure);
    CHECK(std::string(e.what()).find("corrupt cursor file") != std::string::npos);
  }
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("fingerprint is XXH3 of the first line, newline included") {
  test::TempDir tmp;
  const std::string& dir = tmp.dir();
  std::string path = dir + "/log.ndjson";
  write_file_atomic(path, "{\"a\":1}");
  int fd = open(path.c_str(), O_RDONLY);
  CHECK_FALSE(file_fingerprint(fd));  // no complete line yet
  close(fd);
  write_file_atomic(path, "{\"a\":1}\n{\"b\":2}\n");
  fd = open(path.c_str(), O_RDONLY);
  auto fp = file_fingerprint(fd);
  close(fd);
  REQUIRE(fp);
  CHECK(*fp == fingerprint_hex("{\"a\":1}\n"));
  CHECK(fp->size() == 16);
  std::system(("rm -rf " + dir).c_str());
}
