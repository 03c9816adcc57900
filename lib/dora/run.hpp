// The top of lib/dora: from a resolved EventStore to the report ndj-dora
// writes. The rows of the window (or of its buckets), the warnings about
// left-out samples, the window before (--compare previous), the regression
// checks, and the text in the chosen format.
#pragma once
#include "dora/alert_state.hpp"
#include "dora/dora_html.hpp"
#include "dora/dora_series.hpp"
#include "dora/options.hpp"
#include "dora/partial.hpp"
#include "dora/windows.hpp"

namespace ndj::dora {

// Why the window holds no deployment ("0 of 3,652 records fall in the
// window 2026-11-06 to 2026-12-06; the latest deployment is 2026-07-02;
// use --since or --days"), or "" when it holds some. `all`: the window's
// overall row; dates are local days in `zone`.
std::string window_note(const InputCounts& in, const GroupMetrics& all, const Window& w, const std::string& zone);

// "97% of the 1,929 lead times are under a second: ...; ndj-git --prs FILE
// ...", when at least 20 lead times were measured and 80% or more of them
// are GroupMetrics::instant_lead_times (lead times that measure merge to
// deployment only), else "". An empty window (window_note) has none, so a
// report has one note at most.
std::string lead_time_note(const GroupMetrics& all);

// Writes the report of `store` over the windows `w` to `sink` (the table in
// colours when `color`), an alert acknowledged in `alerts` (--alert-state;
// may be null) as a note; returns the alerts raised.
std::vector<AlertKey> write_report(const EventStore& store, const Options& o, const RunWindows& w, bool color,
                                   const AlertState* alerts, const TextSink& sink);

// The plan of the events a run keeps: its windows' (w.keep_from), and
// with --partial from as early as --regressions would need too (the
// recent and baseline windows before the window's end), so that a merge
// may add --regressions or --format html to the options of the partials.
PartialPlan partial_plan(const Options& o, const RunWindows& w);

// --merge: the partials in `files` (none or "-": stdin), read with
// read_partials into `insert`, file by file.
void read_partial_files(const std::vector<std::string>& files, const PartialPlan& plan,
                        const std::function<void(const IntakeBatch&)>& insert);

}  // namespace ndj::dora
