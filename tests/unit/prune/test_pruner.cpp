// ndj-prune's engine on real files in a temporary directory: with a cursor,
// records that are both shipped and expired go and every other record
// stays; the cursor entry follows the rewritten file; without a cursor,
// age alone decides. As tests/scripts/ndj-prune-*.sh do from the shell.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "unit/scratch.hpp"
#include "core/cursor.hpp"
#include "prune/pruner.hpp"

using namespace ndj;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

uint64_t inode(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

// The position of `path` as ndj-tail would commit it, shipped up to `offset`.
FilePosition position(const std::string& path, uint64_t offset) {
  int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  struct stat st;
  REQUIRE(::fstat(fd, &st) == 0);
  auto fp = file_fingerprint(fd);
  ::close(fd);
  REQUIRE(fp);
  return {path, static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), *fp, offset};
}

std::optional<CursorEntry> entry_of(const std::string& cursor, const std::string& path) {
  for (const auto& e : CursorFile(cursor).load())
    if (e.pos.path == path) return e;
  return std::nullopt;
}

std::string rec(const std::string& day, int n) {
  return R"({"ts":")" + day + R"(T00:00:00Z","n":)" + std::to_string(n) + "}\n";
}

constexpr TimeNs kNow = 1795305600LL * kNsPerSec;  // 2026-11-22T00:00:00Z

PruneOptions options(const std::vector<std::string>& files, const std::string& cursor) {
  PruneOptions o;
  o.input.files = files;
  o.cursor = cursor;
  o.now = kNow;
  o.older_than = int64_t{90} * 86400 * kNsPerSec;
  return o;
}

// What prune() writes on standard output (filter mode, --dry-run).
std::string stdout_of(const PruneOptions& o, int& rc) {
  std::cout.flush();
  return test::written_to_fd([&](int fd) {
    int saved = ::dup(1);
    ::dup2(fd, 1);
    rc = prune(o);
    ::dup2(saved, 1);
    ::close(saved);
  });
}

}  // namespace

TEST_CASE("in place: shipped and expired records go, unshipped or recent ones stay") {
  test::TempDir d;
  const std::string log = d.path("a.ndjson"), cursor = d.path("cursor.json");
  // old, new, old, old | shipped up to here | old, new
  const std::vector<std::string> a = {rec("2020-01-01", 0), rec("2026-11-20", 1), rec("2020-01-02", 2),
                                      rec("2020-01-03", 3), rec("2020-01-04", 4), rec("2026-11-21", 5)};
  std::string data;
  for (const auto& r : a) data += r;
  const uint64_t shipped = a[0].size() + a[1].size() + a[2].size() + a[3].size();
  write_file(log, data);
  const uint64_t old_inode = inode(log);
  CursorFile(cursor).commit({position(log, shipped)});

  auto o = options({log}, cursor);
  o.in_place = true;
  CHECK(prune(o) == 0);

  const std::string now = read_file(log);
  CHECK(now == a[1] + a[4] + a[5]);
  // The entry follows the new file: reading it from the new offset gives
  // exactly what was unshipped before.
  auto e = entry_of(cursor, log);
  REQUIRE(e);
  CHECK(inode(log) != old_inode);
  CHECK(e->pos.ino == inode(log));
  CHECK(e->pos == position(log, e->pos.offset));
  CHECK(now.substr(e->pos.offset) == data.substr(shipped));
}

TEST_CASE("in place: a file shipped whole and expired whole is removed, its entry kept") {
  test::TempDir d;
  const std::string log = d.path("b.ndjson"), cursor = d.path("cursor.json");
  const std::string data = rec("2020-01-01", 0) + rec("2020-01-02", 1);
  write_file(log, data);
  CursorFile(cursor).commit({position(log, data.size())});
  auto o = options({log}, cursor);
  o.in_place = true;
  CHECK(prune(o) == 0);
  CHECK_FALSE(exists(log));
  auto e = entry_of(cursor, log);
  REQUIRE(e);
  CHECK(e->pos.offset == data.size());
}

TEST_CASE("in place: nothing goes from a file the cursor does not know or knows as another file") {
  test::TempDir d;
  const std::string known_half = d.path("half.ndjson"), unknown = d.path("unknown.ndjson"),
                    other = d.path("other.ndjson"), cursor = d.path("cursor.json");
  const std::string data = rec("2020-01-01", 0) + rec("2020-01-02", 1);
  for (const auto& f : {known_half, unknown, other}) write_file(f, data);
  FilePosition stale = position(other, data.size());
  stale.fp = "0123456789abcdef";  // another file once had this name
  CursorFile(cursor).commit({position(known_half, rec("2020-01-01", 0).size()), stale});
  const uint64_t unknown_inode = inode(unknown), other_inode = inode(other);
  auto o = options({known_half, unknown, other}, cursor);
  o.in_place = true;
  CHECK(prune(o) == 0);
  CHECK(read_file(known_half) == rec("2020-01-02", 1));  // only the shipped half went
  CHECK(read_file(unknown) == data);
  CHECK(inode(unknown) == unknown_inode);
  CHECK(read_file(other) == data);
  CHECK(inode(other) == other_inode);
}

TEST_CASE("as a filter: the same verdicts on standard output, the file untouched") {
  test::TempDir d;
  const std::string log = d.path("a.ndjson"), cursor = d.path("cursor.json");
  const std::string data = rec("2020-01-01", 0) + rec("2026-11-20", 1) + rec("2020-01-02", 2);
  write_file(log, data);
  CursorFile(cursor).commit({position(log, rec("2020-01-01", 0).size() + rec("2026-11-20", 1).size())});
  int rc = -1;
  CHECK(stdout_of(options({log}, cursor), rc) == rec("2026-11-20", 1) + rec("2020-01-02", 2));
  CHECK(rc == 0);
  CHECK(read_file(log) == data);

  // --dry-run -i: one line of what the rewrite would do.
  auto o = options({log}, cursor);
  o.in_place = o.dry_run = true;
  CHECK(stdout_of(o, rc) == R"({"file":")" + log +
                                R"(","kept":2,"pruned":1,"undated":0,"invalid":0,"bytes_before":)" +
                                std::to_string(data.size()) + R"(,"bytes_after":)" +
                                std::to_string(data.size() - rec("2020-01-01", 0).size()) +
                                R"(,"action":"rewrite"})"
                                "\n");
  CHECK(read_file(log) == data);
}

TEST_CASE("without a cursor, age alone decides; undated records stay unless asked") {
  test::TempDir d;
  const std::string log = d.path("a.ndjson");
  const std::string undated = "{\"n\":9}\n";
  write_file(log, rec("2020-01-01", 0) + undated + rec("2026-11-20", 1));
  auto o = options({log}, "");
  o.in_place = true;
  CHECK(prune(o) == 0);
  CHECK(read_file(log) == undated + rec("2026-11-20", 1));
  o.drop_undated = true;
  CHECK(prune(o) == 0);
  CHECK(read_file(log) == rec("2026-11-20", 1));
}

TEST_CASE("--max-size drops the oldest shipped records until the file fits") {
  test::TempDir d;
  const std::string log = d.path("a.ndjson"), cursor = d.path("cursor.json");
  std::string data;
  for (int i = 0; i < 4; ++i) data += rec("2026-11-2" + std::to_string(i), i);  // all recent
  write_file(log, data);
  const size_t one = rec("2026-11-20", 0).size();
  CursorFile(cursor).commit({position(log, 3 * one)});  // the last record is unshipped
  auto o = options({log}, cursor);
  o.older_than.reset();
  o.in_place = true;
  o.max_size = 2 * one;
  CHECK(prune(o) == 0);
  CHECK(read_file(log) == rec("2026-11-22", 2) + rec("2026-11-23", 3));
  o.max_size = 1;  // cannot be met: the unshipped record stays
  CHECK(prune(o) == 0);
  CHECK(read_file(log) == rec("2026-11-23", 3));
}
