// Header checks and redaction used on command lines and in logs.
#include <catch2/catch.hpp>

#include "ship/http_credentials.hpp"
#include "ship/http_post.hpp"

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

TEST_CASE("URLs that hold credentials are recognised", "[http_post]") {
  CHECK(url_has_credentials("https://u:p@host/x"));
  CHECK(url_has_credentials("http://u@host"));
  CHECK_FALSE(url_has_credentials("http://host/path@x?q=a@b"));
  CHECK_FALSE(url_has_credentials("http://host#a@b"));
}

TEST_CASE("responses are scrubbed of credentials and capped", "[http_post]") {
  const std::vector<std::string> secrets = {"tok/en", ""};
  CHECK(scrub_response("saw tok/en and tok\\/en", secrets, false) == "saw *** and ***");
  CHECK(scrub_response("Authorization: Bearer x\r\nCOOKIE:a=b\nX: y", {}, false) ==
        "Authorization: ***\r\nCOOKIE:***\nX: y");
  CHECK(scrub_response(R"({"set-cookie": "a=\"b\"", "proxy-authorization":'Basic q', "n":1})", {}, false) ==
        R"({"set-cookie": "***", "proxy-authorization":'***', "n":1})");
  CHECK(scrub_response("no authorization here", {}, false) == "no authorization here");
  // An answer cut inside the secret: its start does not survive either.
  CHECK(scrub_response("x tok/", secrets, true) == "x ");
  CHECK(scrub_response("x tok/", secrets, false) == "x tok/");
  CHECK(scrub_response(std::string(5000, 'a'), {}, false).size() == kResponseExcerpt);
}

TEST_CASE("basic credentials are base64 of user:password, as curl sends them") {
  CHECK(ndj::basic_credentials("Aladdin", "open sesame") == "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  CHECK(ndj::basic_credentials("alice", "pw") == "YWxpY2U6cHc=");
  CHECK(ndj::basic_credentials("a", "") == "YTo=");
}
