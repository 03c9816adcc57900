// The scanner's gates: one SIMD pass for the shapes of addresses and
// numbers, Hyperscan for keywords.
#include "redact/secret_gates.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <map>
#include <mutex>
#include <cstring>
#include <initializer_list>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include "core/diag.hpp"
#include "redact/secret_rules.hpp"

namespace ndj {

namespace {

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
                  kClassUpper = 32, kClassHexLetter = 64, kClassDash = 128;

constexpr NibbleTable kClasses = [] {
  NibbleTable t;
  t.add(kClassDigit, {3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  t.add(kClassDot, {2}, {14});
  t.add(kClassColon, {3}, {10});
  t.add(kClassAt, {4}, {0});
  t.add(kClassSep, {2}, {0, 13});  // ' ' and '-': between card digits, MAC pairs
  // A superset of the capitals (0x40-0x5F), for the IBAN country code.
  t.add(kClassUpper, {4, 5}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  t.add(kClassHexLetter, {4, 6}, {1, 2, 3, 4, 5, 6});
  t.add(kClassDash, {2}, {13});  // between MAC pairs
  return t;
}();

// One 64-byte block: bit i stands for byte i.
struct BlockMasks {
  uint64_t digit = 0, dot = 0, colon = 0, at = 0, sep = 0, upper = 0, hex_letter = 0, dash = 0;
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
    if (c & kClassUpper) m.upper |= bit;
    if (c & kClassHexLetter) m.hex_letter |= bit;
    if (c & kClassDash) m.dash |= bit;
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
  const __m256i lo_table = table(kClasses.lo), hi_table = table(kClasses.hi);
  BlockMasks m;
  for (unsigned half = 0; half < 2; ++half) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * half));
    __m256i lo = _mm256_and_si256(v, nibble);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
    __m256i c = _mm256_and_si256(_mm256_shuffle_epi8(lo_table, lo), _mm256_shuffle_epi8(hi_table, hi));
    unsigned shift = 32 * half;
    static_assert(kClassDigit == 1 << 0 && kClassDot == 1 << 1 && kClassColon == 1 << 2 && kClassAt == 1 << 3 &&
                  kClassSep == 1 << 4 && kClassUpper == 1 << 5 && kClassHexLetter == 1 << 6 &&
                  kClassDash == 1 << 7);
    m.digit |= class_bits<0>(c) << shift;
    m.dot |= class_bits<1>(c) << shift;
    m.colon |= class_bits<2>(c) << shift;
    m.at |= class_bits<3>(c) << shift;
    m.sep |= class_bits<4>(c) << shift;
    m.upper |= class_bits<5>(c) << shift;
    m.hex_letter |= class_bits<6>(c) << shift;
    m.dash |= class_bits<7>(c) << shift;
  }
  return m;
}
#endif

// Separators with groups of 1 to `group` bytes of a class between them:
// the three dots of an IPv4 address, the seven colons of a full IPv6 one,
// the five of a MAC address. Separators are fed in order, each one with a
// group byte before it. A separator is never a group byte, so the bytes
// between the last separator and this one are all of the group exactly
// when the last byte outside the group before this one is that separator.
struct SeparatorChain {
  unsigned group;
  size_t last = 0;
  unsigned length = 0;

  // The length of the chain ending at `pos`; `outside` is the offset of
  // the last byte before it that is not of the group.
  unsigned add(size_t pos, size_t outside) {
    bool joined = length > 0 && pos - last >= 2 && pos - last <= group + 1 && outside == last;
    length = joined ? length + 1 : 1;
    last = pos;
    return length;
  }
};

// The offsets of the last byte outside a class (bits set in `in`, for the
// 64-byte block at `off`) before each place: the highest clear bit below
// it, else the last one of the blocks before.
struct LastOutside {
  size_t before_block = SIZE_MAX;  // none yet
  size_t at(uint64_t in, size_t off, unsigned bit) const {
    uint64_t out = ~in & ((uint64_t{1} << bit) - 1);
    return out ? off + 63 - static_cast<size_t>(std::countl_zero(out)) : before_block;
  }
  void end_block(uint64_t in, size_t off) {
    if (~in) before_block = off + 63 - static_cast<size_t>(std::countl_zero(~in));
  }
};

// x shifted towards higher bytes by k, with the top of the previous block.
uint64_t shifted(uint64_t x, uint64_t prev, unsigned k) { return (x << k) | (prev >> (64 - k)); }

// Calls on(bit, pos) for every place a shape is complete at t[pos] (none
// spans a '\n', so each belongs to one line of a batch).
template <bool kSimd, class On>
void scan_shapes(std::string_view t, bool padded, On&& on) {
  uint64_t prev_digit = 0, prev_hex = 0, prev_upper = 0;
  size_t card_run = 0;
  SeparatorChain quad{3}, ipv6{4}, mac{2};
  LastOutside non_digit, non_hex;
  uint8_t last[64];
  for (size_t off = 0; off < t.size(); off += 64) {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(t.data()) + off;
    size_t left = t.size() - off;
    if (left < 64 && !padded) {
      std::memset(last, 0, sizeof last);
      std::memcpy(last, p, left);
      p = last;
    }
#if defined(__AVX2__)
    BlockMasks m = kSimd ? block_masks_simd(p) : block_masks_bytewise(p);
#else
    BlockMasks m = block_masks_bytewise(p);
#endif
    if (left < 64 && padded) {  // the bytes past the text count as none
      uint64_t valid = (uint64_t{1} << left) - 1;
      for (uint64_t* mask : {&m.digit, &m.dot, &m.colon, &m.at, &m.sep, &m.upper, &m.hex_letter, &m.dash})
        *mask &= valid;
    }
    auto bit = [](uint64_t bits) { return static_cast<unsigned>(std::countr_zero(bits)); };
    auto at = [&](uint64_t bits) { return off + bit(bits); };
    for (uint64_t a = m.at; a != 0; a &= a - 1) on(kShapeAt, at(a));
    uint64_t after_digit = shifted(m.digit, prev_digit, 1);
    uint64_t hex = m.digit | m.hex_letter;
    uint64_t after_hex = shifted(hex, prev_hex, 1);
    for (uint64_t d = m.dot & after_digit; d != 0; d &= d - 1)
      if (quad.add(at(d), non_digit.at(m.digit, off, bit(d))) >= 3) on(kShapeDottedQuad, at(d));
    for (uint64_t c = m.colon & after_hex; c != 0; c &= c - 1) {
      unsigned chain = ipv6.add(at(c), non_hex.at(hex, off, bit(c)));
      if (chain >= 6) on(chain >= 7 ? kShapeHexColons | kShapeHexColons6 : kShapeHexColons6, at(c));
    }
    for (uint64_t c = (m.colon | m.dash) & after_hex; c != 0; c &= c - 1)
      if (mac.add(at(c), non_hex.at(hex, off, bit(c))) >= 5) on(kShapeMac, at(c));
    non_digit.end_block(m.digit, off);
    non_hex.end_block(hex, off);
    // IBAN: two capitals, then two digits (bit i: the second digit).
    for (uint64_t i = m.digit & after_digit & shifted(m.upper, prev_upper, 2) & shifted(m.upper, prev_upper, 3);
         i != 0; i &= i - 1)
      on(kShapeIban, at(i));
    // Card numbers: 14 or more digits, single separators between them
    // (bit i of r: a run of 14 starts at byte i).
    uint64_t cardish = m.digit | (m.sep & after_digit);
    size_t lead = static_cast<size_t>(std::countr_one(cardish));
    if (card_run > 0 && card_run < 14 && card_run + lead >= 14) on(kShapeLongDigits, off + (13 - card_run));
    if (card_run >= 14 && lead > 0) on(kShapeLongDigits, off);
    uint64_t r = cardish;
    r &= r >> 1;  // runs of 2
    r &= r >> 2;  // 4
    r &= r >> 4;  // 8
    r &= r >> 6;  // 14
    for (; r != 0; r &= r - 1) on(kShapeLongDigits, at(r) + 13);
    card_run = ~cardish == 0 ? card_run + 64 : static_cast<size_t>(std::countl_one(cardish));
    prev_digit = m.digit;
    prev_hex = hex;
    prev_upper = m.upper;
  }
}

}  // namespace

unsigned secret_shapes(std::string_view text, bool simd, bool padded) {
  unsigned g = 0;
  auto on = [&](unsigned bit, size_t) { g |= bit; };
  if (simd) scan_shapes<true>(text, padded, on);
  else scan_shapes<false>(text, padded, on);
  return g;
}

void secret_shapes_of_lines(std::string_view text, std::vector<ShapeHit>& hits) {
  hits.clear();
  scan_shapes<true>(text, true, [&](unsigned bit, size_t pos) { hits.push_back({pos, bit}); });
  std::sort(hits.begin(), hits.end(), [](const ShapeHit& a, const ShapeHit& b) { return a.pos < b.pos; });
}

// A compiled database is read-only while it scans: the worker threads of
// one run share it, each with its own scratch space.
struct Database {
  hs_database_t* db = nullptr;
  ~Database() { hs_free_database(db); }
};

struct KeywordMatcher::Hs {
  std::shared_ptr<const Database> shared;
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  ~Hs() { hs_free_scratch(scratch); }
};

namespace {

// The ids past the keywords: the UTF-8 of U+017F and U+212A.
constexpr const char* kFoldLiterals[] = {"\xc5\xbf", "\xe2\x84\xaa"};

std::shared_ptr<const Database> compile_database(const std::vector<KeywordMatcher::Keyword>& keywords) {
  auto compiled = std::make_shared<Database>();
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  std::vector<size_t> lens;
  for (const auto& k : keywords) {
    exprs.push_back(k.text.data());
    lens.push_back(k.text.size());
    flags.push_back(k.caseless ? HS_FLAG_CASELESS : 0);
    ids.push_back(static_cast<unsigned>(ids.size()));
  }
  for (const char* lit : kFoldLiterals) {
    exprs.push_back(lit);
    lens.push_back(std::strlen(lit));
    flags.push_back(0);
    ids.push_back(static_cast<unsigned>(keywords.size()));
  }
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(exprs.size()),
                           HS_MODE_BLOCK, nullptr, &compiled->db, &err) != HS_SUCCESS) {
    std::string why = err && err->message ? err->message : "unknown error";
    hs_free_compile_error(err);
    throw Error(kExitFailure, "keyword matcher: " + why);
  }
  return compiled;
}

// The database of a keyword set, compiled once a process.
std::unique_ptr<KeywordMatcher::Hs> compile_keywords(const std::vector<KeywordMatcher::Keyword>& keywords) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Database>> cache;
  std::string key;
  for (const auto& k : keywords) {
    key += k.caseless ? 'i' : 'c';
    key += std::to_string(k.text.size()) + ':' + k.text;
  }
  auto hs = std::make_unique<KeywordMatcher::Hs>();
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto& entry = cache[key];
    if (!entry) entry = compile_database(keywords);
    hs->shared = entry;
  }
  hs->db = hs->shared->db;
  if (hs_alloc_scratch(hs->db, &hs->scratch) != HS_SUCCESS)
    throw Error(kExitFailure, "keyword matcher: cannot allocate its scratch space");
  return hs;
}

// Hyperscan takes lengths below 4 GiB; a longer text goes in overlapping
// pieces (keywords are short), `on` seeing offsets in the whole text.
template <class On>
void scan_pieces(const KeywordMatcher::Hs& hs, std::string_view text, On& on) {
  constexpr size_t kPiece = size_t{1} << 31, kOverlap = 256;
  struct Ctx {
    On* on;
    size_t base;
  } ctx{&on, 0};
  auto cb = [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* c) -> int {
    auto* x = static_cast<Ctx*>(c);
    (*x->on)(id, x->base + static_cast<size_t>(to));
    return 0;
  };
  for (size_t at = 0;; at += kPiece - kOverlap) {
    size_t n = std::min(text.size() - at, kPiece);
    ctx.base = at;
    if (hs_scan(hs.db, text.data() + at, static_cast<unsigned>(n), 0, hs.scratch, cb, &ctx) != HS_SUCCESS)
      throw Error(kExitFailure, "keyword matcher: scan failed");
    if (at + n >= text.size()) break;
  }
}

}  // namespace

KeywordMatcher::KeywordMatcher(const std::vector<Keyword>& keywords)
    : hs_(compile_keywords(keywords)), keywords_(keywords), seen_(keywords.size() + 1, 0) {}

KeywordMatcher::~KeywordMatcher() = default;

void KeywordMatcher::find(std::string_view text, std::vector<unsigned>& found, bool& folded) {
  found.clear();
  folded = false;
  auto on = [&](unsigned id, size_t) {
    if (seen_[id]) return;
    seen_[id] = 1;
    if (id < keywords_.size()) found.push_back(id);
    else folded = true;
  };
  scan_pieces(*hs_, text, on);
  for (unsigned id : found) seen_[id] = 0;
  seen_[keywords_.size()] = 0;
}

void KeywordMatcher::find_all(std::string_view text, std::vector<Hit>& hits) {
  hits.clear();
  auto on = [&](unsigned id, size_t end) {
    size_t len = id < keywords_.size() ? keywords_[id].text.size() : 2;  // a folded character: 2 or 3 bytes
    hits.push_back({end - len, end, id});
  };
  scan_pieces(*hs_, text, on);
}

}  // namespace ndj
