// ClickHouse 18.16's exception codes (src/Common/ErrorCodes.cpp), sorted
// by whose fault they are; the classes were checked against a real server
// (tests/scripts/ndj-post-clickhouse.sh).
#include "ship/sink_clickhouse.hpp"

#include <algorithm>
#include <charconv>
#include <cctype>

namespace ndj {

namespace {

struct CodeClass {
  int code;
  HttpVerdict verdict;
  const char* name;
};

// The man page's table (man/ndj-post.1, "SINKS") is this one.
constexpr CodeClass kCodes[] = {
    // The data: a value that does not parse as its column's type, a row
    // that is not an object, a field the table lacks.
    {6, HttpVerdict::kRejected, "CANNOT_PARSE_TEXT"},
    {25, HttpVerdict::kRejected, "CANNOT_PARSE_ESCAPE_SEQUENCE"},
    {26, HttpVerdict::kRejected, "CANNOT_PARSE_QUOTED_STRING"},
    {27, HttpVerdict::kRejected, "CANNOT_PARSE_INPUT_ASSERTION_FAILED"},
    {32, HttpVerdict::kRejected, "ATTEMPT_TO_READ_AFTER_EOF"},
    {33, HttpVerdict::kRejected, "CANNOT_READ_ALL_DATA"},
    {38, HttpVerdict::kRejected, "CANNOT_PARSE_DATE"},
    {41, HttpVerdict::kRejected, "CANNOT_PARSE_DATETIME"},
    {53, HttpVerdict::kRejected, "TYPE_MISMATCH"},
    {69, HttpVerdict::kRejected, "ARGUMENT_OUT_OF_BOUND"},
    {70, HttpVerdict::kRejected, "CANNOT_CONVERT_TYPE"},
    {72, HttpVerdict::kRejected, "CANNOT_PARSE_NUMBER"},
    {117, HttpVerdict::kRejected, "INCORRECT_DATA"},
    {130, HttpVerdict::kRejected, "CANNOT_READ_ARRAY_FROM_TEXT"},
    {131, HttpVerdict::kRejected, "TOO_LARGE_STRING_SIZE"},
    {349, HttpVerdict::kRejected, "CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN"},
    // The server, for now: memory, parts, load, time, the network,
    // replication.
    {159, HttpVerdict::kTransient, "TIMEOUT_EXCEEDED"},
    {173, HttpVerdict::kTransient, "CANNOT_ALLOCATE_MEMORY"},
    {201, HttpVerdict::kTransient, "QUOTA_EXPIRED"},
    {202, HttpVerdict::kTransient, "TOO_MANY_SIMULTANEOUS_QUERIES"},
    {209, HttpVerdict::kTransient, "SOCKET_TIMEOUT"},
    {210, HttpVerdict::kTransient, "NETWORK_ERROR"},
    {225, HttpVerdict::kTransient, "NO_ZOOKEEPER"},
    {236, HttpVerdict::kTransient, "ABORTED"},
    {241, HttpVerdict::kTransient, "MEMORY_LIMIT_EXCEEDED"},
    {242, HttpVerdict::kTransient, "TABLE_IS_READ_ONLY"},
    {243, HttpVerdict::kTransient, "NOT_ENOUGH_SPACE"},
    {252, HttpVerdict::kTransient, "TOO_MANY_PARTS"},
    {279, HttpVerdict::kTransient, "ALL_CONNECTION_TRIES_FAILED"},
    {285, HttpVerdict::kTransient, "TOO_LESS_LIVE_REPLICAS"},
    {319, HttpVerdict::kTransient, "UNKNOWN_STATUS_OF_INSERT"},
    {999, HttpVerdict::kTransient, "KEEPER_EXCEPTION"},
    // The setup: the table, the database, the user, the settings.
    {16, HttpVerdict::kDenied, "NO_SUCH_COLUMN_IN_TABLE"},
    {60, HttpVerdict::kDenied, "UNKNOWN_TABLE"},
    {62, HttpVerdict::kDenied, "SYNTAX_ERROR"},
    {81, HttpVerdict::kDenied, "UNKNOWN_DATABASE"},
    {115, HttpVerdict::kDenied, "UNKNOWN_SETTING"},
    {164, HttpVerdict::kDenied, "READONLY"},
    {192, HttpVerdict::kDenied, "UNKNOWN_USER"},
    {193, HttpVerdict::kDenied, "WRONG_PASSWORD"},
    {194, HttpVerdict::kDenied, "REQUIRED_PASSWORD"},
    {195, HttpVerdict::kDenied, "IP_ADDRESS_NOT_ALLOWED"},
    {291, HttpVerdict::kDenied, "DATABASE_ACCESS_DENIED"},
    {497, HttpVerdict::kDenied, "ACCESS_DENIED"},
    {516, HttpVerdict::kDenied, "AUTHENTICATION_FAILED"},
};

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

std::optional<std::string> clickhouse_table_problem(std::string_view table) {
  size_t dot = table.find('.');
  bool ok = dot == std::string_view::npos
                ? is_identifier(table)
                : is_identifier(table.substr(0, dot)) && is_identifier(table.substr(dot + 1));
  if (ok) return std::nullopt;
  return "expected NAME or DATABASE.NAME (letters, digits, _)";
}

std::string clickhouse_insert_url(const std::string& url, const std::string& table, bool skip_unknown) {
  std::string u = url;
  u += u.find('?') == std::string::npos ? '?' : '&';
  u += "query=INSERT%20INTO%20" + table + "%20FORMAT%20JSONEachRow";
  if (skip_unknown) u += "&input_format_skip_unknown_fields=1";
  return u;
}

std::optional<int> clickhouse_error_code(std::string_view response) {
  size_t at = response.find("Code: ");
  if (at == std::string_view::npos || at > 64) return std::nullopt;
  const char* p = response.data() + at + 6;
  int code = 0;
  auto [end, ec] = std::from_chars(p, response.data() + response.size(), code);
  if (ec != std::errc() || end == p) return std::nullopt;
  return code;
}

std::optional<HttpVerdict> classify_clickhouse_code(int code) {
  for (const auto& c : kCodes)
    if (c.code == code) return c.verdict;
  return std::nullopt;
}

HttpVerdict ClickHouseSink::classify(long status, std::string_view response) const {
  if (status >= 200 && status < 300) return HttpVerdict::kAccepted;
  auto code = clickhouse_error_code(response);
  if (!code) return classify_http_status(status);  // not ClickHouse speaking: a proxy, a balancer
  if (auto v = classify_clickhouse_code(*code)) return *v;
  // A code not in the table that names the value or row it failed on is
  // about the data (18.16 reports an unknown Enum element as code 49).
  if (response.find("(while read the value of key ") != std::string_view::npos ||
      response.find("(at row ") != std::string_view::npos)
    return HttpVerdict::kRejected;
  return classify_http_status(status);
}

std::optional<size_t> ClickHouseSink::blamed_record(std::string_view response) const {
  size_t at = response.find("(at row ");
  if (at == std::string_view::npos) return std::nullopt;
  const char* p = response.data() + at + 8;
  size_t row = 0;
  auto [end, ec] = std::from_chars(p, response.data() + response.size(), row);
  if (ec != std::errc() || end == p || row == 0) return std::nullopt;
  return row;
}

std::string ClickHouseSink::explain(std::string_view response) const {
  auto code = clickhouse_error_code(response);
  if (!code) return "";
  std::string what = "ClickHouse code " + std::to_string(*code);
  for (const auto& c : kCodes) {
    if (c.code != *code) continue;
    what += std::string(" ") + c.name;
    if (*code == 60 || *code == 81) what += ": create the table first (ndj-post(1), SINKS)";
    if (*code >= 192 && *code <= 195) what += ": check --user and --password-file";
  }
  return what;
}

}  // namespace ndj
