// The redaction engine: byte-exact copying, hashing, drop/keep, masking,
// summaries, streams and config errors (the secret scanner itself:
// test_secret_scan.cpp).
#include <catch2/catch.hpp>

#include <string>

#include "core/diag.hpp"
#include "core/line_reader.hpp"
#include "redact/redact.hpp"
#include "unit/scratch.hpp"

using namespace ndj;

namespace {

JsonPath path(const std::string& s) {
  JsonPath p;
  std::string err;
  REQUIRE(parse_json_path(s, p, err));
  return p;
}

std::string run(RecordRedactor& r, const std::string& line) {
  std::string padded = line + std::string(kLinePadding, ' ');
  std::string out;
  if (const char* why = r.redact(std::string_view(padded.data(), line.size()), out))
    return std::string("ERROR ") + why;
  return out;
}

std::string redact(const RedactRules& rules, const std::string& line, bool summary = false,
                   const std::string& key = "") {
  RedactConfig c;
  c.default_rules = rules;
  c.summary = summary;
  RecordRedactor r(c, key);
  return run(r, line);
}

const char* kSha256Hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

}  // namespace

TEST_CASE("untouched bytes are copied exactly") {
  RedactRules r;
  r.drop.push_back(path("zzz"));
  std::string line = R"({ "b" : 1.50E+3, "a":[ 1 ,2 ],"s":"\u00e9\/x" , "n":null })";
  CHECK(redact(r, line) == line);
  r.drop = {path("s")};
  CHECK(redact(r, line) == R"({ "b" : 1.50E+3, "a":[ 1 ,2 ] , "n":null })");
}

TEST_CASE("numbers beyond a double pass through untouched") {
  // Found by fuzz_redact: valid lines with 1e400 were refused as "bad number".
  RedactRules r;
  r.hash = {path("m")};
  r.mask = {"all"};
  CHECK(redact(r, R"({"big":1e400,"neg":-0,"huge":123456789012345678901234567890,"s":"AKIAIOSFODNN7EXAMPLE"})") ==
        R"({"big":1e400,"neg":-0,"huge":123456789012345678901234567890,"s":"[REDACTED:aws-key]"})");
  CHECK(redact(r, R"({"m":-1e400,"x":"1e400"})").find(R"("m_bytes":6)") != std::string::npos);
  CHECK(redact(r, R"({"a":1e400,})").rfind("ERROR", 0) == 0);
}

TEST_CASE("hash replaces a value by its digest and size in place") {
  RedactRules r;
  r.hash.push_back(path("m"));
  CHECK(redact(r, R"({"a":1,"m":"hello","z":2})") ==
        std::string(R"({"a":1,"m_sha256":")") + kSha256Hello + R"(","m_bytes":5,"z":2})");
  // Escapes are resolved first: every spelling of "hello" hashes the same.
  CHECK(redact(r, R"({"m":"h\u0065llo"})") ==
        std::string(R"({"m_sha256":")") + kSha256Hello + R"(","m_bytes":5})");
  CHECK(redact(r, R"({"m":"\u0068ello"})") == redact(r, R"({"m":"hello"})"));
  // A surrogate pair is one 4-byte character.
  CHECK(redact(r, R"({"m":"\ud83d\ude00"})") == redact(r, "{\"m\":\"\xf0\x9f\x98\x80\"}"));
  // Non-strings hash their JSON text.
  CHECK(redact(r, R"({"m":[1, 2]})").find(R"("m_bytes":6)") != std::string::npos);
  CHECK(redact(r, R"({"m":12})").find(R"("m_bytes":2)") != std::string::npos);
  // Absent: nothing to do.
  CHECK(redact(r, R"({"a":1})") == R"({"a":1})");
}

TEST_CASE("algorithms name their fields") {
  RedactRules r;
  r.hash.push_back(path("m"));
  r.algo = DigestAlgo::kXxh3;
  CHECK(redact(r, R"({"m":"hello"})").find(R"("m_xxh3":")") != std::string::npos);
  r.algo = DigestAlgo::kXxh128;
  std::string out = redact(r, R"({"m":"hello"})");
  CHECK(out.find(R"("m_xxh128":")") != std::string::npos);
  CHECK(out.size() == std::string(R"({"m_xxh128":"","m_bytes":5})").size() + 32);
  r.algo = DigestAlgo::kHmacSha256;
  // RFC 4231 test case 2.
  CHECK(redact(r, R"({"m":"what do ya want for nothing?"})", false, "Jefe") ==
        R"({"m_hmac_sha256":"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843","m_bytes":28})");
  CHECK_THROWS_AS(redact(r, R"({"m":"x"})"), Error);  // no key
}

TEST_CASE("drop keeps commas right wherever the member is") {
  RedactRules r;
  for (const char* p : {"a", "b", "c"}) {
    r.drop = {path(p)};
    std::string out = redact(r, R"({"a":1,"b":{"x":[1]},"c":"s"})");
    CHECK(out.find(std::string("\"") + p + "\"") == std::string::npos);
  }
  r.drop = {path("a"), path("b")};
  CHECK(redact(r, R"({"a":1,"b":2,"c":3})") == R"({"c":3})");
  r.drop = {path("a"), path("b"), path("c")};
  CHECK(redact(r, R"({"a":1,"b":2,"c":3})") == R"({})");
  r.drop = {path("b"), path("c")};
  CHECK(redact(r, R"({"a":1,"b":2,"c":3})") == R"({"a":1})");
}

TEST_CASE("nested and array paths") {
  RedactRules r;
  r.drop.push_back(path("spans[].attrs.query"));
  r.hash.push_back(path("tags.user"));
  std::string out = redact(
      r, R"({"spans":[{"attrs":{"query":"SELECT 1","n":1}},{"attrs":{"n":2}},3],"tags":{"user":"hello","k":1}})");
  CHECK(out == std::string(R"({"spans":[{"attrs":{"n":1}},{"attrs":{"n":2}},3],"tags":{"user_sha256":")") +
                   kSha256Hello + R"(","user_bytes":5,"k":1}})");
  // Without [] an array is not entered.
  r = {};
  r.drop.push_back(path("spans.attrs"));
  std::string line = R"({"spans":[{"attrs":1}]})";
  CHECK(redact(r, line) == line);
  // Keys with escapes match their decoded name.
  r = {};
  r.drop.push_back(path("k\xc3\xa9y"));
  CHECK(redact(r, R"({"k\u00e9y":1,"x":2})") == R"({"x":2})");
}

TEST_CASE("keep is an allowlist") {
  RedactRules r;
  r.keep = {path("tool"), path("tags.repo"), path("spans[].name")};
  CHECK(redact(r, R"({"tool":"bash","arg":"rm -rf /","tags":{"repo":"a/b","token":"x"},"spans":[{"name":"n","q":"s"},7]})") ==
        R"({"tool":"bash","tags":{"repo":"a/b"},"spans":[{"name":"n"}]})");
  // A partly kept field of the wrong type is not kept.
  CHECK(redact(r, R"({"tags":"secret","tool":1})") == R"({"tool":1})");
  r.others_hash = true;
  CHECK(redact(r, R"({"tool":"bash","arg":"hello"})") ==
        std::string(R"({"tool":"bash","arg_sha256":")") + kSha256Hello + R"(","arg_bytes":5})");
  CHECK(redact(r, R"([1,2])") == "ERROR not an object (--keep needs one)");
}

TEST_CASE("summary counts what was done") {
  RedactRules r;
  r.hash.push_back(path("m"));
  r.drop.push_back(path("s"));
  r.mask = {"email"};
  CHECK(redact(r, R"({"m":"x","s":1,"t":"a@b.example.com and c@d.org","redaction":{"old":1}})", true) ==
        R"({"m_sha256":"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881","m_bytes":1,"t":"[REDACTED:email] and [REDACTED:email]","redaction":{"hashed":1,"dropped":2,"masked":2,"rules":{"email":2}}})");
  CHECK(redact(r, R"({})", true) == R"({"redaction":{"hashed":0,"dropped":0,"masked":0,"rules":{}}})");
}

TEST_CASE("masking works on decoded text and re-encodes only what changed") {
  RedactRules r;
  r.mask = {"email"};
  CHECK(redact(r, R"({"a":"x\u0040example.com \"q\"","b":"\u00e9"})") ==
        R"({"a":"[REDACTED:email] \"q\"","b":"\u00e9"})");
  CHECK(redact(r, R"(["a@example.com",{"k":["b@example.com"]}])") ==
        R"(["[REDACTED:email]",{"k":["[REDACTED:email]"]}])");
  // Keys are not values.
  CHECK(redact(r, R"({"a@example.com":1})") == R"({"a@example.com":1})");
  r.mask_in = {path("msg")};
  CHECK(redact(r, R"({"msg":"a@example.com","other":"b@example.com"})") ==
        R"({"msg":"[REDACTED:email]","other":"b@example.com"})");
}

TEST_CASE("invalid lines are reported, not redacted") {
  RedactRules r;
  r.mask = {"all"};
  CHECK(redact(r, R"({"a":"x@example.com")").rfind("ERROR ", 0) == 0);
  CHECK(redact(r, R"({"a":tru})").rfind("ERROR ", 0) == 0);
  CHECK(redact(r, "{\"a\":\"\xff\"}").rfind("ERROR ", 0) == 0);
}

TEST_CASE("streams choose their rules by a field") {
  RedactConfig c = parse_redact_config(R"({
    "stream_field": "source",
    "streams": {
      "tools": {"payload_mode": "metadata-only", "hash": ["arg"]},
      "lane-signals": {"payload_mode": "full"}
    },
    "default": {"drop": ["arg"]}
  })", "c.json");
  RecordRedactor r(c, "");
  CHECK(run(r, R"({"source":"tools","arg":"hello"})") ==
        std::string(R"({"source":"tools","arg_sha256":")") + kSha256Hello + R"(","arg_bytes":5})");
  CHECK(run(r, R"({"source":"lane-signals","arg":"hello"})") == R"({"source":"lane-signals","arg":"hello"})");
  CHECK(run(r, R"({"source":"other","arg":"hello"})") == R"({"source":"other"})");
  CHECK(run(r, R"({"arg":"hello"})") == R"({})");
}

TEST_CASE("a credential's member name masks its value, with or without escapes in the record") {
  RedactRules r;
  r.mask = {"all"};
  CHECK(redact(r, R"({"password":"hunter2","msg":"a b"})") == R"({"password":"[REDACTED:password]","msg":"a b"})");
  CHECK(redact(r, R"({"password":"hunter2","msg":"a\nb"})") == R"({"password":"[REDACTED:password]","msg":"a\nb"})");
  CHECK(redact(r, R"({"db":{"pass\u0077ord":"hunter2"}})") == R"({"db":{"pass\u0077ord":"[REDACTED:password]"}})");
  CHECK(redact(r, R"({"passwords":["hunter2"],"password":""})") == R"({"passwords":["hunter2"],"password":""})");
}

TEST_CASE("a stream's rules can name a gitleaks file and take kinds out of all") {
  test::TempDir t;
  test::append(t.path("g.toml"), "[[rules]]\nid = \"acme\"\nregex = 'acme_[a-z0-9]{8}'\nkeywords = [\"acme_\"]\n");
  RedactConfig c = parse_redact_config(R"({"default":{"mask":["all","-ipv4"],"rules":")" + t.path("g.toml") + R"("}})",
                                       "c.json");
  RecordRedactor r(c, "");
  CHECK(run(r, R"({"m":"acme_abcd1234 from 10.0.0.1 by a@example.com"})") ==
        R"({"m":"[REDACTED:acme] from 10.0.0.1 by [REDACTED:email]"})");
}

TEST_CASE("config errors name the key") {
  auto error_of = [](const std::string& json) {
    try {
      parse_redact_config(json, "c.json");
    } catch (const Error& e) {
      CHECK(e.code() == kExitUsage);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("{") .rfind("c.json: invalid JSON", 0) == 0);
  CHECK(error_of("[]") == "c.json: (top level): expected an object");
  CHECK(error_of(R"({"streams":{}})") == "c.json: default: missing (the rules for records of unlisted streams)");
  CHECK(error_of(R"({"default":{"hsah":["a"]}})") == "c.json: default.hsah: unknown key");
  CHECK(error_of(R"({"default":{"hash":["a",1]}})") == "c.json: default.hash[1]: expected a string");
  CHECK(error_of(R"({"default":{"hash":["a[]"]}})") == "c.json: default.hash[0]: path must end with a field name");
  CHECK(error_of(R"({"default":{},"streams":{"t":{"payload_mode":"some"}}})") ==
        "c.json: streams.t.payload_mode: expected \"metadata-only\" or \"full\"");
  CHECK(error_of(R"({"default":{"payload_mode":"full","hash":["a"]}})") ==
        "c.json: default: payload_mode \"full\" sends free text: it takes no hash or keep list");
  CHECK(error_of(R"({"default":{"mask":["emails"]}})") == "c.json: default.mask[0]: unknown kind 'emails'");
  CHECK(error_of(R"({"default":{"algo":"md5"}})") ==
        "c.json: default.algo: expected sha256, hmac-sha256, xxh3 or xxh128");
  CHECK(error_of(R"({"default":{"others":"hash"}})") == "c.json: default.others: needs a keep list");
  CHECK(error_of(R"({"default":{"mask_regex":{"a b":"x"}}})") ==
        "c.json: default.mask_regex.a b: name must be letters, digits, '-' or '_'");
}

TEST_CASE("masking and hashing in one record, every string scanned once") {
  RedactRules r;
  r.mask = {"all"};
  r.hash.push_back(path("h"));
  CHECK(redact(r, R"({"a":"x 10.0.0.1","h":"a@example.com","b":["ok","c@example.com\u0021"],"c":{"d":"AKIAIOSFODNN7EXAMPLE"}})", true) ==
        R"({"a":"x [REDACTED:ipv4]","h_sha256":"08168cd80dfd534ab0f10af10f1303fe00af2d43ab5c1432360d137f8197e17a","h_bytes":13,"b":["ok","[REDACTED:email]!"],"c":{"d":"[REDACTED:aws-key]"},"redaction":{"hashed":1,"dropped":0,"masked":3,"rules":{"ipv4":1,"email":1,"aws-access-token":1}}})");
}

TEST_CASE("a secret spelled with escapes is found in its decoded text") {
  // The record's raw text holds no '@' and no "AKIA": the gates must look
  // at the decoded strings.
  RedactRules r;
  r.mask = {"all"};
  CHECK(redact(r, R"({"m":"mail a\u0040example.com","k":"\u0041KIAIOSFODNN7EXAMPLE"})") ==
        R"({"m":"mail [REDACTED:email]","k":"[REDACTED:aws-key]"})");
}

TEST_CASE("masking inside a member kept after dropped ones (fuzz finding)") {
  // The comma before the first kept member was cut after its value had
  // been walked, but masking writes out everything before the string it
  // changes: the cut ran backwards and threw.
  RedactRules r;
  r.drop = {path("password"), path("a.password")};
  r.mask = {"all"};
  CHECK(redact(r, R"({"password":"x","msg":"mail b@example.com"})") == R"({"msg":"mail [REDACTED:email]"})");
  CHECK(redact(r, R"({"password":"x","a":{"password":"y","m":"c@example.com"}})") ==
        R"({"a":{"m":"[REDACTED:email]"}})");
  RedactRules k;
  k.keep = {path("l[].a")};
  k.mask = {"all"};
  CHECK(redact(k, R"({"l":[1,{"a":"x@y.example.com","b":2}]})") == R"({"l":[{"a":"[REDACTED:email]"}]})");
}
