// Content digests for redaction: SHA-256 and HMAC-SHA-256 (OpenSSL
// libcrypto) for values that must not be recoverable, XXH3 for fast
// correlation only. Output is lower-case hex.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/choices.hpp"

namespace ndj {

enum class DigestAlgo { kSha256, kHmacSha256, kXxh3, kXxh128 };

// "sha256", "hmac-sha256", "xxh3", "xxh128".
extern const Choices<DigestAlgo> kDigestAlgos;
// The suffix of the field holding the digest: "sha256", "hmac_sha256",
// "xxh3", "xxh128" (so `message` becomes `message_sha256`).
std::string_view digest_field_suffix(DigestAlgo algo);

class Digester {
 public:
  // `key` is used (and required non-empty: Error(kExitUsage)) for
  // kHmacSha256 only.
  Digester(DigestAlgo algo, std::string_view key = {});
  ~Digester();
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;

  // Appends the hex digest of `data` to `out`.
  void append_hex(std::string_view data, std::string& out);
  DigestAlgo algo() const { return algo_; }

 private:
  struct Crypto;
  DigestAlgo algo_;
  std::unique_ptr<Crypto> crypto_;
};

}  // namespace ndj
