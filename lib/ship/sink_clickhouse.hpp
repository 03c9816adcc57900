// ClickHouse's HTTP interface as a sink: each body is NDJSON inserted with
// INSERT INTO T FORMAT JSONEachRow, and an answer is judged by the
// exception code in its body ("Code: 27, e.displayText() = ..."), not by
// its status: ClickHouse answers most errors, a row it cannot parse among
// them, with HTTP 500.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "ship/sink.hpp"

namespace ndj {

// nullopt if `table` is a table name ndj-post can put in a query
// (NAME or DATABASE.NAME, each [A-Za-z_][A-Za-z0-9_]*), else the reason.
std::optional<std::string> clickhouse_table_problem(std::string_view table);

// `url` with the query string of the insert (and, if `skip_unknown`,
// input_format_skip_unknown_fields=1) appended.
std::string clickhouse_insert_url(const std::string& url, const std::string& table, bool skip_unknown);

// The N of "Code: N" at the start of a ClickHouse exception text.
std::optional<int> clickhouse_error_code(std::string_view response);

// What an exception code means for the body that got it: the data's fault
// (kRejected: the body is split to find the bad rows), a passing state of
// the server (kTransient), or a setup only the user can fix (kDenied).
// nullopt for a code not in the table.
std::optional<HttpVerdict> classify_clickhouse_code(int code);

class ClickHouseSink : public Sink {
 public:
  HttpVerdict classify(long status, std::string_view response) const override;
  // ClickHouse names the row it failed on: "(at row N)".
  std::optional<size_t> blamed_record(std::string_view response) const override;
  // "Code: 27 CANNOT_PARSE_INPUT_ASSERTION_FAILED", with what to do about
  // a refusal.
  std::string explain(std::string_view response) const override;
};

}  // namespace ndj
