// Fuzz the redaction engine with a fixed rule set (hash, drop, keep-less
// masking of every built-in secret rule and a user pattern). Properties: a
// line json_check() accepts is redacted, never refused; what comes out is
// valid JSON; and secrets planted in string values never survive. Also:
// the gates that pick the secret patterns worth running never hide a match,
// and a record is redacted alike with or without an escape elsewhere in it
// (records with escapes take the gates' slow path).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "json/json_check.hpp"
#include "core/line_reader.hpp"
#include "redact/redact.hpp"
#include "redact/secret_gates.hpp"
#include "redact/secret_scan.hpp"

namespace {

constexpr std::string_view kPlanted[] = {"AKIAQWERTYUIOPASDFGH", "ghp_PLANTEDplantedPLANTEDplanted012345ab",
                                         "xoxb-9876543210-plantedsecret", "SECRET-PLANTED-4242",
                                         "sk_live_PLANTEDplanted0123456789", "glpat-PLANTEDplanted0123456",
                                         "DE89370400440532013000", "npm_PLANTEDplantedPLANTEDplanted012345ab"};

ndj::JsonPath path(std::string_view text) {
  ndj::JsonPath p;
  std::string error;
  if (!ndj::parse_rule_path(text, true, p, error)) std::abort();
  return p;
}

ndj::RecordRedactor& redactor() {
  static ndj::RecordRedactor* r = [] {
    ndj::RedactConfig config;
    auto& rules = config.default_rules;
    rules.hash = {path("user"), path("spans[].user")};
    rules.drop = {path("password"), path("a.b.token")};
    rules.mask = {"all"};
    rules.mask_regex = {{"planted", "SECRET-PLANTED-[0-9]+"}};
    config.summary = true;
    return new ndj::RecordRedactor(config, "");
  }();
  return *r;
}

// The line with a member holding every planted secret inserted first, if it
// is an object; empty otherwise.
std::string with_planted(std::string_view line) {
  size_t open = line.find_first_not_of(" \t\r");
  if (open == std::string_view::npos || line[open] != '{') return {};
  size_t next = line.find_first_not_of(" \t\r\n", open + 1);
  bool empty = next != std::string_view::npos && line[next] == '}';
  std::string member = "\"planted\":[\"x ";
  member += kPlanted[0];
  member += " y\",{\"k\":\"";
  member += kPlanted[1];
  member += "\"},\"";
  member += kPlanted[2];
  member += " and ";
  member += kPlanted[3];
  member += "\",\"";
  member += kPlanted[4];
  member += "/";
  member += kPlanted[5];
  member += " iban ";
  member += kPlanted[6];
  member += "\",{\"npm\":\"";
  member += kPlanted[7];
  member += "\"}]";
  if (!empty) member += ',';
  return std::string(line.substr(0, open + 1)) + member + std::string(line.substr(open + 1));
}

void check(std::string_view line, bool planted) {
  std::string padded(line);
  padded.append(ndj::kLinePadding, '\0');
  std::string out;
  const char* why = redactor().redact(std::string_view(padded.data(), line.size()), out);
  bool valid = ndj::json_check(line) == nullptr;
  if (why == nullptr) {
    if (!valid) std::abort();  // the redactor accepted what json_check refuses
    if (ndj::json_check(out) != nullptr) std::abort();
    if (planted)
      for (auto secret : kPlanted)
        if (out.find(secret) != std::string::npos) std::abort();
  } else if (valid) {
    std::abort();
  }
}

// An object without escapes and the same with a first member holding one
// (`"ndj_fuzz":"\""`, which nothing redacts) must come out alike, but for
// the blanks a dropped member leaves.
void check_escape_changes_nothing(std::string_view line) {
  size_t open = line.find_first_not_of(" \t\r");
  if (open == std::string_view::npos || line[open] != '{' || line.find('\\') != std::string_view::npos ||
      ndj::json_check(line) != nullptr)
    return;
  size_t next = line.find_first_not_of(" \t\r\n", open + 1);
  std::string member = next != std::string_view::npos && line[next] == '}' ? "\"ndj_fuzz\":\"\\\"\"" : "\"ndj_fuzz\":\"\\\"\",";
  std::string with = std::string(line.substr(0, open + 1)) + member + std::string(line.substr(open + 1));
  auto redact = [](std::string_view text, std::string& out) {
    std::string padded(text);
    padded.append(ndj::kLinePadding, '\0');
    return redactor().redact(std::string_view(padded.data(), text.size()), out);
  };
  std::string a, b;
  if (redact(line, a) || redact(with, b)) return;
  size_t at = a.find('{');
  if (at == std::string::npos) std::abort();
  size_t after = a.find_first_not_of(" \t\r\n", at + 1);
  std::string expected = a.substr(0, at + 1) + "\"ndj_fuzz\":\"\\\"\"" +
                         (after != std::string::npos && a[after] == '}' ? "" : ",") + a.substr(at + 1);
  if (ndj::json_compact(b) != ndj::json_compact(expected)) std::abort();
}

}  // namespace

// The input as text: the gated scanner finds what running every rule
// finds, the SIMD gates agree with the bytewise ones, and the keywords a
// batch prefilter finds for the text say what the text's own do.
void check_gates(std::string_view text) {
  static ndj::SecretScanner gated({"all", "generic-secret"}, {}), batched({"all", "generic-secret"}, {}),
      everything({"all", "generic-secret"}, {}, {}, false);
  if (ndj::secret_shapes(text, true) != ndj::secret_shapes(text, false)) std::abort();
  std::string padded = "x\n" + std::string(text) + "\ny";
  padded.append(64, '\0');
  batched.prefilter(std::string_view(padded.data(), text.size() + 5));
  if (batched.may_match(std::string_view(padded.data() + 2, text.size())) != gated.may_match(text)) std::abort();
  gated.scan(text);
  everything.scan(text);
  const auto &a = gated.spans(), &b = everything.spans();
  if (a.size() != b.size()) std::abort();
  for (size_t k = 0; k < a.size(); ++k)
    if (a[k].begin != b[k].begin || a[k].end != b[k].end || a[k].kind != b[k].kind) std::abort();
  if (!gated.may_match(text) && !b.empty()) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  check_gates(line);
  check(line, false);
  check_escape_changes_nothing(line);
  bool clean = true;
  for (auto secret : kPlanted) clean = clean && line.find(secret) == std::string_view::npos;
  if (std::string planted = with_planted(line); !planted.empty()) check(planted, clean);
  return 0;
}
