// Output: what reaches the file descriptor, and when.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "core/output.hpp"
#include "unit/scratch.hpp"

using namespace ndj;
using ndj::test::read_back;

TEST_CASE("an Output destroyed with data writes its complete lines only") {
  FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    Output out(fileno(f));
    out.write("{\"a\":1}\n{\"b\":");  // an error unwinds in the middle of a record
  }
  CHECK(read_back(f) == "{\"a\":1}\n");
  std::fclose(f);
}

TEST_CASE("an Output destroyed without a complete line writes nothing") {
  FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    Output out(fileno(f));
    out.write("{\"partial\":");
  }
  CHECK(read_back(f).empty());
  std::fclose(f);
}
