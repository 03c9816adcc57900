// The DORA report as one self-contained HTML page (--format html): headline
// numbers with tier and sample size, a trend chart per metric as inline SVG
// with the goal line, small multiples per group and the regression checks.
// No scripts, fonts, images or links outside the page.
#pragma once
#include <string>
#include <vector>

#include "dora/dora.hpp"
#include "dora/dora_report.hpp"
#include "dora/dora_series.hpp"

namespace ndj::dora {

// `window_rows` are the rows of the whole window (EventStore::compute),
// `series` its buckets; the settings' regression checks are listed when set.
std::string format_html(const EventStore& store, const Series& series, const std::vector<GroupMetrics>& window_rows,
                        const ReportSettings& settings);

}  // namespace ndj::dora
