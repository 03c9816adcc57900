// The top of lib/dora: from a resolved EventStore to the report ndj-dora
// writes. The rows of the window (or of its buckets), the warnings about
// left-out samples, the window before (--compare previous), the regression
// checks, and the text in the chosen format.
#pragma once
#include "dora/dora_html.hpp"
#include "dora/dora_series.hpp"
#include "dora/options.hpp"
#include "dora/windows.hpp"

namespace ndj::dora {

// Writes the report of `store` over the windows `w` to `sink` (the table in
// colours when `color`); true when a regression alert was raised.
bool write_report(const EventStore& store, const Options& o, const RunWindows& w, bool color, const TextSink& sink);

}  // namespace ndj::dora
