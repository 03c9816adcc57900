// Running helper programs: records split on a delimiter, exit statuses,
// standard error kept for the message, and programs that cannot start.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/child_process.hpp"
#include "core/diag.hpp"

using namespace ndj;

TEST_CASE("records are split on the delimiter, the last one may lack it") {
  ChildProcess p({"printf", "a\\0bb\\0\\0ccc"});
  std::vector<std::string> got;
  std::string_view rec;
  while (p.next(rec, '\0')) got.emplace_back(rec);
  CHECK(got == std::vector<std::string>{"a", "bb", "", "ccc"});
  CHECK(p.wait() == 0);
}

TEST_CASE("a record larger than the buffer is returned whole") {
  ChildProcess p({"head", "-c", "3000000", "/dev/zero"});
  std::string_view rec;
  size_t total = 0, count = 0;
  while (p.next(rec, '\n')) {
    total += rec.size();
    ++count;
  }
  CHECK(count == 1);
  CHECK(total == 3000000);
  CHECK(p.wait() == 0);
}

TEST_CASE("exit status and the last line of standard error") {
  std::string out;
  CHECK(run_and_capture({"sh", "-c", "echo out; echo first >&2; echo 'fatal: bad' >&2; exit 3"}, out) == 3);
  CHECK(out == "out\n");
  ChildProcess p({"sh", "-c", "echo 'fatal: bad revision' >&2; exit 128"});
  CHECK(p.wait() == 128);
  CHECK(p.error_text() == "fatal: bad revision");
  CHECK_THROWS_WITH(run_and_capture({"sh", "-c", "echo 'fatal: nope' >&2; exit 1"}), "sh failed: fatal: nope");
}

TEST_CASE("a program that cannot be started is an error naming it") {
  CHECK_THROWS_WITH(ChildProcess({"ndj-no-such-program"}), "cannot run ndj-no-such-program: No such file or directory");
}

TEST_CASE("stopping early kills the child and is not a failure") {
  ChildProcess p({"yes"});
  std::string_view rec;
  REQUIRE(p.next(rec, '\n'));
  CHECK(rec == "y");
  CHECK(p.wait(true) == 0);
}
