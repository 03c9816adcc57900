// Digests over libcrypto's SHA-256 and xxHash. The values hashed are short
// (a message, an argument list), so the per-value set-up is what counts:
// OpenSSL 3's EVP interface frees and allocates its provider context on
// every re-initialisation (260 ns per 100-byte value against 190 ns here),
// hence its low-level SHA256 functions, deprecated but still exported, and
// HMAC (RFC 2104) over two SHA-256 states prepared from the key once.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <xxhash.h>

#include <cstring>
#ifdef __SSSE3__
#include <immintrin.h>
#endif

#include "core/diag.hpp"

namespace ndj {

const Choices<DigestAlgo> kDigestAlgos{{{"sha256", DigestAlgo::kSha256},
                                         {"hmac-sha256", DigestAlgo::kHmacSha256},
                                         {"xxh3", DigestAlgo::kXxh3},
                                         {"xxh128", DigestAlgo::kXxh128}}};

std::string_view digest_field_suffix(DigestAlgo algo) {
  switch (algo) {
    case DigestAlgo::kSha256: return "sha256";
    case DigestAlgo::kHmacSha256: return "hmac_sha256";
    case DigestAlgo::kXxh3: return "xxh3";
    case DigestAlgo::kXxh128: return "xxh128";
  }
  return "";
}

struct Digester::Crypto {
  SHA256_CTX inner, outer;  // HMAC: the states after the key's ipad and opad blocks
};

namespace {

// Lower-case hex of a digest: 16 bytes at a time with a byte shuffle where
// the CPU has one, and a copy of constant size (a hash per record adds up).
template <size_t N>
void append_hex_bytes(const unsigned char (&p)[N], std::string& out) {
  static const char kHex[] = "0123456789abcdef";
  char hex[2 * N];
  size_t i = 0;
#ifdef __SSSE3__
  const __m128i digits = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kHex));
  const __m128i low4 = _mm_set1_epi8(0x0f);
  for (; i + 16 <= N; i += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i hi = _mm_shuffle_epi8(digits, _mm_and_si128(_mm_srli_epi16(b, 4), low4));
    const __m128i lo = _mm_shuffle_epi8(digits, _mm_and_si128(b, low4));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(hex + 2 * i), _mm_unpacklo_epi8(hi, lo));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(hex + 2 * i + 16), _mm_unpackhi_epi8(hi, lo));
  }
#endif
  for (; i < N; ++i) {
    hex[2 * i] = kHex[p[i] >> 4];
    hex[2 * i + 1] = kHex[p[i] & 15];
  }
  out.append(hex, sizeof hex);
}

}  // namespace

Digester::Digester(DigestAlgo algo, std::string_view key) : algo_(algo) {
  if (algo != DigestAlgo::kHmacSha256) return;
  if (key.empty()) throw Error(kExitUsage, "hmac-sha256 needs a non-empty key");
  unsigned char block[SHA256_CBLOCK] = {};
  if (key.size() > sizeof block) {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, key.data(), key.size());
    SHA256_Final(block, &ctx);
    OPENSSL_cleanse(&ctx, sizeof ctx);
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  crypto_ = std::make_unique<Crypto>();
  for (auto [ctx, pad] : {std::pair{&crypto_->inner, 0x36}, std::pair{&crypto_->outer, 0x5c}}) {
    unsigned char padded[SHA256_CBLOCK];
    for (size_t i = 0; i < sizeof padded; ++i) padded[i] = static_cast<unsigned char>(block[i] ^ pad);
    SHA256_Init(ctx);
    SHA256_Update(ctx, padded, sizeof padded);
    OPENSSL_cleanse(padded, sizeof padded);
  }
  OPENSSL_cleanse(block, sizeof block);
}

Digester::~Digester() {
  if (crypto_) OPENSSL_cleanse(crypto_.get(), sizeof *crypto_);
}

void Digester::append_hex(std::string_view data, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  switch (algo_) {
    case DigestAlgo::kSha256: {
      // Not SHA256(): in OpenSSL 3 it fetches the algorithm on every call.
      unsigned char md[SHA256_DIGEST_LENGTH];
      SHA256_CTX ctx;
      SHA256_Init(&ctx);
      SHA256_Update(&ctx, p, data.size());
      SHA256_Final(md, &ctx);
      append_hex_bytes(md, out);
      return;
    }
    case DigestAlgo::kHmacSha256: {
      unsigned char md[SHA256_DIGEST_LENGTH];
      SHA256_CTX ctx = crypto_->inner;
      SHA256_Update(&ctx, p, data.size());
      SHA256_Final(md, &ctx);
      ctx = crypto_->outer;
      SHA256_Update(&ctx, md, sizeof md);
      SHA256_Final(md, &ctx);
      OPENSSL_cleanse(&ctx, sizeof ctx);
      append_hex_bytes(md, out);
      return;
    }
    case DigestAlgo::kXxh3: {
      XXH64_canonical_t c;
      XXH64_canonicalFromHash(&c, XXH3_64bits(data.data(), data.size()));
      append_hex_bytes(c.digest, out);
      return;
    }
    case DigestAlgo::kXxh128: {
      XXH128_canonical_t c;
      XXH128_canonicalFromHash(&c, XXH3_128bits(data.data(), data.size()));
      append_hex_bytes(c.digest, out);
      return;
    }
  }
}

}  // namespace ndj
