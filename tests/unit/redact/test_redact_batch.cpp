// Redacting a batch of lines and writing it: marks copied, bad lines
// reported in their place, --strict stopping at the first.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "core/cursor.hpp"
#include "core/output.hpp"
#include "redact/redact_batch.hpp"
#include "unit/scratch.hpp"

using namespace ndj;

namespace {

const std::string kFile = "in.ndjson";

// A batch of `lines` (marks recognised as the reader would), redacted by
// dropping "secret".
void redact_lines(const std::vector<std::string>& lines, WorkBatch<Redacted>& b) {
  uint64_t n = 0;
  for (const auto& text : lines) {
    Record rec;
    rec.text = text;
    rec.is_mark = is_mark(text);
    rec.file = &kFile;
    rec.line = ++n;
    b.lines.add(rec);
  }
  RedactConfig config;
  JsonPath secret;
  std::string why;
  REQUIRE(parse_json_path("secret", secret, why));
  config.default_rules.drop = {secret};
  RecordRedactor redactor(config, "");
  redact_batch(redactor, b);
}

// write_redacted's output and result.
std::string write(const WorkBatch<Redacted>& b, bool strict, bool& went_on) {
  InputOptions opts;
  opts.strict = strict;
  BadLines bad(opts);
  FILE* f = std::tmpfile();
  {
    Output out(fileno(f));
    went_on = write_redacted(b, bad, out);
  }
  std::string text = test::read_back(f);
  std::fclose(f);
  return text;
}

const std::string kMark = "{\"ndj_mark\":{\"path\":\"/x\",\"dev\":1,\"ino\":2,\"fp\":\"0000000000000000\",\"offset\":1}}";

}  // namespace

TEST_CASE("redact_batch redacts records and copies marks", "[redact_batch]") {
  WorkBatch<Redacted> b;
  redact_lines({"{\"a\":1,\"secret\":\"x\"}", kMark, "{\"secret\":2}"}, b);
  CHECK(b.result.out == "{\"a\":1}\n" + kMark + "\n{}\n");
  CHECK(b.lines.failures().empty());
}

TEST_CASE("write_redacted reports bad lines where they were", "[redact_batch]") {
  WorkBatch<Redacted> b;
  redact_lines({"{\"a\":1}", "nope", "{\"b\":", "{\"c\":3,\"secret\":0}"}, b);
  REQUIRE(b.lines.failures().size() == 2);
  CHECK(b.lines.failures()[0].item == 1);
  CHECK(b.lines.failures()[0].pos == 8);  // after "{\"a\":1}\n"
  bool went_on = false;
  CHECK(write(b, false, went_on) == "{\"a\":1}\n{\"c\":3}\n");
  CHECK(went_on);
  CHECK(write(b, true, went_on) == "{\"a\":1}\n");
  CHECK_FALSE(went_on);
}
