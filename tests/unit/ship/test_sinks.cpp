// The sinks' pieces: ClickHouse's insert URL, table names, error codes and
// their classes (the texts are a real 18.16 server's answers), and the
// Pushgateway's group URLs.
#include <catch2/catch.hpp>

#include "ship/sink_clickhouse.hpp"
#include "ship/sink_pushgateway.hpp"

using namespace ndj;

namespace {
constexpr const char* kParse =
    "Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected \" before: oops\",\"s\":\"y\"}\\n: "
    "(while read the value of key n): (at row 2)\n, e.what() = DB::Exception\n";
constexpr const char* kEnum =
    "Code: 49, e.displayText() = DB::Exception: Unknown element 'c' for type Enum8('a' = 1, 'b' = 2): "
    "(while read the value of key e), e.what() = DB::Exception\n";
constexpr const char* kTable =
    "Code: 60, e.displayText() = DB::Exception: Table default.nosuch doesn't exist., e.what() = DB::Exception\n";
constexpr const char* kPassword =
    "Code: 193, e.displayText() = DB::Exception: Wrong password for user writer, e.what() = DB::Exception\n";
constexpr const char* kParts =
    "Code: 252, e.displayText() = DB::Exception: Too many parts (300). Merges are processing significantly "
    "slower than inserts., e.what() = DB::Exception\n";
}  // namespace

TEST_CASE("ClickHouse answers are classed by their code, not their status", "[sinks]") {
  ClickHouseSink ch;
  CHECK(ch.classify(200, "") == HttpVerdict::kAccepted);
  CHECK(ch.classify(500, kParse) == HttpVerdict::kRejected);
  CHECK(ch.classify(500, kEnum) == HttpVerdict::kRejected);  // not in the table, but names the value
  CHECK(ch.classify(404, kTable) == HttpVerdict::kDenied);
  CHECK(ch.classify(401, kPassword) == HttpVerdict::kDenied);
  CHECK(ch.classify(500, kParts) == HttpVerdict::kTransient);
  CHECK(ch.classify(500, "Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded") ==
        HttpVerdict::kTransient);
  CHECK(ch.classify(500, "Code: 9999, e.displayText() = something new") == HttpVerdict::kTransient);
  // Not ClickHouse speaking (a proxy in front of it): by status.
  CHECK(ch.classify(502, "<html>Bad Gateway</html>") == HttpVerdict::kTransient);
  CHECK(ch.classify(413, "<html>Request Entity Too Large</html>") == HttpVerdict::kRejected);
  CHECK(ch.classify(403, "forbidden") == HttpVerdict::kDenied);
}

TEST_CASE("ClickHouse names the row it failed on", "[sinks]") {
  ClickHouseSink ch;
  CHECK(ch.blamed_record(kParse) == 2u);
  CHECK(ch.blamed_record(kEnum) == std::nullopt);
  CHECK(ch.blamed_record("(at row 0)") == std::nullopt);
  CHECK(ch.blamed_record("(at row x)") == std::nullopt);
  CHECK(clickhouse_error_code(kPassword) == 193);
  CHECK(clickhouse_error_code("Code: ") == std::nullopt);
  CHECK(clickhouse_error_code("no code here") == std::nullopt);
  CHECK(ch.explain(kTable) == "ClickHouse code 60 UNKNOWN_TABLE: create the table first (ndj-post(1), SINKS)");
  CHECK(ch.explain(kEnum) == "ClickHouse code 49");
  CHECK(ch.explain("<html>") == "");
}

TEST_CASE("ClickHouse insert URLs and table names", "[sinks]") {
  CHECK(clickhouse_insert_url("http://h:8123/", "t", false) ==
        "http://h:8123/?query=INSERT%20INTO%20t%20FORMAT%20JSONEachRow");
  CHECK(clickhouse_insert_url("http://h:8123/?database=x", "db.t", true) ==
        "http://h:8123/?database=x&query=INSERT%20INTO%20db.t%20FORMAT%20JSONEachRow&input_format_skip_unknown_fields=1");
  CHECK_FALSE(clickhouse_table_problem("events"));
  CHECK_FALSE(clickhouse_table_problem("db_1.events_2"));
  for (const char* bad : {"", "1t", "t;drop", "a.b.c", "t x", ".t", "t.", "`t`"}) {
    INFO(bad);
    CHECK(clickhouse_table_problem(bad));
  }
  CHECK(classify_clickhouse_code(27) == HttpVerdict::kRejected);
  CHECK(classify_clickhouse_code(252) == HttpVerdict::kTransient);
  CHECK(classify_clickhouse_code(60) == HttpVerdict::kDenied);
  CHECK(classify_clickhouse_code(12345) == std::nullopt);
}

TEST_CASE("Pushgateway group URLs", "[sinks]") {
  CHECK(pushgateway_url("http://g:9091/", "ci", {}) == "http://g:9091/metrics/job/ci");
  CHECK(pushgateway_url("http://g:9091", "ci", {{"repo", "acme/web"}, {"branch", "main"}, {"env", ""}}) ==
        "http://g:9091/metrics/job/ci/repo@base64/YWNtZS93ZWI=/branch/main/env@base64/=");
  CHECK(pushgateway_url("http://g", "a b", {{"x", "ü?"}}) == "http://g/metrics/job/a%20b/x/%C3%BC%3F");
  CHECK(pushgateway_url("http://g", "j/k", {}) == "http://g/metrics/job@base64/ai9r");
  // The URL-safe alphabet: - and _ where base64 has + and /.
  CHECK(pushgateway_url("http://g", "ci", {{"v", "a/\xfb\xff"}}) == "http://g/metrics/job/ci/v@base64/YS_7_w==");
  CHECK_FALSE(label_name_problem("repo_1"));
  CHECK(label_name_problem("1repo"));
  CHECK(label_name_problem("re-po"));
  CHECK(label_name_problem("__name"));
  CHECK(label_name_problem(""));
}
