// ndj-redact's rules: the rule set of a stream (hash, drop, keep, mask),
// and the --config file that maps streams to rule sets. A typo in a
// redaction policy must not silently send data in clear, so every unknown
// key and every wrongly typed value of the file is an error naming its key.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/digest.hpp"
#include "json/json_path.hpp"
#include "redact/secret_scan.hpp"

namespace ndj {

// The values of --others and "others": drop (false) or hash (true).
extern const Choices<bool> kOthersChoices;

struct RedactRules {
  std::vector<JsonPath> hash;     // value -> NAME_ALG + NAME_bytes
  std::vector<JsonPath> drop;     // member removed
  std::vector<JsonPath> keep;     // allowlist: everything else is an "other"
  bool others_hash = false;       // others are hashed instead of dropped
  std::vector<std::string> mask;  // secret kinds ("all" for every built-in one)
  std::vector<UserPattern> mask_regex;
  std::vector<SecretRule> rules;  // from a gitleaks file (--rules)
  std::vector<JsonPath> mask_in;  // empty: every string value is scanned
  DigestAlgo algo = DigestAlgo::kSha256;
};

struct RedactConfig {
  std::string stream_field;  // top-level field naming the stream
  std::map<std::string, RedactRules, std::less<>> streams;
  RedactRules default_rules;  // records of other streams, or all records
  bool summary = false;       // add "redaction":{hashed,dropped,masked,rules}
};

// Reads a --config file's JSON text. Throws Error(kExitUsage) naming the
// file and the offending key ("FILE: streams.tools.hash[1]: expected a
// path string") for anything malformed or unknown.
RedactConfig parse_redact_config(std::string_view json, const std::string& file);

// --rules FILE: adds the rules of a gitleaks file to `r`, and the
// built-in ones its [extend] table turns on ("all") or off ("-ID"); its
// warnings go to stderr. Throws Error naming the file and key.
void add_rules_file(const std::string& path, RedactRules& r);

// Parses a rule path; hash, drop and keep paths name a member, so they must
// end with a field name (`spans[].query`, not `spans[]`).
bool parse_rule_path(std::string_view text, bool must_end_with_key, JsonPath& path,
                     std::string& error);

}  // namespace ndj
