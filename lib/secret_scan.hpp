// Secret and PII detection in text: e-mail addresses, IP addresses, JWTs,
// Authorization tokens, cloud and chat tokens, PEM private keys, URL
// credentials, card numbers (Luhn-checked), plus user patterns. Every
// pattern is compiled once into one Vectorscan database and a string is
// scanned in a single pass; scan time is linear in the text whatever the
// patterns (automata, no backtracking).
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

// The built-in kinds, in the order the man page lists them.
const std::vector<std::string>& builtin_secret_kinds();

struct UserPattern {
  std::string name;   // shown as [REDACTED:name]
  std::string regex;  // Vectorscan (PCRE subset) syntax
};

class SecretScanner {
 public:
  // `kinds`: built-in kind names ("all" expands to every one). Throws
  // Error(kExitUsage) naming the kind or pattern that is unknown or does
  // not compile.
  SecretScanner(const std::vector<std::string>& kinds, const std::vector<UserPattern>& user);
  ~SecretScanner();
  SecretScanner(const SecretScanner&) = delete;
  SecretScanner& operator=(const SecretScanner&) = delete;

  // Scans a whole record once, without match starts (much cheaper than a
  // scan() per string), to learn where matches end. Returns false when the
  // patterns forbid it (a user pattern with an anchor could match a string
  // alone but not inside the record); then every string needs a scan().
  bool prefilter(std::string_view record);
  // After prefilter(): whether a match may lie inside record bytes
  // [begin, end). Calls must come in increasing order of begin.
  bool may_match(size_t begin, size_t end);

  // Finds the matches in `text`; returns how many replacements apply
  // (overlapping matches are merged into one).
  size_t scan(std::string_view text);
  // Appends `text` with the matches of the last scan() of the same text
  // replaced by "[REDACTED:KIND]".
  void apply(std::string_view text, std::string& out) const;

  struct Span {
    size_t begin, end;
    unsigned kind;  // index into names_
  };
  struct Database;  // the compiled patterns and the scan in progress

 private:
  std::unique_ptr<Database> db_;
  std::vector<std::string> names_;  // "[REDACTED:KIND]" per kind
  std::vector<Span> spans_;         // sorted, disjoint
  bool line_prefilter_ok_ = true;
};

}  // namespace ndj
