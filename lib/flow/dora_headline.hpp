// The DORA headline of `ndj-flow --report report`: ndj-dora run as a child
// process (no shell) over the deployment records, its JSON document read
// into a table. ndj-dora owns the metrics; ndj-flow only shows them.
#pragma once
#include <string>
#include <vector>

#include "flow/flow_reports.hpp"

namespace ndj::flow {

// The ndj-dora beside this program, else the one in PATH.
std::string dora_program();

// Runs `argv` (dora_program() and its arguments; --format json is added),
// and returns the table "dora": metric, value, unit, n, status, tier.
// Throws Error(1) with ndj-dora's messages when it fails, or when it
// writes something else.
Table dora_headline(std::vector<std::string> argv);

}  // namespace ndj::flow
