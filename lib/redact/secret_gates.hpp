// The gates of the secret scanner: what a text holds that some rules need
// before their regex can match at all. Two passes, both at memory speed:
// a SIMD pass for the structural shapes (an '@', a dotted quad, hex groups
// between colons, a long run of digits; SecretShape bits), and Intel
// Hyperscan's multi-literal matcher for the rules' keywords. A rule's regex
// runs only on text that passes its gates; a gate may pass text without a
// match, never the reverse (tests/unit/redact/test_secret_scan.cpp).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

// The SecretShape bits `text` has, with SIMD instructions when the build
// has them and `simd` is set, else byte by byte (tests: both must agree).
// `padded`: 64 bytes past the text may be read (they are not looked at).
unsigned secret_shapes(std::string_view text, bool simd, bool padded = false);

// The same for many lines at once: every place in `text` (which must be
// followed by 64 readable bytes) where a shape is complete, in order. No
// shape spans a '\n': the shapes of a line are those of the places in it.
struct ShapeHit {
  size_t pos;
  unsigned bit;
};
void secret_shapes_of_lines(std::string_view text, std::vector<ShapeHit>& hits);

// Finds which of a set of keywords occur in a text. Not thread-safe: one
// per thread.
class KeywordMatcher {
 public:
  struct Keyword {
    std::string text;
    bool caseless;  // ASCII case-insensitive
  };
  // Throws Error(kExitFailure) if Hyperscan refuses the set or the CPU.
  explicit KeywordMatcher(const std::vector<Keyword>& keywords);
  ~KeywordMatcher();
  KeywordMatcher(const KeywordMatcher&) = delete;
  KeywordMatcher& operator=(const KeywordMatcher&) = delete;

  // Sets `found` to the keywords (their indexes) in `text`, each once.
  // `folded` tells whether `text` holds U+017F or U+212A, which RE2's (?i)
  // matches as 's' and 'k': a text with them passes every case-insensitive
  // rule's keyword gate.
  void find(std::string_view text, std::vector<unsigned>& found, bool& folded);

  // Every occurrence in `text`, in order of its end: (start, keyword), the
  // folded characters as keyword size(). For many records at once.
  struct Hit {
    size_t begin, end;
    unsigned keyword;
  };
  void find_all(std::string_view text, std::vector<Hit>& hits);
  size_t size() const { return keywords_.size(); }

  struct Hs;  // a compiled database and its scratch space

 private:
  std::unique_ptr<Hs> hs_;
  std::vector<Keyword> keywords_;
  std::vector<uint8_t> seen_;  // find(): reported already
};

}  // namespace ndj
