// ndj-emit --stdin: valid lines written, marks and blanks skipped, invalid
// lines reported and the exit status saying so.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "core/diag.hpp"
#include "core/output.hpp"
#include "emit/emit_lines.hpp"

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

FILE* file_with(const std::string& text) {
  FILE* f = std::tmpfile();
  std::fwrite(text.data(), 1, text.size(), f);
  std::rewind(f);
  return f;
}
}  // namespace

TEST_CASE("append_validated_lines writes the valid lines only", "[emit_lines]") {
  FILE* in = file_with(
      "{\"a\":1}\n"
      "\n"
      "{\"ndj_mark\":{\"path\":\"/x\",\"dev\":1,\"ino\":2,\"fp\":\"0000000000000000\",\"offset\":1}}\n"
      "[2]\r\n"
      "{\"b\":\n"
      "{\"c\":3}");
  FILE* out_file = std::tmpfile();
  InputOptions input;
  int rc;
  {
    Output out(fileno(out_file));
    rc = append_validated_lines(fileno(in), input, {"", 1000}, out);
  }
  CHECK(rc == kExitDataError);
  CHECK(read_back(out_file) == "{\"a\":1}\n[2]\n{\"c\":3}\n");
  std::fclose(in);
  std::fclose(out_file);
}

TEST_CASE("append_validated_lines stops at the first invalid line with --strict", "[emit_lines]") {
  FILE* in = file_with("{\"a\":1}\nnope\n{\"c\":3}\n");
  FILE* out_file = std::tmpfile();
  InputOptions input;
  input.strict = true;
  int rc;
  {
    Output out(fileno(out_file));
    rc = append_validated_lines(fileno(in), input, {"", 1000}, out);
  }
  CHECK(rc == kExitDataError);
  CHECK(read_back(out_file) == "{\"a\":1}\n");
  std::fclose(in);
  std::fclose(out_file);
}
