// ndj-post's request options: usage errors, credentials, --dry-run listing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "ship/post_request.hpp"

using namespace ndj;

namespace {
HttpTarget target(const char* url) {
  HttpTarget t;
  t.url = url;
  return t;
}
}  // namespace

TEST_CASE("check_request_options takes a plain http(s) URL and sets the Content-Type", "[post_request]") {
  RequestOptions r;
  CHECK_FALSE(check_request_options(target("HTTPS://example.com/in"), r, false));
  CHECK(r.content_type == "application/json");
  RequestOptions nd;
  CHECK_FALSE(check_request_options(target("http://example.com/in"), nd, true));
  CHECK(nd.content_type == "application/x-ndjson");
  RequestOptions own;
  own.content_type = "text/plain";
  CHECK_FALSE(check_request_options(target("http://example.com/in"), own, true));
  CHECK(own.content_type == "text/plain");
}

TEST_CASE("check_request_options refuses bad URLs and credentials on the command line", "[post_request]") {
  RequestOptions r;
  CHECK(check_request_options(target("ftp://example.com"), r, false) == "URL must start with http:// or https://");
  CHECK(check_request_options(target("example.com"), r, false) == "URL must start with http:// or https://");
  CHECK(check_request_options(target("https://u:p@example.com"), r, false)->starts_with("credentials are never"));
  r.headers = {"Authorization: Bearer x"};
  CHECK(check_request_options(target("https://example.com"), r, false)->starts_with("credentials are never"));
  r.headers = {"X-Ok: 1"};
  r.user = "me";
  CHECK(check_request_options(target("https://example.com"), r, false) == "--user and --password-file go together");
  r.password_file = "pw";
  r.token_env = "TOKEN";
  CHECK(check_request_options(target("https://example.com"), r, false) ==
        "--user/--password-file and --token-file/--token-env are mutually exclusive");
  HttpTarget no_time = target("https://example.com");
  no_time.timeout = 0;
  RequestOptions plain;
  CHECK(check_request_options(no_time, plain, false) == "--timeout and --connect-timeout must be longer than 0s");
}

TEST_CASE("a bearer token becomes a header, a secret, and *** in --dry-run", "[post_request]") {
  ::setenv("NDJ_TEST_POST_TOKEN", "s3cret", 1);
  RequestOptions r;
  r.token_env = "NDJ_TEST_POST_TOKEN";
  r.headers = {"X-Team: core"};
  r.gzip = 1;
  HttpTarget t = target("https://me:pw@example.com/in");
  REQUIRE_FALSE(check_request_options(target("https://example.com/in"), r, false));
  CHECK(load_credentials(r, t) == ShipperOptions::Auth::kBearer);
  CHECK(t.headers == std::vector<std::string>{"Content-Type: application/json", "Content-Encoding: gzip",
                                              "X-Team: core", "Authorization: Bearer s3cret"});
  CHECK(std::find(t.secrets.begin(), t.secrets.end(), "s3cret") != t.secrets.end());
  CHECK(describe_request(t, 12) ==
        "POST https://***@example.com/in\nContent-Type: application/json\nContent-Encoding: gzip\n"
        "X-Team: core\nAuthorization: Bearer ***\nContent-Length: 12\n\n");
  ::unsetenv("NDJ_TEST_POST_TOKEN");
}
