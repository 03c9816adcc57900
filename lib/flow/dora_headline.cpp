// ndj-dora as a child process, its JSON read with simdjson.
#include "flow/dora_headline.hpp"

#include <limits.h>
#include <unistd.h>

#include <simdjson.h>

#include "core/child_process.hpp"
#include "core/diag.hpp"

namespace ndj::flow {

std::string dora_program() {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    std::string dir(self, static_cast<size_t>(n));
    dir.resize(dir.rfind('/') + 1);
    if (access((dir + "ndj-dora").c_str(), X_OK) == 0) return dir + "ndj-dora";
  }
  return "ndj-dora";
}

Table dora_headline(std::vector<std::string> argv) {
  argv.insert(argv.begin() + 1, {"--format", "json"});
  std::string text;
  ChildProcess child(argv);
  std::string_view chunk;
  while (child.next(chunk, '\n')) text.append(chunk).push_back('\n');
  if (int status = child.wait(); status != 0) {
    // Its own diagnostics, each "ndj-dora: ...", on one line.
    std::string why = child.error_text(true);
    for (char& c : why) c = c == '\n' ? ' ' : c;
    throw Error(kExitFailure, "ndj-dora failed (exit " + std::to_string(status) + "): " + why);
  }
  Table t{"dora", "DORA headline metrics (ndj-dora)", {"metric", "value", "unit", "n", "status", "tier"}, {}, {}, {}};
  simdjson::dom::parser parser;
  simdjson::dom::object metrics;
  if (parser.parse(text)["rows"].at(0)["metrics"].get(metrics) != simdjson::SUCCESS)
    throw Error(kExitFailure, "ndj-dora wrote no metrics");
  for (auto field : metrics) {
    const std::string_view name = field.key;
    const simdjson::dom::element m = field.value;
    auto text_of = [&](const char* key) {
      std::string_view s;
      return m[key].get(s) == simdjson::SUCCESS ? text_cell(s) : null_cell();
    };
    double v = 0;
    const bool has_value = m["value"].get(v) == simdjson::SUCCESS;
    int64_t n = 0;
    const bool has_n = m["n"].get(n) == simdjson::SUCCESS;
    t.rows.push_back({text_cell(name), has_value ? num_cell(v, 2) : null_cell(), text_of("unit"),
                      has_n ? int_cell(n) : null_cell(), text_of("status"), text_of("tier")});
  }
  return t;
}

}  // namespace ndj::flow
