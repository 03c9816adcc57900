// In-place log rewrite: owner and mode kept, appended bytes carried over,
// a replaced path detected, the temp file never left behind.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "core/atomic_file.hpp"
#include "prune/log_rewrite.hpp"
#include "unit/scratch.hpp"

using namespace ndj;
using ndj::test::append;

namespace {
void write_all(int fd, const std::string& text) {
  REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
}
}  // namespace

TEST_CASE("LogRewrite replaces the file, keeping its mode and what was appended") {
  test::TempDir tmp;
  std::string dir = tmp.dir(), path = dir + "/app.ndjson";
  append(path, "old\nkeep\n");
  chmod(path.c_str(), 0640);
  {
    LogRewrite rw(path);
    write_all(rw.temp_fd(), "keep\n");
    append(path, "late\n");  // a writer, after we read
    rw.sync_temp();
    REQUIRE(rw.lock());
    CHECK(rw.copy_appended(9) == 14);
    rw.replace();
  }
  CHECK(*read_file(path) == "keep\nlate\n");
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(std::system(("test -z \"$(ls " + dir + " | grep tmp)\"").c_str()) == 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("LogRewrite notices a replaced path and cleans up") {
  test::TempDir tmp;
  std::string dir = tmp.dir(), path = dir + "/app.ndjson";
  append(path, "a\n");
  {
    LogRewrite rw(path);
    write_all(rw.temp_fd(), "b\n");
    write_file_atomic(path, "other\n", 0644);  // another process won the race
    CHECK_FALSE(rw.lock());
  }
  CHECK(*read_file(path) == "other\n");
  CHECK(std::system(("test -z \"$(ls " + dir + " | grep tmp)\"").c_str()) == 0);
  {
    LogRewrite rw(path);
    REQUIRE(rw.lock());
    rw.remove();
  }
  CHECK_FALSE(read_file(path));
  CHECK_THROWS(LogRewrite(dir));  // a directory is not a log
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("LogRewrite refuses a log that is a link unless asked to follow it") {
  test::TempDir tmp;
  std::string dir = tmp.dir(), real = dir + "/real.ndjson", link = dir + "/app.ndjson";
  append(real, "old\nkeep\n");
  chmod(real.c_str(), 0640);
  REQUIRE(symlink(real.c_str(), link.c_str()) == 0);
  CHECK_THROWS_AS(LogRewrite(link), SymlinkRefused);
  CHECK(*read_file(real) == "old\nkeep\n");
  {
    LogRewrite rw(link, true);
    write_all(rw.temp_fd(), "keep\n");
    REQUIRE(rw.lock());
    rw.copy_appended(9);
    rw.replace();
  }
  CHECK(*read_file(real) == "keep\n");
  struct stat st;
  REQUIRE(lstat(link.c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));  // the link stays a link
  REQUIRE(stat(real.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  std::system(("rm -rf " + dir).c_str());
}
