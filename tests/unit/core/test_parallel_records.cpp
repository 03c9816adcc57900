// Parallel records: batches worked on several threads, consumed in input
// order, marks kept where they were.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/cursor.hpp"
#include "core/output.hpp"
#include "core/parallel_records.hpp"
#include "unit/scratch.hpp"

using namespace ndj;

namespace {

using Batch = WorkBatch<int>;

// Later batches finish first: batch i sleeps (n - i) ms.
void slow_first(Batch& b, int n) {
  std::this_thread::sleep_for(std::chrono::milliseconds(n - b.result));
  b.result *= 10;
}

}  // namespace

TEST_CASE("OrderedWorkers consumes batches in submission order", "[parallel]") {
  constexpr int kBatches = 20;
  std::vector<int> seen;
  {
    OrderedWorkers<Batch> pool(
        4, [&](Batch& b, unsigned) { slow_first(b, kBatches); },
        [&](Batch& b) {
          seen.push_back(b.result);
          return true;
        });
    for (int i = 0; i < kBatches; ++i) {
      pool.filling().result = i;
      REQUIRE(pool.submit());
    }
    REQUIRE(pool.drain());
  }
  std::vector<int> expected;
  for (int i = 0; i < kBatches; ++i) expected.push_back(i * 10);
  CHECK(seen == expected);
}

TEST_CASE("OrderedWorkers stops when a consume call says so", "[parallel]") {
  std::vector<int> seen;
  OrderedWorkers<Batch> pool(
      3, [&](Batch& b, unsigned) { slow_first(b, 10); },
      [&](Batch& b) {
        seen.push_back(b.result);
        return b.result != 30;
      });
  bool going = true;
  for (int i = 0; i < 10 && going; ++i) {
    pool.filling().result = i;
    going = pool.submit();
  }
  if (going) CHECK_FALSE(pool.drain());
  CHECK(seen == std::vector<int>{0, 10, 20, 30});
}

TEST_CASE("a worker's exception is rethrown at its batch's turn", "[parallel]") {
  std::vector<int> seen;
  OrderedWorkers<Batch> pool(
      2,
      [&](Batch& b, unsigned) {
        if (b.result == 2) throw std::runtime_error("batch 2 failed");
        slow_first(b, 5);
      },
      [&](Batch& b) {
        seen.push_back(b.result);
        return true;
      });
  auto run = [&] {
    for (int i = 0; i < 5; ++i) {
      pool.filling().result = i;
      pool.submit();
    }
    pool.drain();
  };
  CHECK_THROWS_WITH(run(), "batch 2 failed");
  CHECK(seen == std::vector<int>{0, 10});
}

TEST_CASE("run_batches hands back every record and mark in input order", "[parallel]") {
  test::TempDir tmp;
  const std::string path = tmp.path("in.ndjson");
  std::string input;
  FilePosition pos{path, 1, 2, "0123456789abcdef", 0};
  for (int i = 0; i < 40000; ++i) {  // about 1.5 MB: several batches
    std::string line = "{\"i\":" + std::to_string(i) + ",\"pad\":\"xxxxxxxxxxxxxxxx\"}";
    if (i % 5000 == 4999) {
      pos.offset = i;
      line = format_mark(pos);
    }
    input += line + "\n";
  }
  test::append(path, input);

  struct Copy {
    std::string text;
    size_t marks = 0;
  };
  InputOptions opts;
  opts.files = {path};
  std::string got;
  size_t marks = 0, batches = 0;
  RecordReader::Status st;
  int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  REQUIRE(null_fd >= 0);
  {
    Output out(null_fd);
    RecordReader reader(opts, out, RecordReader::Validation::kNone);
    st = run_batches<Copy>(
        reader, 4,
        [](WorkBatch<Copy>& b, unsigned) {
          b.result.text.clear();
          b.result.marks = 0;
          for (const auto& item : b.lines.items()) {
            b.result.text.append(b.lines.text(item)).push_back('\n');
            b.result.marks += item.mark;
          }
        },
        [&](WorkBatch<Copy>& b) {
          got += b.result.text;
          marks += b.result.marks;
          ++batches;
          return true;
        });
  }
  ::close(null_fd);
  CHECK(st == RecordReader::Status::kEnd);
  CHECK(batches > 4);
  CHECK(marks == 8);
  CHECK(got == input);
}
