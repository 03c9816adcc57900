// The detection rules of ndj-redact --mask: one table of built-in rules
// (secret_rules.cpp: id, kind, keywords, regex, validator; the man page
// lists them) and the same shape for the rules a user adds (--mask-regex,
// a gitleaks file with --rules). A contributor adds a secret family with
// one row of that table.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

// Checks a candidate secret [begin, end) of `text`, which its rule's regex
// matched (the secret group when the rule has one); may narrow it to the
// secret itself. False rejects it: the rule's search resumes at `begin`
// (at least one byte past the match's start), which a validator may move
// on past every start that would be rejected the same way.
using SecretValidator = bool (*)(std::string_view text, size_t& begin, size_t& end);

// Structural conditions every match of a built-in rule implies, checked by
// the SIMD pass over the text (secret_gates.hpp). A rule runs only on text
// that meets all of its conditions and holds one of its keywords.
enum SecretShape : unsigned {
  kShapeAt = 1,          // an '@'
  kShapeDottedQuad = 2,  // digits.digits.digits.digits
  kShapeHexColons = 4,   // 7 colons between hex groups
  kShapeMac = 8,         // 5 ':' or '-' between hex pairs
  kShapeLongDigits = 16, // 14 digits with single separators
  kShapeIban = 32,       // two capitals and two digits
  kShapeHexColons6 = 64, // 6 colons between hex groups (an IPv4 address may follow)
};

// A gitleaks allowlist: a finding it matches is not masked.
struct SecretAllowlist {
  enum class Target { kSecret, kMatch, kLine };  // what the regexes look at
  std::vector<std::string> regexes;
  Target target = Target::kSecret;
  std::vector<std::string> stopwords;  // in the secret, ASCII case-insensitive
  bool all = false;                    // condition AND: every criterion given must match
};

struct SecretRule {
  std::string id;    // gitleaks' id where the two overlap
  std::string kind;  // what --mask selects and [REDACTED:KIND] shows
  std::string regex; // RE2 syntax
  // Literals one of which every match holds (ASCII case-insensitive when
  // the regex starts with (?i) or the rule comes from a gitleaks file, else
  // exact); no keywords and no shapes: the rule runs on every text.
  std::vector<std::string> keywords;
  bool exact_keywords = false;  // built-in rules: keywords exact unless (?i)
  unsigned shapes = 0;  // SecretShape bits
  // JSON member names (lower case, '_' and '-' removed) whose whole string
  // value is this rule's secret ({"password":"..."}), checked by validate.
  std::vector<std::string> member_names;
  // The capture group that is the secret; 0: the first group that took
  // part in the match, or the whole match if none did (gitleaks' rule).
  int secret_group = 0;
  double entropy = 0;  // minimum Shannon entropy (bits a byte) of the secret
  SecretValidator validate = nullptr;
  std::vector<SecretAllowlist> allowlists;
  bool in_all = true;  // part of --mask all
  // Found by a name (a key, a flag, a scheme) rather than its format: a
  // secret it finds that a format rule also matches is labelled with that
  // rule ("--token ghp_..." is a github-token).
  bool by_name = false;
  std::string example; // for the man page and its test: a text it masks
};

// The built-in rules, in the man page's order.
const std::vector<SecretRule>& builtin_secret_rules();

// --list-rules: one JSON object a rule, in the table's order:
// {"id","kind","all","keywords","example"}.
std::string secret_rules_ndjson();

// What --mask takes: "all", a kind or a rule id, each optionally after '-'
// (taken out of what the names before chose).
bool known_mask_name(std::string_view name);
// "all", then every kind and every rule id, once each (for completion).
std::vector<std::string> mask_names();

// A member value that may be a credential: not a placeholder ("", "***",
// "${VAR}", "<password>", "null"), not a sentence.
bool plausible_member_value(std::string_view value);

// Shannon entropy of `s` in bits per byte.
double shannon_entropy(std::string_view s);

}  // namespace ndj
