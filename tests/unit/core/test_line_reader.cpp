// The line reader: boundaries, CRLF, BOM, long lines, a missing final newline.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/line_reader.hpp"

using namespace ndj;

namespace {
struct Pipe {
  int r, w;
  Pipe() {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    r = fds[0];
    w = fds[1];
  }
  ~Pipe() { close(r); }
};

// Feeds `data` through a pipe from another thread in pieces of `piece` bytes.
std::vector<std::pair<LineReader::Status, std::string>> read_all(const std::string& data, size_t max_line,
                                                                   size_t piece = 7,
                                                                   std::string* overflow = nullptr) {
  Pipe p;
  std::thread writer([&] {
    for (size_t i = 0; i < data.size(); i += piece) {
      size_t n = std::min(piece, data.size() - i);
      // Catch2 assertions are not thread-safe: fail hard instead.
      if (write(p.w, data.data() + i, n) != static_cast<ssize_t>(n)) std::abort();
    }
    close(p.w);
  });
  LineReader reader(p.r, "<test>", max_line);
  if (overflow)
    reader.set_overflow_sink([overflow](std::string_view s, bool last) {
      overflow->append(s);
      if (last) overflow->push_back('|');
    });
  std::vector<std::pair<LineReader::Status, std::string>> out;
  Line line;
  for (;;) {
    auto st = reader.next(line);
    if (st == LineReader::Status::kEof) break;
    std::string text(line.text);
    if (st == LineReader::Status::kLine && !line.complete) text += "<noeol>";
    out.emplace_back(st, text);
  }
  writer.join();
  return out;
}
}  // namespace

TEST_CASE("lines split on LF, CRLF stripped, BOM only on line 1") {
  auto lines = read_all("\xEF\xBB\xBF{\"a\":1}\r\n{\"b\":2}\n\xEF\xBB\xBF{}\n", 1024);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].second == "{\"a\":1}");
  CHECK(lines[1].second == "{\"b\":2}");
  CHECK(lines[2].second == "\xEF\xBB\xBF{}");
}

TEST_CASE("a last line without newline is handed out and marked") {
  auto lines = read_all("{\"a\":1}\n{\"b\":", 1024);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].second == "{\"b\":<noeol>");
}

TEST_CASE("empty input and empty lines") {
  CHECK(read_all("", 1024).empty());
  auto lines = read_all("\n\n", 1024);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].second.empty());
}

TEST_CASE("over-long lines are skipped alone, the next line survives") {
  std::string big(5000, 'x');
  std::string overflow;
  auto lines = read_all("{}\n" + big + "\n{\"after\":1}\n", 1000, 333, &overflow);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].second == "{}");
  CHECK(lines[1].first == LineReader::Status::kTooLong);
  CHECK(lines[2].second == "{\"after\":1}");
  CHECK(overflow == big + "|");
}

TEST_CASE("line numbers, offsets and large inputs across buffer refills") {
  std::string data;
  for (int i = 0; i < 200000; ++i) data += "{\"i\":" + std::to_string(i) + ",\"pad\":\"" + std::string(i % 50, 'p') + "\"}\n";
  Pipe p;
  std::thread writer([&] {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = write(p.w, data.data() + off, std::min<size_t>(65536, data.size() - off));
      if (n <= 0) std::abort();
      off += static_cast<size_t>(n);
    }
    close(p.w);
  });
  LineReader reader(p.r, "<test>");
  Line line;
  uint64_t count = 0;
  while (reader.next(line) == LineReader::Status::kLine) {
    ++count;
    if (line.number != count || line.text.substr(0, 5) != "{\"i\":") break;
  }
  writer.join();
  CHECK(count == 200000);
  CHECK(reader.offset() == data.size());
}

TEST_CASE("LineReader gives the raw bytes of complete lines") {
  char path[] = "/tmp/ndj-unit-raw-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  std::string data = "\xEF\xBB\xBF{\"a\":1}\r\n{}\npartial";
  REQUIRE(write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
  LineReader reader(fd, path);
  Line line;
  REQUIRE(reader.next(line) == LineReader::Status::kLine);
  CHECK(line.text == "{\"a\":1}");
  CHECK(line.raw == "\xEF\xBB\xBF{\"a\":1}\r\n");
  REQUIRE(reader.next(line) == LineReader::Status::kLine);
  CHECK(line.raw == "{}\n");
  REQUIRE(reader.next(line) == LineReader::Status::kLine);
  CHECK_FALSE(line.complete);
  CHECK(line.raw.empty());
  close(fd);
  unlink(path);
}

TEST_CASE("keep_held_lines: held lines stay intact across refills, free buffers are reused") {
  char path[] = "/tmp/ndj-unit-held-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  // 12 MB of distinct lines: three 4 MiB buffers and more.
  std::string data;
  for (int i = 0; data.size() < 12'000'000; ++i)
    data += "{\"i\":" + std::to_string(i) + ",\"pad\":\"" + std::string(i % 3000, 'a' + i % 26) + "\"}\n";
  REQUIRE(write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
  LineReader reader(fd, path);
  reader.keep_held_lines();
  struct Held {
    std::shared_ptr<const char[]> buffer;
    std::string_view text;
    size_t at;  // where the line is in `data`
  };
  std::vector<Held> held;
  std::vector<const char*> buffers;
  Line line;
  size_t at = 0;
  bool intact = true;
  while (reader.next(line) == LineReader::Status::kLine) {
    // Every 50th line is held until 40 later ones have been read, as bodies
    // in flight are; the others are let go at once.
    if (line.number % 50 == 0) held.push_back({reader.buffer(), line.text, at});
    at += line.raw_size;
    if (std::find(buffers.begin(), buffers.end(), reader.buffer().get()) == buffers.end())
      buffers.push_back(reader.buffer().get());
    if (!held.empty() && line.number % 50 == 40) {
      intact &= held.front().text == std::string_view(data).substr(held.front().at, held.front().text.size());
      held.erase(held.begin());
    }
  }
  CHECK(intact);
  CHECK(at == data.size());
  // A held buffer is set aside, not overwritten, and reused once let go:
  // a handful of buffers for the whole input.
  CHECK(buffers.size() >= 2);
  CHECK(buffers.size() <= 3);
  close(fd);
  unlink(path);
}
