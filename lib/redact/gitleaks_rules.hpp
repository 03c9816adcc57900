// ndj-redact --rules FILE: secret rules from a gitleaks configuration file
// (TOML), so that a team masks its logs with the rules it already keeps
// for its repositories. [[rules]] with id, regex, secretGroup, entropy,
// keywords and allowlists; the global [allowlist] / [[allowlists]]; and
// [extend] useDefault / disabledRules, which select ndj's own rules.
// A key this reader does not know is an error naming it; a key that has
// no meaning for a stream of records (a rule's path, an allowlist's paths
// or commits) is reported as a warning saying what is done instead.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "redact/secret_rules.hpp"

namespace ndj {

struct GitleaksConfig {
  std::vector<SecretRule> rules;
  bool use_default = false;            // [extend] useDefault: every built-in rule of --mask all
  std::vector<std::string> disabled;   // [extend] disabledRules: built-in rule ids turned off
  std::vector<std::string> warnings;   // "FILE: rules[3].path: ..."
};

// Parses the file's text; kind of every rule: its id. Throws
// Error(kExitUsage) "FILE:LINE:COL: why" or "FILE: rules[2].regex: why".
GitleaksConfig parse_gitleaks_config(std::string_view toml, const std::string& file);

}  // namespace ndj
