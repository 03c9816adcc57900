// ndj-emit --stdin: valid lines written, marks and blanks skipped, invalid
// lines reported and the exit status saying so.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "core/diag.hpp"
#include "core/output.hpp"
#include "emit/emit_lines.hpp"
#include "unit/scratch.hpp"

using namespace ndj;
using ndj::test::read_back;

namespace {
// Runs append_validated_lines on `text` to standard output (a temporary
// file here); returns the exit status and what was written.
int append_text(const std::string& text, const InputOptions& input, std::string& written) {
  FILE* in = std::tmpfile();
  FILE* out_file = std::tmpfile();
  std::fwrite(text.data(), 1, text.size(), in);
  std::rewind(in);
  int rc;
  {
    Output out(fileno(out_file));
    rc = append_validated_lines(fileno(in), input, {"", 1000}, out);
  }
  written = read_back(out_file);
  std::fclose(in);
  std::fclose(out_file);
  return rc;
}
}  // namespace

TEST_CASE("append_validated_lines writes the valid lines only", "[emit_lines]") {
  std::string written;
  int rc = append_text(
      "{\"a\":1}\n"
      "\n"
      "{\"ndj_mark\":{\"path\":\"/x\",\"dev\":1,\"ino\":2,\"fp\":\"0000000000000000\",\"offset\":1}}\n"
      "[2]\r\n"
      "{\"b\":\n"
      "{\"c\":3}",
      InputOptions{}, written);
  CHECK(rc == kExitDataError);
  CHECK(written == "{\"a\":1}\n[2]\n{\"c\":3}\n");
}

TEST_CASE("append_validated_lines stops at the first invalid line with --strict", "[emit_lines]") {
  InputOptions input;
  input.strict = true;
  std::string written;
  CHECK(append_text("{\"a\":1}\nnope\n{\"c\":3}\n", input, written) == kExitDataError);
  CHECK(written == "{\"a\":1}\n");
}

TEST_CASE("append_validated_lines exits 0 when every line is valid", "[emit_lines]") {
  std::string written;
  CHECK(append_text("{\"a\":1}\n[]\n", InputOptions{}, written) == kExitOk);
  CHECK(written == "{\"a\":1}\n[]\n");
}
