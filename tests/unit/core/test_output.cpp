// Output: what reaches the file descriptor, and when.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "core/output.hpp"

using namespace ndj;

namespace {
std::string read_back(FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[256];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}
}  // namespace

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
