// JSON array lines become NDJSON bodies byte for byte.
#include <catch2/catch.hpp>

#include "core/gzip.hpp"
#include "ship/json_array.hpp"

using namespace ndj;

TEST_CASE("array elements become lines, bytes kept", "[json_array]") {
  std::string out;
  REQUIRE(append_array_as_ndjson(R"([{"a":1,"b":[1,2]},{"s":"x,]}\"y"} , 3.0e1 ,"q"])", out));
  CHECK(out == "{\"a\":1,\"b\":[1,2]}\n{\"s\":\"x,]}\\\"y\"}\n3.0e1\n\"q\"\n");
  out.clear();
  REQUIRE(append_array_as_ndjson("[]", out));
  CHECK(out.empty());
  REQUIRE(append_array_as_ndjson(" [ [] , {} ] ", out));
  CHECK(out == "[]\n{}\n");
  out.clear();
  REQUIRE(append_array_as_ndjson(R"(["\\",1])", out));
  CHECK(out == "\"\\\\\"\n1\n");
  CHECK_FALSE(append_array_as_ndjson(R"({"a":[1]})", out));
  CHECK_FALSE(append_array_as_ndjson("1", out));
}

TEST_CASE("gzip round trip", "[gzip]") {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "{\"id\":" + std::to_string(i) + "}\n";
  std::string packed, back;
  gzip_compress(text, packed);
  CHECK(packed.size() < text.size() / 4);
  CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);
  REQUIRE(gzip_decompress(packed, back));
  CHECK(back == text);
  gzip_compress("", packed);
  REQUIRE(gzip_decompress(packed, back));
  CHECK(back.empty());
  CHECK_FALSE(gzip_decompress("not gzip at all", back));
  CHECK_FALSE(gzip_decompress(packed.substr(0, packed.size() / 2), back));
}

TEST_CASE("bodies split into records and back, in their form", "[json_array]") {
  auto json = body_records(R"([{"a":1}, {"b":[1,2]} ,3])", false);
  REQUIRE(json);
  REQUIRE(json->size() == 3);
  CHECK(body_of(*json, 0, 1, false) == R"([{"a":1}])");
  CHECK(body_of(*json, 1, 3, false) == R"([{"b":[1,2]},3])");
  auto nd = body_records("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", true);
  REQUIRE(nd);
  REQUIRE(nd->size() == 3);
  CHECK(body_of(*nd, 1, 3, true) == "{\"b\":2}\n{\"c\":3}\n");
  CHECK_FALSE(body_records(R"({"one":"object"})", false));
  CHECK(body_records("[]", false)->empty());
}
