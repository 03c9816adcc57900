// Secret and PII detection in text: e-mail addresses, IP addresses, JWTs,
// Authorization tokens, cloud and chat tokens, PEM private keys, URL
// credentials, card numbers (Luhn-checked), plus user patterns. Every
// pattern is compiled once into an RE2 program; scan time is linear in the
// text whatever the patterns (automata, no backtracking). One SIMD pass
// over the text first finds which built-in patterns can match at all (a
// literal, or a run of digits, they cannot match without): only those run.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

// The built-in kinds, in the order the man page lists them.
const std::vector<std::string>& builtin_secret_kinds();

struct UserPattern {
  std::string name;   // shown as [REDACTED:name]
  std::string regex;  // RE2 syntax
};

// The built-in patterns (bit i: the i-th pattern of the table) whose
// necessary conditions `text` meets, found with SIMD instructions when the
// build has them and `simd` is set, else byte by byte. For tests: both
// ways must agree, and no pattern may match text its bit is clear for.
uint32_t secret_pattern_gates(std::string_view text, bool simd);

class SecretScanner {
 public:
  struct Span {
    size_t begin, end;
    unsigned kind;  // see label()
  };

  // `kinds`: built-in kind names ("all" expands to every one). Throws
  // Error(kExitUsage) naming the kind or pattern that is unknown or does
  // not compile. `gated` false runs every pattern on all text (for tests:
  // the result must be the same).
  SecretScanner(const std::vector<std::string>& kinds, const std::vector<UserPattern>& user,
                bool gated = true);
  ~SecretScanner();
  SecretScanner(const SecretScanner&) = delete;
  SecretScanner& operator=(const SecretScanner&) = delete;

  // False when no pattern can match in `text` or any piece of it (the
  // strings of a JSON text without escapes): a pass at SIMD speed, which
  // spares collecting them. Always true with user patterns.
  bool may_match(std::string_view text) const;

  // Finds the matches in `text`; returns how many replacements apply
  // (overlapping matches are merged into one).
  size_t scan(std::string_view text);
  // The same for several strings at once, which is much cheaper than a
  // scan() each: `joined` holds them one after another, each followed by a
  // '\n' at offset ends[k]. Matches are found as if each string had been
  // scanned alone (none crosses an end); spans() are offsets in `joined`.
  size_t scan_joined(std::string_view joined, const std::vector<size_t>& ends);
  const std::vector<Span>& spans() const { return spans_; }
  const std::string& label(unsigned kind) const { return names_[kind]; }

  // Appends `text` with the matches of the last scan() of the same text
  // replaced by "[REDACTED:KIND]".
  void apply(std::string_view text, std::string& out) const;

  struct Database;  // the compiled patterns and the scan in progress

 private:
  std::unique_ptr<Database> db_;
  std::vector<std::string> names_;  // "[REDACTED:KIND]" per kind
  std::vector<Span> spans_;         // sorted, disjoint
};

}  // namespace ndj
