// ndj-flow's report as one self-contained HTML page (--format html): the
// headline cards, the cumulative flow as a stacked area chart, the
// throughput as bars, WIP per lane against its limit, then every table.
// Inline CSS and SVG only: no scripts, fonts, images or links outside the
// page, and nothing but the numbers in it (the same input gives the same
// page).
#pragma once
#include <string>
#include <vector>

#include "flow/flow_output.hpp"

namespace ndj::flow {

// `cfd`: WUs per state (ready, active, blocked, done) at the end of each
// of `days`.
std::string format_html(const ReportHeader& header, const std::vector<Table>& tables,
                        const std::vector<std::string>& days, const std::vector<std::vector<int64_t>>& cfd);

}  // namespace ndj::flow
