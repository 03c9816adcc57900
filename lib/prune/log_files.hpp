// Path arguments of the tools that work on log files: a directory stands for
// the NDJSON logs directly in it.
#pragma once
#include <string>
#include <vector>

namespace ndj {

// Each argument as given, except that a directory is replaced by its
// *.ndjson and *.jsonl regular files (not those of subdirectories), sorted.
std::vector<std::string> expand_log_dirs(const std::vector<std::string>& args);

}  // namespace ndj
