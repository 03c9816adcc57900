// Secret and PII detection in text with the rules of secret_rules.hpp:
// the built-in ones a --mask list selects, user patterns (--mask-regex)
// and rules read from a gitleaks file (--rules). Every regex is compiled
// once into an RE2 program; scan time is linear in the text whatever the
// patterns (automata, no backtracking). The gates (secret_gates.hpp) first
// find which rules can match at all: only those run.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "redact/secret_rules.hpp"

namespace ndj {

struct UserPattern {
  std::string name;   // shown as [REDACTED:name]
  std::string regex;  // RE2 syntax
};

class SecretScanner {
 public:
  struct Span {
    size_t begin, end;
    unsigned kind;  // see label()
    unsigned rule;  // see rule_id()
  };

  // `select`: built-in kinds or rule ids ("all": every rule in --mask
  // all). `extra`: rules from a file. Throws Error(kExitUsage) naming the
  // kind or pattern that is unknown or does not compile. `gated` false
  // runs every rule on all text (for tests: the result must be the same).
  SecretScanner(const std::vector<std::string>& select, const std::vector<UserPattern>& user,
                const std::vector<SecretRule>& extra = {}, bool gated = true);
  ~SecretScanner();
  SecretScanner(const SecretScanner&) = delete;
  SecretScanner& operator=(const SecretScanner&) = delete;

  // False when no rule can match in `text` or any piece of it (the
  // strings of a JSON text without escapes, and its member names): a pass
  // at memory speed, which spares collecting them. Always true when some
  // rule has no gate.
  bool may_match(std::string_view text);
  // Whether the texts the last may_match() passed may hold secrets known
  // by their member name (scan_joined's `names` are then worth passing).
  bool wants_member_names() const;
  // Whether a member of this name (as written) holds a secret by its
  // name: names are compared with '_' and '-' left out and case folded
  // ("pass_word" is "password"), which the keyword gate of may_match(),
  // reading the text as written, does not see.
  bool is_secret_member_name(std::string_view name);
  // Finds the keywords of many texts at once: may_match() of a text inside
  // `batch` (which must outlive those calls, and be followed by 64
  // readable bytes) then takes them from there.
  void prefilter(std::string_view batch);

  // Finds the matches in `text`; returns how many replacements apply
  // (overlapping matches are merged into one).
  size_t scan(std::string_view text);
  // The same for several strings at once, which is much cheaper than a
  // scan() each: `joined` holds them one after another, each followed by a
  // '\n' at offset ends[k]. Matches are found as if each string had been
  // scanned alone (none crosses an end); spans() are offsets in `joined`.
  // names[k], when given, is the member name string k is the value of:
  // a name such as "password" makes the whole string a secret.
  // `gates_of_may_match`: the last may_match() was given a text that holds
  // each of these strings whole (a record without escapes), so its gates
  // serve (they pass whatever the strings can match) and are not computed
  // again.
  size_t scan_joined(std::string_view joined, const std::vector<size_t>& ends,
                     const std::vector<std::string_view>& names = {}, bool gates_of_may_match = false);
  const std::vector<Span>& spans() const { return spans_; }
  const std::string& label(unsigned kind) const { return labels_[kind]; }
  const std::string& kind_name(unsigned kind) const { return kinds_[kind]; }
  const std::string& rule_id(unsigned rule) const;
  unsigned kind_of(unsigned rule) const;
  size_t rule_count() const;
  size_t kind_count() const { return kinds_.size(); }

  // Appends `text` with the matches of the last scan() of the same text
  // replaced by "[REDACTED:KIND]".
  void apply(std::string_view text, std::string& out) const;

  struct Database;  // the compiled rules and the scan in progress

 private:
  std::unique_ptr<Database> db_;
  std::vector<std::string> kinds_;   // kind names
  std::vector<std::string> labels_;  // "[REDACTED:KIND]" per kind
  std::vector<Span> spans_;          // sorted, disjoint
};

}  // namespace ndj
