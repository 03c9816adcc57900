// The redaction engine behind ndj-redact: field rules (hash, drop, keep),
// secret masking in string values, per-stream rule sets chosen by a field's
// value, and the JSON config that describes them. Records are rewritten in
// place: bytes outside the changed values are copied as they were.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/digest.hpp"
#include "json/json_path.hpp"
#include "redact/secret_scan.hpp"

namespace ndj {

struct RedactRules {
  std::vector<JsonPath> hash;     // value -> NAME_ALG + NAME_bytes
  std::vector<JsonPath> drop;     // member removed
  std::vector<JsonPath> keep;     // allowlist: everything else is an "other"
  bool others_hash = false;       // others are hashed instead of dropped
  std::vector<std::string> mask;  // secret kinds ("all" for every built-in one)
  std::vector<UserPattern> mask_regex;
  std::vector<JsonPath> mask_in;  // empty: every string value is scanned
  DigestAlgo algo = DigestAlgo::kSha256;
};

struct RedactConfig {
  std::string stream_field;  // top-level field naming the stream
  std::map<std::string, RedactRules, std::less<>> streams;
  RedactRules default_rules;  // records of other streams, or all records
  bool summary = false;       // add "redaction":{hashed,dropped,masked}
};

// Reads a --config file's JSON text. Throws Error(kExitUsage) naming the
// file and the offending key ("FILE: streams.tools.hash[1]: expected a
// path string") for anything malformed or unknown.
RedactConfig parse_redact_config(std::string_view json, const std::string& file);

// Parses a rule path; hash, drop and keep paths name a member, so they must
// end with a field name (`spans[].query`, not `spans[]`).
bool parse_rule_path(std::string_view text, bool must_end_with_key, JsonPath& path,
                     std::string& error);

class RecordRedactor {
 public:
  // Compiles every rule set (patterns, digests). `hmac_key` is needed when
  // a rule set uses hmac-sha256. Throws Error on bad rules.
  RecordRedactor(const RedactConfig& config, std::string_view hmac_key);
  ~RecordRedactor();
  RecordRedactor(const RecordRedactor&) = delete;
  RecordRedactor& operator=(const RecordRedactor&) = delete;

  // Validates `line` in full and appends its redacted form (no newline) to
  // `out`. `line` must be followed by kLinePadding readable bytes. Returns
  // nullptr on success, else the reason the line is invalid (out is then
  // unchanged).
  const char* redact(std::string_view line, std::string& out);

  struct Compiled;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Appends the text of a JSON string literal's content (between the quotes,
// already validated) with its escapes resolved, as UTF-8.
void append_unescaped(std::string_view inner, std::string& out);

}  // namespace ndj
