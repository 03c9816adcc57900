// The Prometheus Pushgateway as a sink: Prometheus text (ndj-dora
// --format prom, ndj-stats --format prom) put with PUT to
// /metrics/job/JOB{/LABEL/VALUE}, replacing that group's metrics, for CI
// jobs that end before any scrape. Its answers are read as a plain HTTP
// endpoint's (a 400: the text does not parse, or clashes with the group).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ship/shipper.hpp"


namespace ndj {

// nullopt if `name` is a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*,
// not starting with __), else the reason.
std::optional<std::string> label_name_problem(const std::string& name);

// `url` (the Pushgateway's root) with the group's path: the job and each
// label as /NAME/VALUE, a value that holds '/' or is empty in its base64url
// form (/NAME@base64/...), as the Pushgateway documents.
std::string pushgateway_url(std::string url, const std::string& job,
                            const std::vector<std::pair<std::string, std::string>>& labels);

// Puts `text` (one body, never split) to `target` and returns the exit
// status: 0, 65 rejected (400: it does not parse), 75, 77. Throws
// Error(65) for a text without metrics.
int push_text(std::string text, ShipperOptions o, const HttpTarget& target);

}  // namespace ndj
