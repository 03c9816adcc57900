// Secret detection: the pattern table, the gates that tell which patterns
// can match a text at all, the validators that turn regex candidates into
// confident matches, and the scan loop.
//
// One SIMD pass over the text finds the built-in patterns whose gates it
// passes; each of those is searched alone, and the user patterns together
// in one alternation (RE2 runs automata: time linear in the text, whatever
// the pattern). The leftmost match wins, as in one alternation of them
// all. A validator may reject a match (Luhn, address syntax, context that
// says "version number"): that pattern's search resumes one byte after its
// start. It may also narrow it to the secret itself (the token after
// "Bearer ", the user:pass of a URL).
#include "redact/secret_scan.hpp"

#include <arpa/inet.h>
#include <re2/re2.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <initializer_list>
#include <iterator>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "core/diag.hpp"

namespace ndj {

namespace {

using Validator = bool (*)(std::string_view text, size_t& begin, size_t& end);

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool ends_with_word(std::string_view text, size_t at, std::string_view word) {
  // Skips separators such as "version: " or "ver=" before the candidate.
  while (at > 0 && (text[at - 1] == ' ' || text[at - 1] == ':' || text[at - 1] == '=')) --at;
  if (at < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (lower(text[at - word.size() + i]) != word[i]) return false;
  return at == word.size() || !is_alnum(text[at - word.size() - 1]);
}

// "user:pass@host" is a URL's credentials (another kind), not an address.
bool valid_email(std::string_view t, size_t& b, size_t&) {
  return b == 0 || t[b - 1] != ':';
}

bool valid_ipv4(std::string_view t, size_t& b, size_t& e) {
  // 1.2.3.4.5 and "version 1.2.3.4" are versions, not addresses.
  if (b > 0 && (t[b - 1] == '.' || t[b - 1] == '-' || t[b - 1] == '_')) return false;
  if (e < t.size() && (t[e] == '-' || t[e] == '_')) return false;
  if (e + 1 < t.size() && t[e] == '.' && is_digit(t[e + 1])) return false;
  return !ends_with_word(t, b, "version") && !ends_with_word(t, b, "ver") &&
         !ends_with_word(t, b, "release") && !ends_with_word(t, b, "build");
}

bool valid_ipv6(std::string_view t, size_t& b, size_t& e) {
  if (b > 0 && (is_alnum(t[b - 1]) || t[b - 1] == ':' || t[b - 1] == '.')) return false;
  if (e < t.size() && (is_alnum(t[e]) || t[e] == ':')) return false;
  std::string_view cand = t.substr(b, e - b);
  if (cand.size() < 3 || cand.size() > 45) return false;
  // Words such as "bad::cafe" are valid addresses; real ones have digits.
  if (std::none_of(cand.begin(), cand.end(), is_digit)) return false;
  char buf[64];
  std::memcpy(buf, cand.data(), cand.size());
  buf[cand.size()] = '\0';
  unsigned char addr[16];
  return inet_pton(AF_INET6, buf, addr) == 1;
}

// The credential after the scheme word: tokens have digits or are long,
// unlike "Bearer authentication failed".
bool valid_bearer(std::string_view t, size_t& b, size_t& e) {
  size_t p = b;
  while (p < e && t[p] != ' ' && t[p] != '\t' && t[p] != '\n' && t[p] != '\r' && t[p] != '=') ++p;
  auto skip_blanks = [&] {
    while (p < e && (t[p] == ' ' || t[p] == '\t' || t[p] == '\n' || t[p] == '\r' || t[p] == '=' ||
                     t[p] == '"' || t[p] == '\''))
      ++p;
  };
  skip_blanks();
  // "Authorization: Bearer X" keeps its scheme word too.
  if (e - p > 7 && lower(t[p]) == 'b' && lower(t[p + 1]) == 'e' && lower(t[p + 5]) == 'r' &&
      (t[p + 6] == ' ' || t[p + 6] == '\t')) {
    p += 6;
    skip_blanks();
  }
  if (p >= e) return false;
  std::string_view token = t.substr(p, e - p);
  if (e < t.size() && (is_alnum(t[e]) || t[e] == '-' || t[e] == '.' || t[e] == '_')) return false;
  if (std::none_of(token.begin(), token.end(), is_digit) && token.size() < 24) return false;
  b = p;
  return true;
}

// "aws_secret_access_key = XXXX": only the 40-character key is masked.
bool valid_aws_secret(std::string_view, size_t& b, size_t& e) {
  if (e - b < 40) return false;
  b = e - 40;
  return true;
}

// scheme://user:pass@host: the user:pass is masked, the rest kept.
bool valid_url_credentials(std::string_view t, size_t& b, size_t& e) {
  size_t p = t.find("://", b);
  if (p == std::string_view::npos || p + 3 >= e) return false;
  b = p + 3;
  --e;  // the '@'
  return e > b;
}

// A PEM block runs to its END line when it has one; a truncated block is
// masked to where the base64 stops.
bool valid_private_key(std::string_view t, size_t& b, size_t& e) {
  std::string_view body = t.substr(b, e - b);
  size_t end_line = body.find("-----END");
  if (end_line != std::string_view::npos) {
    size_t close = body.find("-----", end_line + 8);
    if (close != std::string_view::npos) e = b + close + 5;
  }
  return true;
}

bool card_prefix_and_length_ok(std::string_view d) {
  auto prefix = [&](size_t n) { return std::stoi(std::string(d.substr(0, n))); };
  size_t len = d.size();
  int p2 = prefix(2), p3 = prefix(3), p4 = prefix(4), p6 = prefix(6);
  // 13-digit Visa numbers are no longer issued, and 13 digits is the length
  // of every epoch-milliseconds timestamp.
  if (d[0] == '4') return len == 16 || len == 19;                                // Visa
  if ((p2 >= 51 && p2 <= 55) || (p6 >= 222100 && p6 <= 272099)) return len == 16;  // Mastercard
  if (p2 == 34 || p2 == 37) return len == 15;                                    // Amex
  if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65) return len >= 16;      // Discover
  if (p4 >= 3528 && p4 <= 3589) return len >= 16;                                // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39)
    return len >= 14 && len <= 16;                                               // Diners
  if (p2 == 62) return len >= 16;                                                // UnionPay
  if (p2 == 50 || (p2 >= 56 && p2 <= 58) || p2 == 63 || p2 == 67) return len >= 16;  // Maestro
  return false;
}

bool luhn_ok(std::string_view d) {
  int sum = 0;
  bool dbl = false;
  for (size_t i = d.size(); i-- > 0;) {
    int v = d[i] - '0';
    if (dbl && (v *= 2) > 9) v -= 9;
    sum += v;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

// Digits grouped as printed on cards (4-4-4-4, 4-6-5, ...) with one kind of
// separator, or no separator at all.
bool card_grouping_ok(std::string_view s) {
  char sep = 0;
  std::vector<size_t> groups{0};
  for (char c : s) {
    if (is_digit(c)) {
      ++groups.back();
    } else {
      if (sep && c != sep) return false;
      sep = c;
      groups.push_back(0);
    }
  }
  if (groups.size() == 1) return true;
  if (groups == std::vector<size_t>{4, 6, 5} || groups == std::vector<size_t>{4, 6, 4}) return true;
  for (size_t i = 0; i + 1 < groups.size(); ++i)
    if (groups[i] != 4) return false;
  return groups.back() >= 1 && groups.back() <= 4;
}

bool valid_card_at(std::string_view t, size_t b, size_t e) {
  std::string digits;
  for (size_t i = b; i < e; ++i)
    if (is_digit(t[i])) digits.push_back(t[i]);
  return digits.size() >= 13 && digits.size() <= 19 && card_grouping_ok(t.substr(b, e - b)) &&
         card_prefix_and_length_ok(digits) && luhn_ok(digits);
}

// The leftmost start Vectorscan reports may include digits that are not
// part of the card ("order 12 4111 1111 1111 1111"): every group start is
// tried. Decimals, dotted versions and dash-joined ids are not cards.
bool valid_credit_card(std::string_view t, size_t& b, size_t& e) {
  if (e < t.size() && (t[e] == '.' || t[e] == '-' || t[e] == '_') && e + 1 < t.size() &&
      is_alnum(t[e + 1]))
    return false;
  for (size_t p = b; p + 13 <= e; ++p) {
    if (!is_digit(t[p]) || (p > b && is_digit(t[p - 1]))) continue;
    if (p > 0 && (t[p - 1] == '.' || t[p - 1] == '_' ||
                  (t[p - 1] == '-' && p > 1 && is_alnum(t[p - 2]))))
      continue;
    if (valid_card_at(t, p, e)) {
      b = p;
      return true;
    }
  }
  return false;
}

struct BuiltinPattern {
  const char* kind;
  const char* regex;
  Validator validate;
};

// Every pattern is anchored on word boundaries or literal prefixes so that
// hex ids, version numbers, UUIDs and timestamps do not match.
const BuiltinPattern kBuiltins[] = {
    {"email", R"([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b)", valid_email},
    {"ipv4",
     R"(\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\b)",
     valid_ipv4},
    {"ipv6", R"((?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4})", valid_ipv6},
    {"ipv6",
     R"((?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)",
     valid_ipv6},
    {"jwt", R"(\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)", nullptr},
    {"bearer", R"((?i)\b(?:bearer|basic)[ \t]+[A-Za-z0-9._~+/-]{8,}=*)", valid_bearer},
    {"bearer",
     R"((?i)\b(?:access_token|id_token|refresh_token|authorization)["']?[ \t]*[=:][ \t]*["']?(?:bearer[ \t]+)?[A-Za-z0-9._~+/-]{8,}=*)",
     valid_bearer},
    {"aws-key", R"(\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b)",
     nullptr},
    {"aws-key",
     R"((?i)\baws_?secret_?(?:access_?)?key["']?[ \t]*[=:][ \t]*["']?[A-Za-z0-9/+]{40}\b)",
     valid_aws_secret},
    {"github-token", R"(\bgh[pousr]_[A-Za-z0-9]{36,}\b)", nullptr},
    {"github-token", R"(\bgithub_pat_[A-Za-z0-9_]{22,}\b)", nullptr},
    {"slack-token", R"(\bxox[abposr]-[A-Za-z0-9-]{10,})", nullptr},
    {"slack-token", R"(https://hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,})", nullptr},
    {"private-key", R"(-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s:,.-]*)",
     valid_private_key},
    {"url-credentials", R"(\b[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s/?#@:"]+:[^\s/?#@"]*@)",
     valid_url_credentials},
    {"credit-card", R"(\b[0-9](?:[ -]?[0-9]){12,18}\b)", valid_credit_card},
};

// Gates: for every built-in pattern, a condition that each of its matches
// implies, all checked in one pass over the text. The RE2 program of a
// pattern runs only on text that passes its gate, and most text passes
// none: ordinary log messages are scanned at SIMD speed instead of through
// a DFA (3.8 ns a byte for the joined set). A gate may pass text without a
// match (the pattern then finds nothing), but never the reverse.
enum GateBit : unsigned {
  kGateEmail, kGateIpv4, kGateIpv6Full, kGateIpv6Short, kGateJwt, kGateBearerScheme,
  kGateBearerField, kGateAwsKeyId, kGateAwsSecret, kGateGithubToken, kGateGithubPat,
  kGateSlackToken, kGateSlackHook, kGatePrivateKey, kGateUrlCredentials, kGateCreditCard,
};
static_assert(kGateCreditCard + 1 == std::size(kBuiltins), "one gate per built-in pattern");

// Byte classes as the AND of a table on each nibble (the pshufb lookup).
// A class must be a product: its high nibbles times its low nibbles.
struct NibbleTable {
  uint8_t lo[16] = {}, hi[16] = {};
  constexpr void add(uint8_t bit, std::initializer_list<int> his, std::initializer_list<int> los) {
    for (int h : his) hi[h] |= bit;
    for (int l : los) lo[l] |= bit;
  }
  constexpr uint8_t operator()(uint8_t c) const { return lo[c & 15] & hi[c >> 4]; }
};

constexpr uint8_t kClassDigit = 1, kClassDot = 2, kClassColon = 4, kClassAt = 8, kClassSep = 16,
                  kClassFold = 32, kClassHexLetter = 64;

constexpr NibbleTable kClasses = [] {
  NibbleTable t;
  t.add(kClassDigit, {3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  t.add(kClassDot, {2}, {14});
  t.add(kClassColon, {3}, {10});
  t.add(kClassAt, {4}, {0});
  t.add(kClassSep, {2}, {0, 13});  // ' ' and '-', between card digits
  // Under (?i), RE2 folds 'k' with U+212A (E2 84 AA) and 's' with U+017F
  // (C5 BF); this class holds both lead bytes (and C2, E5).
  t.add(kClassFold, {12, 14}, {2, 5});
  t.add(kClassHexLetter, {4, 6}, {1, 2, 3, 4, 5, 6});
  return t;
}();

// Where a literal of some pattern may start: the first byte in bucket k of
// kFirst and the next byte in bucket k of kSecond (a superset; every
// candidate is checked against the literals themselves).
constexpr NibbleTable kFirst = [] {
  NibbleTable t;
  t.add(1, {6}, {5});                 // e(yJ)
  t.add(2, {4, 6}, {2});              // b(earer), b(asic)
  t.add(4, {5}, {15});                // _(token)
  t.add(8, {4, 6}, {1});              // a(uthorization), a(ws)
  t.add(16, {6}, {7});                // g(hp_), g(ithub_pat_)
  t.add(32, {7}, {8});                // x(ox)
  t.add(64, {2, 3}, {10, 13});        // -(----BEGIN), :(//), :(:)
  t.add(128, {4}, {1});               // A(KIA) and the other AWS key prefixes
  return t;
}();
constexpr NibbleTable kSecond = [] {
  NibbleTable t;
  t.add(1, {7}, {9});
  t.add(2, {4, 6}, {1, 5});
  t.add(4, {5, 7}, {4});
  t.add(8, {5, 7}, {5, 7});
  t.add(16, {6}, {8, 9});
  t.add(32, {6}, {15});
  t.add(64, {2, 3}, {10, 13, 15});
  t.add(128, {4, 5}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  return t;
}();

// One 64-byte block: bit i stands for byte i. `p` has 65 readable bytes.
struct BlockMasks {
  uint64_t digit = 0, dot = 0, colon = 0, at = 0, sep = 0, fold = 0, hex_letter = 0, literal = 0;
};

BlockMasks block_masks_bytewise(const uint8_t* p) {
  BlockMasks m;
  for (unsigned i = 0; i < 64; ++i) {
    uint8_t c = kClasses(p[i]);
    uint64_t bit = uint64_t{1} << i;
    if (c & kClassDigit) m.digit |= bit;
    if (c & kClassDot) m.dot |= bit;
    if (c & kClassColon) m.colon |= bit;
    if (c & kClassAt) m.at |= bit;
    if (c & kClassSep) m.sep |= bit;
    if (c & kClassFold) m.fold |= bit;
    if (c & kClassHexLetter) m.hex_letter |= bit;
    if (kFirst(p[i]) & kSecond(p[i + 1])) m.literal |= bit;
  }
  return m;
}

#if defined(__AVX2__)
// Bit K of each class byte, moved to its top bit for movemask (the 16-bit
// shift cannot carry a bit into another byte's top).
template <int K>
uint64_t class_bits(__m256i c) {
  return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_slli_epi16(c, 7 - K)));
}

BlockMasks block_masks_simd(const uint8_t* p) {
  auto table = [](const uint8_t* t) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t)));
  };
  const __m256i nibble = _mm256_set1_epi8(15);
  auto lookup = [&](const NibbleTable& t, __m256i v) {
    __m256i lo = _mm256_and_si256(v, nibble);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
    return _mm256_and_si256(_mm256_shuffle_epi8(table(t.lo), lo), _mm256_shuffle_epi8(table(t.hi), hi));
  };
  BlockMasks m;
  for (unsigned half = 0; half < 2; ++half) {
    const uint8_t* q = p + 32 * half;
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
    __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 1));
    __m256i c = lookup(kClasses, v);
    __m256i pair = _mm256_and_si256(lookup(kFirst, v), lookup(kSecond, next));
    unsigned shift = 32 * half;
    static_assert(kClassDigit == 1 << 0 && kClassDot == 1 << 1 && kClassColon == 1 << 2 && kClassAt == 1 << 3 &&
                  kClassSep == 1 << 4 && kClassFold == 1 << 5 && kClassHexLetter == 1 << 6);
    m.digit |= class_bits<0>(c) << shift;
    m.dot |= class_bits<1>(c) << shift;
    m.colon |= class_bits<2>(c) << shift;
    m.at |= class_bits<3>(c) << shift;
    m.sep |= class_bits<4>(c) << shift;
    m.fold |= class_bits<5>(c) << shift;
    m.hex_letter |= class_bits<6>(c) << shift;
    uint64_t none = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(pair, _mm256_setzero_si256())));
    m.literal |= (~none & 0xffffffffu) << shift;
  }
  return m;
}
#endif

bool starts_with(std::string_view t, size_t i, std::string_view lit) {
  return t.size() - i >= lit.size() && std::memcmp(t.data() + i, lit.data(), lit.size()) == 0;
}

// ASCII case-insensitive; `lit` is lower case.
bool starts_with_folded(std::string_view t, size_t i, std::string_view lit) {
  if (t.size() - i < lit.size()) return false;
  for (size_t k = 0; k < lit.size(); ++k)
    if (lower(t[i + k]) != lit[k]) return false;
  return true;
}

// The gates of the literals that may start at t[i].
uint32_t literal_gates(std::string_view t, size_t i) {
  auto bit = [](GateBit g) { return uint32_t{1} << g; };
  uint32_t g = 0;
  switch (t[i]) {
    case 'e':
      if (starts_with(t, i, "eyJ")) g |= bit(kGateJwt);
      break;
    case 'b':
    case 'B':
      if (starts_with_folded(t, i, "bearer") || starts_with_folded(t, i, "basic"))
        g |= bit(kGateBearerScheme);
      break;
    case '_':
      if (starts_with_folded(t, i, "_token")) g |= bit(kGateBearerField);
      break;
    case 'A':
      if (t.size() - i >= 4) {
        static constexpr std::string_view kPrefixes[] = {"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA",
                                                         "AIPA", "ANPA", "ANVA", "AROA", "APKA", "ASCA"};
        for (auto prefix : kPrefixes)
          if (starts_with(t, i, prefix)) g |= bit(kGateAwsKeyId);
      }
      [[fallthrough]];
    case 'a':
      if (starts_with_folded(t, i, "authorization")) g |= bit(kGateBearerField);
      if (starts_with_folded(t, i, "aws")) g |= bit(kGateAwsSecret);
      break;
    case 'g':
      if (t.size() - i >= 4 && t[i + 1] == 'h' && std::string_view("pousr").find(t[i + 2]) != std::string_view::npos &&
          t[i + 3] == '_')
        g |= bit(kGateGithubToken);
      if (starts_with(t, i, "github_pat_")) g |= bit(kGateGithubPat);
      break;
    case 'x':
      if (starts_with(t, i, "xox")) g |= bit(kGateSlackToken);
      break;
    case '-':
      if (starts_with(t, i, "-----BEGIN")) g |= bit(kGatePrivateKey);
      break;
    case ':':
      if (starts_with(t, i, "::")) g |= bit(kGateIpv6Short);
      if (starts_with(t, i, "://")) {
        g |= bit(kGateUrlCredentials);  // kept only with an '@'
        if (i >= 5 && starts_with(t, i - 5, "https://hooks.slack.com/services/")) g |= bit(kGateSlackHook);
      }
      break;
  }
  return g;
}

// Separators with groups of 1 to `group` bytes of a class between them:
// the three dots of an IPv4 address, the seven colons of a full IPv6 one.
// Separators are fed in order, each one with a group byte before it.
struct SeparatorChain {
  unsigned group;
  bool (*in_group)(char);
  size_t last = 0;
  unsigned length = 0;

  // The length of the chain ending at t[pos].
  unsigned add(std::string_view t, size_t pos) {
    bool joined = length > 0 && pos - last >= 2 && pos - last <= group + 1;
    for (size_t k = last + 1; joined && k < pos; ++k) joined = in_group(t[k]);
    length = joined ? length + 1 : 1;
    last = pos;
    return length;
  }
};

bool is_hex(char c) { return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f'); }

template <bool kSimd>
uint32_t gates_of(std::string_view t) {
  uint32_t g = 0;
  uint64_t any_at = 0, any_fold = 0, digit_carry = 0, hex_carry = 0;
  size_t card_run = 0;
  bool card = false;
  SeparatorChain quad{3, is_digit}, ipv6{4, is_hex};
  uint8_t last[65];
  for (size_t off = 0; off < t.size(); off += 64) {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(t.data()) + off;
    if (t.size() - off < 65) {
      std::memset(last, 0, sizeof last);
      std::memcpy(last, p, t.size() - off);
      p = last;
    }
#if defined(__AVX2__)
    BlockMasks m = kSimd ? block_masks_simd(p) : block_masks_bytewise(p);
#else
    BlockMasks m = block_masks_bytewise(p);
#endif
    any_at |= m.at;
    any_fold |= m.fold;
    uint64_t after_digit = (m.digit << 1) | digit_carry;
    digit_carry = m.digit >> 63;
    uint64_t hex = m.digit | m.hex_letter;
    uint64_t after_hex = (hex << 1) | hex_carry;
    hex_carry = hex >> 63;
    for (uint64_t d = m.dot & after_digit; d != 0; d &= d - 1)
      if (quad.add(t, off + static_cast<size_t>(std::countr_zero(d))) >= 3) g |= uint32_t{1} << kGateIpv4;
    for (uint64_t c = m.colon & after_hex; c != 0; c &= c - 1)
      if (ipv6.add(t, off + static_cast<size_t>(std::countr_zero(c))) >= 7) g |= uint32_t{1} << kGateIpv6Full;
    // Card numbers: 13 or more digits, single separators between them.
    uint64_t cardish = m.digit | (m.sep & after_digit);
    if (~cardish == 0) {
      card_run += 64;
      card = card || card_run >= 13;
    } else {
      uint64_t r = cardish;
      r &= r >> 1;  // runs of 2
      r &= r >> 2;  // 4
      r &= r >> 4;  // 8
      r &= r >> 5;  // 13
      card = card || r != 0 || card_run + static_cast<size_t>(std::countr_one(cardish)) >= 13;
      card_run = static_cast<size_t>(std::countl_one(cardish));
    }
    for (uint64_t lit = m.literal; lit != 0; lit &= lit - 1)
      g |= literal_gates(t, off + static_cast<size_t>(std::countr_zero(lit)));
  }
  auto bit = [](GateBit b) { return uint32_t{1} << b; };
  if (any_at) g |= bit(kGateEmail);
  else g &= ~bit(kGateUrlCredentials);
  if (any_fold) g |= bit(kGateBearerScheme) | bit(kGateBearerField) | bit(kGateAwsSecret);
  if (card) g |= bit(kGateCreditCard);
  return g;
}

}  // namespace

const std::vector<std::string>& builtin_secret_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> v;
    for (const auto& p : kBuiltins)
      if (std::find(v.begin(), v.end(), p.kind) == v.end()) v.push_back(p.kind);
    return v;
  }();
  return kinds;
}

uint32_t secret_pattern_gates(std::string_view text, bool simd) {
  return simd ? gates_of<true>(text) : gates_of<false>(text);
}

// A group is searched with one RE2 program: a built-in pattern alone, gated,
// or every user pattern in one alternation (users' patterns have no gates).
struct SecretScanner::Database {
  struct Group {
    const re2::RE2* re;
    unsigned first, count;  // its pattern ids
    int gate;               // GateBit, or -1: always searched
  };
  std::vector<std::unique_ptr<re2::RE2>> each;  // pattern id -> its own regex
  std::vector<unsigned> kind_of;                // pattern id -> kind index
  std::vector<Validator> validator_of;          // pattern id -> validator (may be null)
  std::unique_ptr<re2::RE2> users;              // the user patterns, one alternation
  std::vector<Group> groups;
  bool gated = true;                            // false: every pattern runs on all text (tests)
  uint32_t gates = 0;                           // the gates of the built-in patterns in use

  // The scan in progress: each searched group's next match.
  struct Next {
    size_t group, begin, end;
  };
  std::vector<Next> next;
};

namespace {

re2::RE2::Options regex_options() {
  re2::RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(int64_t{32} << 20);  // DFA budget: 16M thrashes on --mask all
  return o;
}

}  // namespace

SecretScanner::SecretScanner(const std::vector<std::string>& kinds, const std::vector<UserPattern>& user,
                             bool gated)
    : db_(std::make_unique<Database>()) {
  db_->gated = gated;
  std::vector<std::string> wanted;
  for (const auto& k : kinds) {
    if (k == "all") {
      wanted = builtin_secret_kinds();
      continue;
    }
    const auto& all = builtin_secret_kinds();
    if (std::find(all.begin(), all.end(), k) == all.end())
      throw Error(kExitUsage, "unknown mask kind '" + k + "'");
    if (std::find(wanted.begin(), wanted.end(), k) == wanted.end()) wanted.push_back(k);
  }
  auto kind_index = [&](const std::string& name) {
    std::string label = "[REDACTED:" + name + "]";
    auto it = std::find(names_.begin(), names_.end(), label);
    if (it != names_.end()) return static_cast<unsigned>(it - names_.begin());
    names_.push_back(label);
    return static_cast<unsigned>(names_.size() - 1);
  };
  auto add = [&](const std::string& regex, unsigned kind, Validator v) {
    db_->each.push_back(std::make_unique<re2::RE2>(regex, regex_options()));
    db_->kind_of.push_back(kind);
    db_->validator_of.push_back(v);
    return static_cast<unsigned>(db_->each.size() - 1);
  };
  for (size_t b = 0; b < std::size(kBuiltins); ++b) {
    const auto& p = kBuiltins[b];
    if (std::find(wanted.begin(), wanted.end(), p.kind) == wanted.end()) continue;
    unsigned id = add(p.regex, kind_index(p.kind), p.validate);
    if (!db_->each[id]->ok()) throw Error(kExitFailure, "mask pattern: " + db_->each[id]->error());
    db_->groups.push_back({db_->each[id].get(), id, 1, static_cast<int>(b)});
    db_->gates |= uint32_t{1} << b;
  }
  std::string joined;
  for (const auto& u : user) {
    re2::RE2 alone(u.regex, regex_options());
    if (!alone.ok()) throw Error(kExitUsage, "--mask-regex " + u.name + ": " + alone.error());
    if (u.regex.find("\\A") != std::string::npos || u.regex.find("\\z") != std::string::npos)
      throw Error(kExitUsage, "--mask-regex " + u.name + ": \\A and \\z are not supported (use ^ and $)");
    // Strings are scanned together, one per line: ^ and $ are line anchors.
    std::string regex = "(?m:" + u.regex + ")";
    add(regex, kind_index(u.name), nullptr);
    if (re2::RE2::FullMatch("", *db_->each.back()))
      throw Error(kExitUsage, "--mask-regex " + u.name + ": matches the empty string");
    if (!joined.empty()) joined += '|';
    joined += "(?:" + regex + ")";
  }
  if (!user.empty()) {
    db_->users = std::make_unique<re2::RE2>(joined, regex_options());
    if (!db_->users->ok()) throw Error(kExitUsage, "mask patterns: " + db_->users->error());
    auto first = static_cast<unsigned>(db_->each.size() - user.size());
    db_->groups.push_back({db_->users.get(), first, static_cast<unsigned>(user.size()), -1});
  }
  if (db_->groups.empty()) throw Error(kExitUsage, "no mask patterns");
  db_->next.reserve(db_->groups.size());
}

SecretScanner::~SecretScanner() = default;

bool SecretScanner::may_match(std::string_view text) const {
  // User patterns have no gates.
  return !db_->gated || db_->users || (gates_of<true>(text) & db_->gates) != 0;
}

size_t SecretScanner::scan(std::string_view text) {
  return scan_joined(text, {text.size()});
}

// Each group whose gate the text passes is searched; the leftmost of their
// matches is taken (the earlier group on a tie, as in one alternation of
// them all), and only the groups whose next match it overlaps search again.
size_t SecretScanner::scan_joined(std::string_view text, const std::vector<size_t>& ends) {
  spans_.clear();
  Database& db = *db_;
  uint32_t gates = db.gated ? gates_of<true>(text) : ~uint32_t{0};
  re2::StringPiece input(text.data(), text.size());
  auto& next = db.next;
  next.clear();
  // Sets n to the group's first match at or after `from`; false if none.
  auto search = [&](Database::Next& n, size_t from) {
    re2::StringPiece m;
    if (from >= text.size() ||
        !db.groups[n.group].re->Match(input, from, text.size(), re2::RE2::UNANCHORED, &m, 1))
      return false;
    n.begin = static_cast<size_t>(m.data() - text.data());
    n.end = n.begin + m.size();
    return true;
  };
  for (size_t g = 0; g < db.groups.size(); ++g) {
    int gate = db.groups[g].gate;
    if (gate >= 0 && !(gates >> gate & 1)) continue;
    Database::Next n{g, 0, 0};
    if (search(n, 0)) next.push_back(n);
  }
  size_t seg = 0, seg_begin = 0;
  while (!next.empty()) {
    auto first = std::min_element(next.begin(), next.end(), [](const auto& a, const auto& b) {
      return a.begin < b.begin || (a.begin == b.begin && a.group < b.group);
    });
    Database::Next& n = *first;
    const Database::Group& group = db.groups[n.group];
    size_t b = n.begin, e = n.end;
    auto retry_after = [&](size_t at) {
      if (!search(n, at)) next.erase(first);
    };
    while (seg < ends.size() && ends[seg] <= b) seg_begin = ends[seg++] + 1;
    if (seg == ends.size()) break;
    size_t seg_end = ends[seg];
    if (e > seg_end) {
      // Across a text's end: what the text alone holds at b, if anything.
      re2::StringPiece m;
      if (!group.re->Match(input, b, seg_end, re2::RE2::ANCHOR_START, &m, 1)) {
        retry_after(b + 1);
        continue;
      }
      e = b + m.size();
    }
    if (e == b) {  // an empty match (a user pattern such as \b) masks nothing
      retry_after(b + 1);
      continue;
    }
    unsigned id = group.first;
    if (group.count > 1)
      while (id < group.first + group.count &&
             !db.each[id]->Match(input, b, e, re2::RE2::ANCHOR_BOTH, nullptr, 0))
        ++id;
    // Validators see the one text, as if it had been scanned alone.
    std::string_view one = text.substr(seg_begin, seg_end - seg_begin);
    size_t vb = b - seg_begin, ve = e - seg_begin;
    Validator v = id < group.first + group.count ? db.validator_of[id] : nullptr;
    if (id == group.first + group.count || (v && !v(one, vb, ve)) || ve <= vb) {
      retry_after(b + 1);
      continue;
    }
    vb += seg_begin;
    ve += seg_begin;
    if (!spans_.empty() && spans_.back().end > vb) {
      spans_.back().end = std::max(spans_.back().end, ve);
    } else {
      spans_.push_back({vb, ve, db.kind_of[id]});
    }
    // Every match starting inside this one is passed over.
    for (size_t k = next.size(); k-- > 0;)
      if (next[k].begin < e && !search(next[k], e)) next.erase(next.begin() + static_cast<long>(k));
  }
  return spans_.size();
}

void SecretScanner::apply(std::string_view text, std::string& out) const {
  size_t at = 0;
  for (const Span& s : spans_) {
    out.append(text.data() + at, s.begin - at);
    out.append(names_[s.kind]);
    at = s.end;
  }
  out.append(text.data() + at, text.size() - at);
}

}  // namespace ndj
