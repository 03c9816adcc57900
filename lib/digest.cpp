// Digests over libcrypto (EVP, contexts reused across values: a fetch per
// value would cost more than hashing a short string) and xxHash.
#include "digest.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <xxhash.h>
#ifdef __SSSE3__
#include <immintrin.h>
#endif

#include "diag.hpp"

namespace ndj {

std::optional<DigestAlgo> parse_digest_algo(std::string_view name) {
  if (name == "sha256") return DigestAlgo::kSha256;
  if (name == "hmac-sha256") return DigestAlgo::kHmacSha256;
  if (name == "xxh3") return DigestAlgo::kXxh3;
  if (name == "xxh128") return DigestAlgo::kXxh128;
  return std::nullopt;
}

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
  EVP_MD* md = nullptr;
  EVP_MD_CTX* md_ctx = nullptr;
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* mac_ctx = nullptr;
  ~Crypto() {
    EVP_MAC_CTX_free(mac_ctx);
    EVP_MAC_free(mac);
    EVP_MD_CTX_free(md_ctx);
    EVP_MD_free(md);
  }
};

namespace {

// Lower-case hex of n <= EVP_MAX_MD_SIZE bytes: 16 bytes at a time with a
// byte shuffle where the CPU has one (a hash per record adds up).
void append_hex_bytes(const unsigned char* p, size_t n, std::string& out) {
  static const char kHex[] = "0123456789abcdef";
  char hex[2 * EVP_MAX_MD_SIZE];
  size_t i = 0;
#ifdef __SSSE3__
  const __m128i digits = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kHex));
  const __m128i low4 = _mm_set1_epi8(0x0f);
  for (; i + 16 <= n; i += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i hi = _mm_shuffle_epi8(digits, _mm_and_si128(_mm_srli_epi16(b, 4), low4));
    const __m128i lo = _mm_shuffle_epi8(digits, _mm_and_si128(b, low4));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(hex + 2 * i), _mm_unpacklo_epi8(hi, lo));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(hex + 2 * i + 16), _mm_unpackhi_epi8(hi, lo));
  }
#endif
  for (; i < n; ++i) {
    hex[2 * i] = kHex[p[i] >> 4];
    hex[2 * i + 1] = kHex[p[i] & 15];
  }
  out.append(hex, 2 * n);
}

[[noreturn]] void crypto_failure(const char* what) {
  throw Error(kExitFailure, std::string("libcrypto: ") + what + " failed");
}

}  // namespace

Digester::Digester(DigestAlgo algo, std::string_view key) : algo_(algo) {
  if (algo == DigestAlgo::kSha256) {
    crypto_ = std::make_unique<Crypto>();
    crypto_->md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    crypto_->md_ctx = EVP_MD_CTX_new();
    if (!crypto_->md || !crypto_->md_ctx) crypto_failure("SHA256 set-up");
  } else if (algo == DigestAlgo::kHmacSha256) {
    if (key.empty()) throw Error(kExitUsage, "hmac-sha256 needs a non-empty key");
    crypto_ = std::make_unique<Crypto>();
    crypto_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!crypto_->mac) crypto_failure("HMAC fetch");
    crypto_->mac_ctx = EVP_MAC_CTX_new(crypto_->mac);
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end()};
    if (!crypto_->mac_ctx ||
        !EVP_MAC_init(crypto_->mac_ctx, reinterpret_cast<const unsigned char*>(key.data()),
                      key.size(), params))
      crypto_failure("HMAC-SHA256 set-up");
  }
}

Digester::~Digester() = default;

void Digester::append_hex(std::string_view data, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  switch (algo_) {
    case DigestAlgo::kSha256: {
      unsigned char md[EVP_MAX_MD_SIZE];
      unsigned int n = 0;
      if (!EVP_DigestInit_ex2(crypto_->md_ctx, crypto_->md, nullptr) ||
          !EVP_DigestUpdate(crypto_->md_ctx, p, data.size()) ||
          !EVP_DigestFinal_ex(crypto_->md_ctx, md, &n))
        crypto_failure("SHA256");
      append_hex_bytes(md, n, out);
      return;
    }
    case DigestAlgo::kHmacSha256: {
      unsigned char md[EVP_MAX_MD_SIZE];
      size_t n = 0;
      // A null key re-initialises with the key given at construction.
      if (!EVP_MAC_init(crypto_->mac_ctx, nullptr, 0, nullptr) ||
          !EVP_MAC_update(crypto_->mac_ctx, p, data.size()) ||
          !EVP_MAC_final(crypto_->mac_ctx, md, &n, sizeof md))
        crypto_failure("HMAC-SHA256");
      append_hex_bytes(md, n, out);
      return;
    }
    case DigestAlgo::kXxh3: {
      XXH64_canonical_t c;
      XXH64_canonicalFromHash(&c, XXH3_64bits(data.data(), data.size()));
      append_hex_bytes(c.digest, sizeof c.digest, out);
      return;
    }
    case DigestAlgo::kXxh128: {
      XXH128_canonical_t c;
      XXH128_canonicalFromHash(&c, XXH3_128bits(data.data(), data.size()));
      append_hex_bytes(c.digest, sizeof c.digest, out);
      return;
    }
  }
}

}  // namespace ndj
