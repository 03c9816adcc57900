// ndj-flow's text formats of the report tables: an aligned table for the
// terminal (with the throughput's sparkline), NDJSON (one record per row,
// named by its "report" member), one JSON document, and CSV (one header
// and its rows per table, a blank line between tables).
#pragma once
#include <string>
#include <vector>

#include "core/choices.hpp"
#include "flow/flow_reports.hpp"

namespace ndj::flow {

enum class Format { kTable, kNdjson, kJson, kCsv, kHtml };
extern const Choices<Format> kFormats;

// What the JSON document and the page say about the run.
struct ReportHeader {
  TimeNs as_of = 0;
  std::string since;  // the window's first day
  size_t days = 0;
  std::string tz;  // "" is UTC
};

// The tables in `format` (not kHtml: flow_html.hpp).
std::string format_tables(Format format, const ReportHeader& header, const std::vector<Table>& tables);

}  // namespace ndj::flow
