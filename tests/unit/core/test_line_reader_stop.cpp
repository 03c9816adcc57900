// A wait hook can end the wait for input (a sink that has failed).
#include <catch2/catch.hpp>
#include <unistd.h>

#include "core/line_reader.hpp"

using namespace ndj;

TEST_CASE("a wait hook returning kStopWaiting stops the reader", "[line_reader]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  REQUIRE(write(fds[1], "{\"a\":1}\n", 8) == 8);
  LineReader reader(fds[0], "<pipe>");
  int calls = 0;
  reader.set_wait_hook([&] { return ++calls < 3 ? 0 : kStopWaiting; });
  Line line;
  REQUIRE(reader.next(line) == LineReader::Status::kLine);
  CHECK(line.text == "{\"a\":1}");
  // The pipe stays open and empty: without the hook's answer this would block.
  CHECK(reader.next(line) == LineReader::Status::kStopped);
  CHECK(calls == 3);
  close(fds[0]);
  close(fds[1]);
}
