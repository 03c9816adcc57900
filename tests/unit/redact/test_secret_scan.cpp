// The secret scanner (lib/redact/secret_scan): each built-in kind on a
// sample in its real format and on near-misses, the exact extent of what
// is masked, user patterns, several strings at once, and the SIMD gates.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/diag.hpp"
#include "core/gzip.hpp"
#include "redact/secret_gates.hpp"
#include "redact/secret_scan.hpp"

using namespace ndj;

namespace {

std::string mask(const std::string& kinds, const std::string& text) {
  std::vector<std::string> k;
  size_t at = 0;
  for (;;) {
    size_t comma = kinds.find(',', at);
    k.push_back(kinds.substr(at, comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  SecretScanner s(k, {});
  s.scan(text);
  std::string out;
  s.apply(text, out);
  return out;
}

// The masked text and spans of one scan of `text` with `kinds`.
std::vector<std::string> matched(const std::string& kinds, const std::string& text) {
  SecretScanner s({kinds}, {});
  s.scan(text);
  std::vector<std::string> v;
  for (const auto& span : s.spans()) v.push_back(text.substr(span.begin, span.end - span.begin));
  return v;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("secret kinds") {
  CHECK(mask("email", "mail bob.smith+x@mail.example.co.uk now") == "mail [REDACTED:email] now");
  CHECK(mask("ipv4", "from 10.0.0.1:8080 and 192.168.1.254") == "from [REDACTED:ipv4]:8080 and [REDACTED:ipv4]");
  CHECK(mask("ipv6", "peer 2001:db8::8a2e:370:7334 and fe80::1%eth0 ::1") ==
        "peer [REDACTED:ipv6] and [REDACTED:ipv6]%eth0 [REDACTED:ipv6]");
  CHECK(mask("ipv6", "addr 2001:0db8:0000:0000:0000:ff00:0042:8329.") == "addr [REDACTED:ipv6].");
  CHECK(mask("jwt", "t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok") ==
        "t=[REDACTED:jwt] ok");
  CHECK(mask("bearer", "Authorization: Bearer abc123.def-456_ghi") == "Authorization: Bearer [REDACTED:bearer]");
  CHECK(mask("bearer", "authorization=Basic dXNlcjpwYXNzd29yZDE=") == "authorization=Basic [REDACTED:bearer]");
  CHECK(mask("bearer", "?access_token=ya29.a0Af1x2y3 done") == "?access_token=[REDACTED:bearer] done");
  CHECK(mask("aws-key", "key AKIAIOSFODNN7EXAMPLE!") == "key [REDACTED:aws-key]!");
  CHECK(mask("aws-key", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") ==
        "aws_secret_access_key=[REDACTED:aws-key]");
  CHECK(mask("github-token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789") == "[REDACTED:github-token]");
  CHECK(mask("slack-token", "xoxb-1234567890-abcdefghij") == "[REDACTED:slack-token]");
  CHECK(mask("private-key", "k=-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- end") ==
        "k=[REDACTED:private-key] end");
  CHECK(mask("private-key", "-----BEGIN PRIVATE KEY-----\nMIIEvQ") == "[REDACTED:private-key]");
  CHECK(mask("url-credentials", "git clone https://bob:s3cr%40t@git.example.com/r.git") ==
        "git clone https://[REDACTED:url-credentials]@git.example.com/r.git");
  CHECK(mask("credit-card", "card 4111 1111 1111 1111 ok") == "card [REDACTED:credit-card] ok");
  CHECK(mask("credit-card", "order 12 4111-1111-1111-1111") == "order 12 [REDACTED:credit-card]");
  CHECK(mask("credit-card", "amex 378282246310005.") == "amex [REDACTED:credit-card].");
  CHECK(mask("all", "a@b.example.com 10.1.2.3") == "[REDACTED:email] [REDACTED:ipv4]");
}

TEST_CASE("ordinary text is left alone") {
  for (const char* s : {
           "version 1.2.3.4 released", "v10.0.0.1", "1.2.3.4.5", "ts 2026-01-03T17:10:35.923Z",
           "uuid 123e4567-e89b-12d3-a456-426614174000", "12345678-1234-1234-1234-123456789012",
           "sha 9ae16a3b2f90404f9ae16a3b2f90404f", "epoch 1767460235923 ms", "4111111111111112",
           "std::vector<int> a::b", "10:00:00", "aa:bb:cc:dd:ee:ff", "Bearer authentication failed",
           "basic auth disabled", "token expired", "npm i @types/node@18.0.0", "cost 0.4111111111111111",
           "price 1,234,567.89", "git@v1.2", "phone 555-1234", "commit 13ef71992db0",
       })
    CHECK(mask("all", s) == s);
}

TEST_CASE("user patterns") {
  SecretScanner s({}, {{"ticket", "TICKET-[0-9]+"}});
  std::string out;
  CHECK(s.scan("see TICKET-42 and TICKET-7") == 2);
  s.apply("see TICKET-42 and TICKET-7", out);
  CHECK(out == "see [REDACTED:ticket] and [REDACTED:ticket]");
  CHECK_THROWS_AS(SecretScanner({}, {{"bad", "(a"}}), Error);
  CHECK_THROWS_AS(SecretScanner({}, {{"backref", "(a)\\1"}}), Error);
  CHECK_THROWS_AS(SecretScanner({"nope"}, {}), Error);
}

TEST_CASE("several strings scanned at once match as if scanned alone") {
  SecretScanner s({"all"}, {{"word", "^secret$"}});
  // "a@b" ends one string and "example.com" starts the next: no e-mail.
  std::string joined = "to a@b\nexample.com x\nsecret\n10.0.0.1\n";
  std::vector<size_t> ends{6, 20, 27, 36};
  REQUIRE(s.scan_joined(joined, ends) == 2);
  CHECK(joined.substr(s.spans()[0].begin, s.spans()[0].end - s.spans()[0].begin) == "secret");
  CHECK(s.label(s.spans()[0].kind) == "[REDACTED:word]");
  CHECK(joined.substr(s.spans()[1].begin, s.spans()[1].end - s.spans()[1].begin) == "10.0.0.1");
  // A PEM body stops at the end of its string.
  SecretScanner pem({"private-key"}, {});
  std::string two = "-----BEGIN PRIVATE KEY-----\nMIIB\nAAAA\n";
  REQUIRE(pem.scan_joined(two, {32, 37}) == 1);
  CHECK(pem.spans()[0].end == 32);
  CHECK_THROWS_AS(SecretScanner({}, {{"a", "\\Afoo"}}), Error);
}

// One TEST_CASE per built-in kind: samples in the format the issuer uses,
// exactly what is masked (matched() lists the masked bytes), and
// look-alikes that must stay.

TEST_CASE("email: the address only, not a host without a domain") {
  CHECK(matched("email", "to <jane.doe+ci@mail.example.org>, cc") == V{"jane.doe+ci@mail.example.org"});
  CHECK(matched("email", "mail: O'Brien_x%y@EXAMPLE.COM.") == V{"Brien_x%y@EXAMPLE.COM"});
  CHECK(matched("email", "jane@localhost").empty());
  CHECK(matched("email", "jane@example.c").empty());
  CHECK(matched("email", "@example.com").empty());
}

TEST_CASE("ipv4: dotted quads up to 255, not versions or longer dotted numbers") {
  CHECK(matched("ipv4", "from 203.0.113.7:443 via 255.255.255.255") == V{"203.0.113.7", "255.255.255.255"});
  CHECK(matched("ipv4", "(10.0.0.1)") == V{"10.0.0.1"});
  for (const char* s : {"256.1.1.1", "1.2.3", "1.2.3.4.5", "version: 10.0.0.1", "ver=1.2.3.4", "release 2.0.0.1",
                        "build 1.2.3.4", "app-1.2.3.4", "1.2.3.4-rc1", "v1.2.3.4_x", "01.02.03.004"})
    CHECK(matched("ipv4", s).empty());
}

TEST_CASE("ipv6: full and compressed addresses with digits, not words, times or MACs") {
  CHECK(matched("ipv6", "peer [2001:db8:85a3::8a2e:370:7334]:443") == V{"2001:db8:85a3::8a2e:370:7334"});
  CHECK(matched("ipv6", "lo ::1 and fe80::1ff:fe23:4567:890a") == V{"::1", "fe80::1ff:fe23:4567:890a"});
  CHECK(matched("ipv6", "2001:0db8:0000:0000:0000:ff00:0042:8329") == V{"2001:0db8:0000:0000:0000:ff00:0042:8329"});
  for (const char* s : {"::", "bad::cafe", "std::vector", "12:34:56", "aa:bb:cc:dd:ee:ff", "1:2:3:4:5:6:7:8:9",
                        "x2001:db8::1"})
    CHECK(matched("ipv6", s).empty());
}

TEST_CASE("jwt: three segments, the first two base64url JSON objects") {
  const std::string jwt =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0."
      "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  CHECK(matched("jwt", "token=" + jwt + "&x=1") == V{jwt});
  // An unsigned token (alg none) ends with its second dot.
  CHECK(matched("jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. ok") == V{"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."});
  for (const char* s : {"eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9.abcdefghijkl.sig", "eyJabc.eyJdef.sig",
                        "xeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"})
    CHECK(matched("jwt", s).empty());
}

TEST_CASE("bearer: the credential after the scheme or field, not the words around it") {
  CHECK(matched("bearer", "Authorization: Bearer 0123456789abcdef\r\n") == V{"0123456789abcdef"});
  CHECK(matched("bearer", R"({"authorization":"bearer AbCdEfGhIjKlMnOpQrStUvWxYz"})") ==
        V{"AbCdEfGhIjKlMnOpQrStUvWxYz"});
  CHECK(matched("bearer", "curl -H 'Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l'") ==
        V{"YWxhZGRpbjpvcGVuc2VzYW1l"});
  CHECK(matched("bearer", "refresh_token: 1//0gAbCdEf-123 next") == V{"1//0gAbCdEf-123"});
  // Any credential with a digit and six characters or more (the man page).
  CHECK(matched("bearer", "Bearer abc123") == V{"abc123"});
  for (const char* s : {"Bearer authentication failed", "bearer token missing", "Bearer abc12",
                        "Add basic debian/upstream/metadata.", "Basic abcdefgh12345678",
                        "basic-auth 12345678", "Bearer:0123456789abcdef", "authorization required"})
    CHECK(matched("bearer", s).empty());
}

TEST_CASE("aws-key: access key ids by prefix, secret keys after their name") {
  CHECK(matched("aws-key", "id=ASIAY34FZKBOKMUTVV7A,") == V{"ASIAY34FZKBOKMUTVV7A"});
  CHECK(matched("aws-key", R"("AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")") ==
        V{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"});
  for (const char* s : {"AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLEX", "akiaiosfodnn7example", "AKIBIOSFODNN7EXAMPLE",
                        "XAKIAIOSFODNN7EXAMPLE", "aws_secret_access_key=tooShort123",
                        "secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})
    CHECK(matched("aws-key", s).empty());
}

TEST_CASE("github-token: classic and fine-grained tokens") {
  const std::string classic = "ghp_" + std::string("aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6");
  const std::string fine = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz";
  CHECK(matched("github-token", "GITHUB_TOKEN=" + classic + " x") == V{classic});
  CHECK(matched("github-token", "gho_" + classic.substr(4)) == V{"gho_" + classic.substr(4)});
  CHECK(matched("github-token", "(" + fine + ")") == V{fine});
  for (const std::string& s : {classic.substr(0, classic.size() - 1), "ghx_" + classic.substr(4), "x" + classic,
                               std::string("github_pat_short")})
    CHECK(matched("github-token", s).empty());
}

TEST_CASE("slack-token: bot and user tokens, incoming webhook URLs") {
  CHECK(matched("slack-token", "SLACK=xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy;") ==
        V{"xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"});
  const std::string hook = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
  CHECK(matched("slack-token", "post " + hook + " ok") == V{hook});
  for (const char* s : {"xoxb-123", "xoxz-17653672481-19874698323", "https://hooks.slack.com/services/T0/B0",
                        "https://slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"})
    CHECK(matched("slack-token", s).empty());
}

TEST_CASE("private-key: a PEM block to its END line, not public keys or certificates") {
  const std::string key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
                          "-----END OPENSSH PRIVATE KEY-----";
  CHECK(matched("private-key", "key:\n" + key + "\nnext line") == V{key});
  CHECK(matched("private-key", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE") ==
        V{"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE"});
  for (const char* s : {"-----BEGIN PUBLIC KEY-----\nMIIBIjANBg", "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl",
                        "BEGIN RSA PRIVATE KEY", "----BEGIN RSA PRIVATE KEY----"})
    CHECK(matched("private-key", s).empty());
}

TEST_CASE("url-credentials: the user:password of a URL, its scheme and host kept") {
  CHECK(mask("url-credentials", "DATABASE_URL=postgres://app:hunter2@db.internal:5432/app") ==
        "DATABASE_URL=postgres://[REDACTED:url-credentials]@db.internal:5432/app");
  CHECK(matched("url-credentials", "amqp://guest:guest@rabbit/") == V{"guest:guest"});
  for (const char* s : {"https://bob@example.com/", "https://example.com/a:b@c", "mailto:bob@example.com",
                        "https://example.com/?u=a:b@c", "bob:secret@example.com"})
    CHECK(matched("url-credentials", s).empty());
}

TEST_CASE("credit-card: issuer prefixes, lengths and Luhn; grouped as printed") {
  for (const char* card : {"4111111111111111", "5555555555554444", "2223003122003222", "378282246310005",
                           "6011111111111117", "3530111333300000", "30569309025904", "4111 1111 1111 1111",
                           "4111-1111-1111-1111", "3782-822463-10005", "4000056655665556"})
    CHECK(matched("credit-card", std::string("pay ") + card + ", ok") == V{card});
  for (const char* s : {"4111111111111112",        // Luhn
                        "1767460235923",           // epoch milliseconds (13 digits)
                        "4222222222222",           // 13-digit Visa: no longer issued
                        "9111111111111111",        // no issuer
                        "4111 1111-1111 1111",     // mixed separators
                        "41111 1111 1111 111",     // not grouped in fours
                        "4111111111111111.25",     // a decimal
                        "v4111111111111111",       // part of a word
                        "id-4111111111111111",     // part of a dash-joined id
                        "4111111111111111-abc"})
    CHECK(matched("credit-card", s).empty());
}

TEST_CASE("only the kinds asked for; unknown kinds are an error; spans are sorted and disjoint") {
  const std::string text = "a@b.example.com 10.0.0.1 AKIAIOSFODNN7EXAMPLE";
  CHECK(mask("ipv4", text) == "a@b.example.com [REDACTED:ipv4] AKIAIOSFODNN7EXAMPLE");
  CHECK(mask("email,aws-key", text) == "[REDACTED:email] 10.0.0.1 [REDACTED:aws-key]");
  CHECK_THROWS_WITH(SecretScanner({"ipv5"}, {}), "unknown mask kind 'ipv5'");
  // An e-mail address inside a user pattern's match is one replacement.
  SecretScanner s({"email"}, {{"ticket", "ticket for [a-z@.]+ done"}});
  std::string in = "x ticket for bob@example.com done y", out;
  CHECK(s.scan(in) == 1);
  s.apply(in, out);
  CHECK(out == "x [REDACTED:ticket] y");
  V kinds;
  for (const auto& r : builtin_secret_rules())
    if (std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) kinds.push_back(r.kind);
  CHECK(kinds ==
        V{"private-key", "jwt", "url-credentials", "aws-key", "github-token", "gitlab-token", "slack-token",
          "stripe-key", "google-key", "azure-key", "openai-key", "anthropic-key", "npm-token", "pypi-token",
          "sendgrid-key", "twilio-key", "mailgun-key", "digitalocean-token", "shopify-token", "vault-token",
          "telegram-token", "datadog-key", "heroku-key", "docker-auth", "bearer", "password", "api-key", "email",
          "ipv4", "ipv6", "mac", "phone", "iban", "credit-card", "generic-secret"});
}

namespace {

// Random text built from pieces of every pattern, their look-alikes and the
// bytes the gates look at.
std::string random_secretish_text(std::mt19937& rng) {
  static const char* const kPieces[] = {
      "eyJ", "eyJhbGciOiJIUzI1NiJ9", ".", "Bearer ", "bAsIc ", "token ", "_token", "access_token=",
      "Authorization: ", "aws_secret_access_key = ", "AWS", "AKIA", "ASIA", "AROA", "IOSFODNN7EXAMPLE",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "ghp_", "gho_", "github_pat_", "xoxb-", "xox",
      "https://hooks.slack.com/services/", "T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX", "-----BEGIN",
      " RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "MIIBOgIBAAJBAK", "://", "https",
      "user:pa55@", "@", "a.b@example.com", "example.com", "10.", "192.168.", "1.2", ":", "::", "fe80",
      "2001:db8:", "a:b", "0", "1", "7", "12", "255", "4111 1111 1111 1111", "4111-1111-", "4111",
      " ", "-", "_", "\xc5\xbf", "\xe2\x84\xaa", "\xc3\xa9", "\xe5\x8f\x97", "\n", "\t", "a", "Z", "k",
      "s", "=", "\"", "'", "/", "version ", "0123456789", "abcdef", "ABCDEF0123456789ABCD",
      // Under (?i), RE2 matches U+017F for 's' and U+212A for 'k'.
      "ba\xc5\xbfic ", "refresh_to\xe2\x84\xaa" "en=", "aw\xc5\xbf_secret_key=", "30569309025904"};
  // And every rule's keywords and example, and the bytes of the shapes.
  static const std::vector<std::string> pieces = [] {
    std::vector<std::string> v(std::begin(kPieces), std::end(kPieces));
    for (const auto& r : builtin_secret_rules()) {
      for (const auto& k : r.keywords) v.push_back(k);
      v.push_back(r.example);
    }
    for (const char* x : {"DE89", " 3704 0044", "+1415", "5552671", "00:1a:2b", ":3c:4d:5e", "-4d-5e", "::ffff:",
                          "GB82 WEST", "\"auth\":\"", "dXNlcjpwYXNz", "=hunter2", "AccountKey=", "\\n", "%3D"})
      v.push_back(x);
    return v;
  }();
  std::uniform_int_distribution<size_t> piece(0, pieces.size() - 1), count(0, 60);
  std::string s;
  for (size_t k = count(rng); k > 0; --k) s += pieces[piece(rng)];
  return s;
}

std::vector<std::tuple<size_t, size_t, std::string>> found(SecretScanner& s, std::string_view joined,
                                                          const std::vector<size_t>& ends) {
  s.scan_joined(joined, ends);
  std::vector<std::tuple<size_t, size_t, std::string>> v;
  for (const auto& span : s.spans()) v.emplace_back(span.begin, span.end, s.label(span.kind));
  return v;
}

}  // namespace

TEST_CASE("the gates never hide a match") {
  // The SIMD pass that picks the patterns worth running must find what
  // running them all finds, byte for byte, and agree with its bytewise twin.
  std::mt19937 rng(20261122);
  std::vector<std::vector<std::string>> kind_sets{{"all", "generic-secret"}};
  for (const auto& r : builtin_secret_rules())
    if (std::find(kind_sets.begin(), kind_sets.end(), std::vector<std::string>{r.kind}) == kind_sets.end())
      kind_sets.push_back({r.kind});
  for (const auto& kinds : kind_sets) {
    SecretScanner gated(kinds, {}), everything(kinds, {}, {}, false);
    // Every rule at once at length; each kind alone more briefly.
    const int rounds = kinds.size() > 1 ? 3000 : 500;
    for (int round = 0; round < rounds; ++round) {
      std::string text = random_secretish_text(rng);
      INFO("kinds " << kinds[0] << " text '" << text << "'");
      REQUIRE(secret_shapes(text, true) == secret_shapes(text, false));
      auto expected = found(everything, text, {text.size()});
      REQUIRE(found(gated, text, {text.size()}) == expected);
      if (!gated.may_match(text)) {
        REQUIRE(expected.empty());
        // Nor in any piece of it (the strings of a JSON text).
        size_t b = rng() % (text.size() + 1), e = b + rng() % (text.size() - b + 1);
        REQUIRE(everything.scan(text.substr(b, e - b)) == 0);
      }
      // Several strings scanned at once.
      std::string joined;
      std::vector<size_t> ends;
      for (int k = 0; k < 3; ++k) {
        joined += random_secretish_text(rng);
        ends.push_back(joined.size());
        joined += '\n';
      }
      REQUIRE(found(gated, joined, ends) == found(everything, joined, ends));
    }
  }
}

TEST_CASE("the shapes of a batch are those of its lines") {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> digits(0, 40);
  std::vector<ShapeHit> hits;
  for (int round = 0; round < 500; ++round) {
    std::string batch;
    std::vector<std::pair<size_t, size_t>> lines;
    for (int k = 0; k < 12; ++k) {
      std::string line = random_secretish_text(rng);
      if (k % 3 == 0) line += std::string(static_cast<size_t>(digits(rng)), '7');  // runs across blocks
      lines.emplace_back(batch.size(), line.size());
      batch += line + "\n";
    }
    batch.append(64, '\0');
    std::string_view view(batch.data(), batch.size() - 64);
    secret_shapes_of_lines(view, hits);
    for (auto [b, n] : lines) {
      unsigned shapes = 0;
      for (const auto& h : hits)
        if (h.pos >= b && h.pos < b + n) shapes |= h.bit;
      INFO(view.substr(b, n));
      REQUIRE(shapes == secret_shapes(std::string(view.substr(b, n)), false));
    }
  }
}

namespace {

// The separator shapes by their definitions, a byte at a time: runs of
// separators each with 1 to `group` bytes of the class before it.
unsigned chain_shapes_reference(std::string_view t) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto hex = [&](char c) { return digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); };
  // The number of separators in a chain ending at t[pos].
  auto chain = [&](size_t pos, auto is_sep, auto in_group, size_t group) {
    unsigned n = 0;
    for (;;) {
      size_t k = pos;
      while (k > 0 && pos - k < group && in_group(t[k - 1])) --k;
      if (k == pos) return n;
      ++n;
      if (k == 0 || !is_sep(t[k - 1]) || (k >= 2 && !in_group(t[k - 2]))) return n;
      pos = k - 1;
    }
  };
  unsigned g = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    auto sep = [c = t[i]](char x) { return x == c; };
    if (t[i] == '.' && chain(i, sep, digit, 3) >= 3) g |= kShapeDottedQuad;
    if (t[i] == ':') {
      unsigned n = chain(i, sep, hex, 4);
      if (n >= 6) g |= kShapeHexColons6;
      if (n >= 7) g |= kShapeHexColons;
    }
    if ((t[i] == ':' || t[i] == '-') &&
        chain(i, [](char x) { return x == ':' || x == '-'; }, hex, 2) >= 5)
      g |= kShapeMac;
  }
  return g;
}

}  // namespace

TEST_CASE("the separator shapes are those of their definitions, across blocks") {
  // Dotted quads, IPv6 colons and MAC separators are followed with the
  // SIMD pass's class masks: a chain goes on where the last byte outside
  // the group is the previous separator, in this block or one before.
  std::mt19937_64 rng(29);
  const std::string alphabet = "0123456789abcdefABCDEFxz.:-@ \n";
  const unsigned chains = kShapeDottedQuad | kShapeHexColons | kShapeHexColons6 | kShapeMac;
  for (int round = 0; round < 20000; ++round) {
    std::string t;
    const size_t n = rng() % 200;
    const bool digit_rich = rng() % 3 == 0;  // letters become digits: longer runs
    for (size_t i = 0; i < n; ++i) {
      size_t k = rng() % alphabet.size();
      t.push_back(digit_rich && k >= 10 && k < 24 ? static_cast<char>('0' + k % 10) : alphabet[k]);
    }
    INFO(t);
    const unsigned want = chain_shapes_reference(t);
    REQUIRE((secret_shapes(t, true) & chains) == want);
    REQUIRE((secret_shapes(t, false) & chains) == want);
  }
}

TEST_CASE("the keywords of a batch serve each of its lines") {
  // prefilter() finds the keywords of many records in one pass; may_match()
  // of each line must then say what it says for the line alone.
  std::mt19937 rng(7);
  SecretScanner batched({"all", "generic-secret"}, {}), alone({"all", "generic-secret"}, {});
  for (int round = 0; round < 300; ++round) {
    std::string batch;
    std::vector<std::pair<size_t, size_t>> lines;
    for (int k = 0; k < 20; ++k) {
      std::string line = random_secretish_text(rng);
      lines.emplace_back(batch.size(), line.size());
      batch += line + "\n";
    }
    batch.append(64, '\0');  // the padding after a batch
    std::string_view view(batch.data(), batch.size() - 64);
    batched.prefilter(view);
    for (auto [b, n] : lines) {
      std::string_view line = view.substr(b, n);
      INFO(line);
      REQUIRE(batched.may_match(line) == alone.may_match(std::string(line)));
    }
  }
}

TEST_CASE("the gates on a 64-byte block boundary") {
  // Runs and literals that straddle the blocks the SIMD pass works in.
  SecretScanner gated({"all"}, {});
  for (size_t pad = 40; pad < 140; ++pad) {
    for (std::string secret : {"4111 1111 1111 1111", "10.20.30.40", "2001:db8:0:0:1:0:0:1", "AKIAIOSFODNN7EXAMPLE",
                               "DE89 3704 0044 0532 0130 00", "00:1a:2b:3c:4d:5e", "+14155552671", "::ffff:10.0.0.1",
                               "password=s3cr3t!", "xapp-1-A0123456789-1234567890123-abcdef0123",
                               "a.b@example.com", "xoxb-1234567890-abcdef", "Bearer abcdefgh12345678",
                               "30569309025904", "ba\xc5\xbfic dXNlcjpwYXNzd29yZDE="}) {
      std::string text = std::string(pad, 'x') + " " + secret + " y";
      INFO(text);
      REQUIRE(secret_shapes(text, true) == secret_shapes(text, false));
      REQUIRE(gated.scan(text) == 1);
    }
  }
}

TEST_CASE("the gates on real text: what running every rule finds, line by line and by batch") {
  // Text nobody here wrote: the Debian changelogs and copyright files of
  // this machine (a sample of every fourth package, about 4 MB). The gates
  // (Hyperscan keywords, SIMD shapes, the batch prefilter) must find exactly
  // what running every rule on every line finds.
  std::vector<std::string> files;
  for (const auto& dir : std::filesystem::directory_iterator("/usr/share/doc")) files.push_back(dir.path());
  std::sort(files.begin(), files.end());
  std::string text;
  for (size_t i = 0; i < files.size() && text.size() < (size_t{4} << 20); i += 4) {
    std::ifstream copyright(files[i] + "/copyright", std::ios::binary);
    text.append(std::istreambuf_iterator<char>(copyright), std::istreambuf_iterator<char>());
    if (std::filesystem::exists(files[i] + "/changelog.Debian.gz"))
      gunzip_file(files[i] + "/changelog.Debian.gz", [&](std::string_view piece) {
        text.append(piece);
        return true;
      });
  }
  REQUIRE(text.size() > (size_t{1} << 20));
  SecretScanner gated({"all", "generic-secret"}, {}), everything({"all", "generic-secret"}, {}, {}, false),
      batched({"all", "generic-secret"}, {});
  text.append(64, '\0');
  std::string_view all(text.data(), text.size() - 64);
  batched.prefilter(all);
  size_t lines = 0, matched = 0;
  for (size_t at = 0; at < all.size();) {
    size_t nl = all.find('\n', at);
    if (nl == std::string_view::npos) nl = all.size();
    std::string_view line = all.substr(at, nl - at);
    at = nl + 1;
    ++lines;
    auto expected = found(everything, line, {line.size()});
    INFO(line);
    REQUIRE(found(gated, line, {line.size()}) == expected);
    bool may = batched.may_match(line);
    REQUIRE(may == gated.may_match(line));
    if (!may) REQUIRE(expected.empty());
    matched += !expected.empty();
  }
  WARN(lines << " lines of Debian text, " << matched << " with a match: gated and ungated agree");
}
