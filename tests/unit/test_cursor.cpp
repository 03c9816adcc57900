// Marks and the cursor file (DESIGN.md §2, §3).
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "atomic_file.hpp"
#include "cursor.hpp"
#include "diag.hpp"

using namespace ndj;

namespace {
std::string temp_dir() {
  char tmpl[] = "/tmp/ndj-unit-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  return tmpl;
}
}  // namespace

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

TEST_CASE("cursor commits merge by path and are 0600") {
  std::string dir = temp_dir();
  CursorFile cursor(dir + "/state.json");
  CHECK(cursor.load().empty());
  cursor.commit({{{"/a", 1, 2, "aaaa", 10}, ""}, {{"/b", 1, 3, "bbbb", 20}, ""}});
  cursor.commit({{{"/a", 1, 2, "aaaa", 15}, "2026-11-22T10:00:00Z"}});
  auto entries = cursor.load();
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].pos.path == "/a");
  CHECK(entries[0].pos.offset == 15);
  CHECK(entries[0].updated_at == "2026-11-22T10:00:00Z");
  CHECK(entries[1].pos.offset == 20);
  struct stat st;
  REQUIRE(stat((dir + "/state.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("a corrupt or future cursor is an error and stays untouched") {
  std::string dir = temp_dir();
  std::string path = dir + "/state.json";
  CursorFile cursor(path);
  write_file_atomic(path, "{\"version\":99,\"files\":[]}");
  REQUIRE_THROWS_AS(cursor.load(), Error);
  REQUIRE_THROWS_AS(cursor.commit({{{"/a", 1, 2, "aaaa", 10}, ""}}), Error);
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
  std::string dir = temp_dir();
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
