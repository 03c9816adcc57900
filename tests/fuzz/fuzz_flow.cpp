// Fuzz ndj-flow's board and reports: each input line that is valid JSON
// goes to Board::add (a first line that is a --states spec replaces the
// default states), then the board resolves and every report is written in
// every format, as ndj-flow does. Any record is taken or refused with a
// reason; dependencies in any shape (cycles, self-loops, unknown ids)
// never loop or crash.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/line_reader.hpp"
#include "fuzz_lines.hpp"
#include "flow/flow.hpp"
#include "flow/flow_html.hpp"
#include "flow/flow_output.hpp"
#include "flow/flow_reports.hpp"
#include "json/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string> lines = fuzz_lines(data, size);
  ndj::flow::Schema schema;
  if (lines.empty() || ndj::flow::parse_states(lines.front(), schema.states)) {
    if (ndj::flow::parse_states(ndj::flow::kDefaultStates, schema.states)) std::abort();
  }
  schema.epoch = ndj::EpochUnit::kSeconds;
  static ndj::JsonParser parser;
  const ndj::TimeNs as_of = 1'775'000'000LL * ndj::kNsPerSec;
  ndj::flow::Board board(schema, as_of);
  std::string line;
  const std::string file = "in";
  for (size_t i = 0; i < lines.size(); ++i) {
    line.assign(lines[i]);
    line.append(ndj::kLinePadding, '\0');
    if (parser.parse(std::string_view(line.data(), lines[i].size())) != nullptr || !parser.has_root()) continue;
    if (auto why = board.add(parser.root(), file, i + 1); why && why->empty()) std::abort();
  }
  board.resolve([](const std::string&, uint64_t, const std::string& why) {
    if (why.empty()) std::abort();
  });
  ndj::flow::ReportOptions o;
  o.days = 7;
  o.trials = 50;
  o.top = 3;
  o.wip_limits = {{"*", 2}};
  ndj::flow::FlowReports reports(board, o);
  const auto tables = reports.tables(ndj::flow::Report::kReport);
  ndj::flow::ReportHeader header{as_of, reports.day_labels().front(), o.days, ""};
  for (const auto& [name, format] : ndj::flow::kFormats.items) {
    if (format == ndj::flow::Format::kHtml) {
      if (ndj::flow::format_html(header, tables, reports.day_labels(), reports.cumulative_flow()).empty()) std::abort();
    } else if (!tables.empty() && ndj::flow::format_tables(format, header, tables).empty()) {
      std::abort();
    }
  }
  reports.findings();
  return 0;
}
