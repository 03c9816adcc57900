// Header checks and redaction used on command lines and in logs.
#include <catch2/catch.hpp>

#include "http_post.hpp"

using namespace ndj;

TEST_CASE("headers must be 'Name: value'", "[http_post]") {
  CHECK_FALSE(header_problem("X-Team: core"));
  CHECK_FALSE(header_problem("X-Empty:"));
  CHECK(header_problem("no colon"));
  CHECK(header_problem(": value"));
  CHECK(header_problem("Bad Name: v"));
  CHECK(header_problem("X: a\r\nInjected: b"));
}

TEST_CASE("secret headers and URL credentials are recognised", "[http_post]") {
  for (auto n : {"Authorization", "proxy-authorization", "X-Api-Key", "Cookie", "X-Auth-Token", "Client-Secret"})
    CHECK(is_secret_header(n));
  for (auto n : {"Content-Type", "X-Team", "Accept"}) CHECK_FALSE(is_secret_header(n));
  CHECK(redact_url("https://u:p@host/x") == "https://***@host/x");
  CHECK(redact_url("http://host/path@x?q=a@b") == "http://host/path@x?q=a@b");
  CHECK(redact_url("http://host") == "http://host");
  CHECK(redact_url("not a url") == "not a url");
}
