// lib/redact/: ndj-redact: field rules, secret and PII detection
// (secret_scan.hpp), masking, the --config file. Includes core/, json/ and
// redact/ only; only ndj-redact includes it.
//
// The redaction engine behind ndj-redact: field rules (hash, drop, keep),
// secret masking in string values, per-stream rule sets chosen by a field's
// value (the rules and their config file: redact_config.hpp). Records are
// rewritten in place: bytes outside the changed values are copied as they
// were.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/digest.hpp"
#include "json/json_path.hpp"
#include "json/json_text.hpp"
#include "redact/redact_config.hpp"
#include "redact/secret_scan.hpp"

namespace ndj {

// What a run did, for --report: counts only, never a value.
struct RedactReport {
  uint64_t records = 0, records_masked = 0, hashed = 0, dropped = 0, masked = 0;
  std::map<std::string, uint64_t> kinds, rules;  // matches masked per kind and rule id

  void add(const RedactReport& other);
};

// The --report file's JSON text (one line).
std::string report_json(const RedactReport& report);

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
  // Lets the lines of `batch` (redacted next, in order) be gated in one
  // pass; `batch` must outlive those calls.
  void begin_batch(std::string_view batch);

  // Adds the counts of the records redacted since the last call to
  // `report`, and starts counting afresh.
  void take_report(RedactReport& report);

  struct Compiled;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ndj
