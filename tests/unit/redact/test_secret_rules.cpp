// The rule table (lib/redact/secret_rules): the leaks and false positives
// issue 21 found, one regression test each; every rule's man-page example;
// member names; the gitleaks file reader (lib/redact/gitleaks_rules).
#include <catch2/catch.hpp>

#include <cctype>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "core/diag.hpp"
#include "redact/gitleaks_rules.hpp"
#include "redact/secret_scan.hpp"

using namespace ndj;

namespace {

std::string masked(const std::vector<std::string>& select, const std::string& text,
                   const std::vector<SecretRule>& extra = {}) {
  SecretScanner s(select, {}, extra);
  s.scan(text);
  std::string out;
  s.apply(text, out);
  return out;
}

std::string all(const std::string& text) { return masked({"all"}, text); }

}  // namespace

TEST_CASE("leaks found on real text are closed") {
  CHECK(all("mailto:carol@example.com") == "mailto:[REDACTED:email]");
  CHECK(all("cvs://:pserver:anoncvs@sources.redhat.com") == "cvs://[REDACTED:url-credentials]@sources.redhat.com");
  CHECK(masked({"email"}, ":pserver:anoncvs@sources.redhat.com") == ":pserver:[REDACTED:email]");
  CHECK(all("mailto:c@example.com") == "mailto:[REDACTED:email]");
  CHECK(all("<CAFoo+bar=xyz@mail.gmail.com>") == "<[REDACTED:email]>");
  CHECK(all("an e-mail jürgen@müller.de here") == "an e-mail [REDACTED:email] here");
  CHECK(all("?email=bob@example.com&x=1") == "?email=[REDACTED:email]&x=1");
  CHECK(all("peer ::ffff:127.0.0.1 up") == "peer [REDACTED:ipv6] up");
  CHECK(all("0:0:0:0:0:ffff:192.0.2.1") == "[REDACTED:ipv6]");
  CHECK(all("via 2001:db8:1:2:3:4:1.2.3.4 ok") == "via [REDACTED:ipv6] ok");
  CHECK(all(R"({"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"})") ==
        R"({"SecretAccessKey": "[REDACTED:aws-key]"})");
  CHECK(all("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") ==
        "aws_secret_access_key = [REDACTED:aws-key]");
  CHECK(all(R"({"access_token":"ya29.a0Af1x2y3","refresh_token":"1//0gAbCdEf-123"})") ==
        R"({"access_token":"[REDACTED:bearer]","refresh_token":"[REDACTED:bearer]"})");
  CHECK(all("redis://:p4ss@cache:6379/0") == "redis://[REDACTED:url-credentials]@cache:6379/0");
  CHECK(all("SLACK_APP_TOKEN=xapp-1-A0123456789-1234567890123-abcdef0123456789") ==
        "SLACK_APP_TOKEN=[REDACTED:slack-token]");
  CHECK(all("Authorization: Bearer abc123") == "Authorization: Bearer [REDACTED:bearer]");
  // Addresses the version rules must not take (found on real text).
  CHECK(all("PING localhost (127.0.0.1) 56(84) bytes") == "PING localhost ([REDACTED:ipv4]) 56(84) bytes");
  CHECK(all("closed by user x 1.1.1.1 port 1234") == "closed by user x [REDACTED:ipv4] port 1234");
  CHECK(all("a source address of 0.0.0.0") == "a source address of [REDACTED:ipv4]");
  CHECK(all("upgrade the proxy at 172.20.1.9 (secondary)") == "upgrade the proxy at [REDACTED:ipv4] (secondary)");
  // --mask email alone: a URL's password must not leak a character.
  CHECK(masked({"email"}, "https://bob:secret@example.com/") == "https://bob:[REDACTED:email]/");
  // A password holding '@' is masked to its last '@'.
  CHECK(all("https://bob:p@ss@example.com/x") == "https://[REDACTED:url-credentials]@example.com/x");
}

TEST_CASE("false positives found on real text are gone") {
  for (const char* s : {
           "Standards-Version to 3.7.2.0", "debianutils (4.8.6.3) unstable; urgency=low", "(>= 1:1.0.99.4)",
           "Git 1.6.2.5 was used", "OID 2.5.4.3 is commonName", "id-at 2.5.29.17", "Oct 25 2000:: fixed",
           "DISPLAY ::1:1.1", "2:4:6:8:10:12:14:16", "Add basic debian/upstream/metadata.",
           "offsets 3848 4488 5128 5768 6408", "see /5390364397928448", "bug #4111111111111111",
           "aa:bb:cc:dd:ee:ff", "fingerprint 12:f8:7e:78:61:b4:bf:e2:de:24:15:96:4e:d4:72:53",
           "password: required", "password=PASSWORD", "password=<your password>", "password=${DB_PASSWORD}",
           "PATH=$PWD:/bin", "--password option", "the api_key: see below", "secret: none",
       })
    CHECK(all(s) == s);
}

TEST_CASE("the vendor formats") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe-key"},
      {"rk_test_51H8xYzAbCdEfGhIjKlMnOpQr", "stripe-key"},
      {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "stripe-key"},
      {"AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe", "google-key"},
      {"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", "google-key"},
      {"sk-proj-abcdefghij0123456789ABCDEFGHIJ", "openai-key"},
      {"sk-ant-api03-" + std::string(93, 'a') + "AA", "anthropic-key"},
      {"glpat-xxxxxxxxxxxxxxxxxxxx", "gitlab-token"},
      {"npm_" + std::string(36, 'a'), "npm-token"},
      {"pypi-AgEIcHlwaS5vcmc" + std::string(60, 'b'), "pypi-token"},
      {"SG." + std::string(22, 'c') + "." + std::string(43, 'd'), "sendgrid-key"},
      {"SK" + std::string(32, 'e'), "twilio-key"},
      {"key-" + std::string(32, 'f'), "mailgun-key"},
      {"dop_v1_" + std::string(64, 'a'), "digitalocean-token"},
      {"shpat_" + std::string(32, 'a'), "shopify-token"},
      {"hvs." + std::string(95, 'x'), "vault-token"},
      {"123456789:AA" + std::string(33, 'h'), "telegram-token"},
      {"DD_API_KEY=" + std::string(32, 'a'), "datadog-key"},
      {"HRKU-AA" + std::string(58, 'z'), "heroku-key"},
      {"DefaultEndpointsProtocol=https;AccountName=x;AccountKey=" + std::string(86, 'Q') + "==;", "azure-key"},
      {"https://x.blob.core.windows.net/c?sv=2022-11-02&sig=abcdEFGH1234abcdEFGH1234abcdEFGH1234%3D",
       "azure-key"},
      {R"({"auths":{"r":{"auth":"dXNlcjpwYXNzd29yZA=="}}})", "docker-auth"},
      {"DE89 3704 0044 0532 0130 00", "iban"},
      {"GB82WEST12345698765432", "iban"},
      {"+14155552671", "phone"},
      {"00:1a:2b:3c:4d:5e", "mac"},
      {"password=hunter2", "password"},
      {"api_key=0123abcd4567", "api-key"},
  };
  for (const auto& [text, kind] : cases) {
    INFO(text);
    CHECK(all("x " + text + " y").find("[REDACTED:" + kind + "]") != std::string::npos);
  }
  // IBAN checksum and length by country.
  CHECK(all("DE89 3704 0044 0532 0130 01") == "DE89 3704 0044 0532 0130 01");
  CHECK(all("DE89370400440532013") == "DE89370400440532013");
}

TEST_CASE("credentials by name: the value is masked, the key kept") {
  CHECK(all("DB_PASSWORD=s3cr3t!") == "DB_PASSWORD=[REDACTED:password]");
  CHECK(all(R"(--password="two words")") == R"(--password="[REDACTED:password]")");
  CHECK(all("mysql -u root --password s3cret9 db") == "mysql -u root --password [REDACTED:password] db");
  CHECK(all("X-API-Key: 0123abcd4567") == "X-API-Key: [REDACTED:api-key]");
  CHECK(all(R"({'client_secret': 'abc'})") == R"({'client_secret': '[REDACTED:api-key]'})");
  // Member names: the whole string value.
  SecretScanner s({"all"}, {});
  std::string joined = "hunter2\nnot secret\n${X}\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
  std::vector<size_t> ends{7, 18, 23, 64};
  REQUIRE(s.scan_joined(joined, ends, {"password", "comment", "db_password", "SecretAccessKey"}) == 2);
  CHECK(s.spans()[0].begin == 0);
  CHECK(s.spans()[0].end == 7);
  CHECK(s.label(s.spans()[0].kind) == "[REDACTED:password]");
  CHECK(s.label(s.spans()[1].kind) == "[REDACTED:aws-key]");
}

TEST_CASE("every rule has an example; its member names hold its keywords") {
  for (const auto& r : builtin_secret_rules()) {
    INFO(r.id);
    CHECK(!r.example.empty());
    for (const auto& m : r.member_names) {
      std::string name = m[0] == '*' ? m.substr(1) : m;
      bool has = false;
      for (const auto& k : r.keywords) {
        std::string bare;
        for (char c : k)
          if (c != '_' && c != '-' && c != '"') bare.push_back(static_cast<char>(std::tolower(c)));
        has = has || name.find(bare) != std::string::npos;
      }
      CHECK(has);  // the gate on the raw line must pass for the name
    }
  }
}

TEST_CASE("--mask selects kinds and rule ids, and takes some out") {
  CHECK(masked({"github-pat"}, "ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6 gho_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6") ==
        "[REDACTED:github-token] gho_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6");
  CHECK(masked({"all", "-ipv4"}, "10.0.0.1 a@b.example.com") == "10.0.0.1 [REDACTED:email]");
  CHECK(masked({"all"}, "key deploy_credential=9xQ2vT7mZk4LpW8r") == "key deploy_credential=9xQ2vT7mZk4LpW8r");
  CHECK(masked({"generic-secret"}, "key deploy_credential=9xQ2vT7mZk4LpW8r") ==
        "key deploy_credential=[REDACTED:generic-secret]");
  CHECK_THROWS_WITH(SecretScanner({"all", "-nope"}, {}), "unknown mask kind 'nope'");
}

TEST_CASE("gitleaks files") {
  auto config = parse_gitleaks_config(R"(
title = "t"
[extend]
useDefault = true
disabledRules = ["ipv4"]
[[rules]]
id = "acme"
regex = '''acme_([a-z0-9]{16})'''
secretGroup = 1
entropy = 2.5
keywords = ["acme_"]
tags = ["x"]
[rules.allowlist]
stopwords = ["example"]
[[rules]]
id = "by-path"
path = '''\.pem$'''
[allowlist]
regexes = ['''^0+$''']
paths = ['''test/''']
)",
                                      "f.toml");
  REQUIRE(config.rules.size() == 1);
  CHECK(config.use_default);
  CHECK(config.disabled == std::vector<std::string>{"ipv4"});
  CHECK(config.warnings.size() == 2);  // the path-only rule, the global paths
  const auto& r = config.rules[0];
  CHECK(r.allowlists.size() == 2);
  CHECK(masked({}, "t acme_abcdefgh01234567 acme_exampleexample1 acme_0000000000000000 acme_aaaaaaaaaaaaaaaa",
               config.rules) == "t acme_[REDACTED:acme] acme_exampleexample1 acme_0000000000000000 acme_aaaaaaaaaaaaaaaa");
  CHECK_THROWS_WITH(parse_gitleaks_config("[[rules]]\nid='a'\nregex='b'\nregx='c'\n", "f.toml"),
                    Catch::Contains("f.toml: rules[0].regx: unknown key"));
  CHECK_THROWS_WITH(parse_gitleaks_config("[[rules]\n", "f.toml"), Catch::StartsWith("f.toml:1:"));
  CHECK_THROWS_WITH(parse_gitleaks_config("[[rules]]\nid='a'\n", "f.toml"), "f.toml: rules[0]: 'a' has no regex");
  CHECK_THROWS_WITH(parse_gitleaks_config("[[rules]]\nid='a'\nregex='b'\nsecretGroup='x'\n", "f.toml"),
                    "f.toml: rules[0].secretGroup: expected an integer 0-99");
  CHECK_THROWS_WITH(parse_gitleaks_config("[extend]\npath='base.toml'\n", "f.toml"),
                    Catch::Contains("extend.path: not supported"));
  CHECK_THROWS_WITH(parse_gitleaks_config("title='x'\n", "f.toml"), Catch::Contains("no rules"));
  SecretRule bad;
  bad.id = bad.kind = "bad";
  bad.regex = "(a";
  CHECK_THROWS_WITH(SecretScanner({}, {}, {bad}), Catch::StartsWith("rule bad: "));
}

TEST_CASE("--mask names: all, kinds and rule ids, each maybe after '-'") {
  for (const char* n : {"all", "-all", "email", "-ipv4", "github-pat", "-password-assignment", "generic-secret"})
    CHECK(known_mask_name(n));
  for (const char* n : {"", "-", "emial", "--email", "github"}) CHECK_FALSE(known_mask_name(n));
}

TEST_CASE("a long rejected match costs linear time, not quadratic") {
  // Each would take hours if the search went on one byte after the start
  // of every rejected match (the tests have a timeout).
  const size_t n = 400000;
  std::string local(n, 'a');
  CHECK(all(local + "@tty1.service") == local + "@tty1.service");
  CHECK(all(local + "@example.c" + std::string(30, 'm')) == local + "@example.c" + std::string(30, 'm'));
  std::string dotted;
  for (size_t i = 0; i < n / 2; ++i) dotted += "a.";
  CHECK(all(dotted + "password=PASSWORD") == dotted + "password=PASSWORD");
  CHECK(all("Bearer " + std::string(n, 'x')) == "Bearer " + std::string(n, 'x'));
  CHECK(all(local + "@example.com") == "[REDACTED:email]");
}

TEST_CASE("every built-in regex compiles (they are compiled when first needed)") {
  for (const auto& r : builtin_secret_rules()) {
    INFO(r.id);
    re2::RE2 re(r.regex);
    CHECK(re.ok());
  }
}
