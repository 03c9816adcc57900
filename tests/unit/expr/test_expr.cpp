// The --where expression language: every operator on every type mix,
// missing fields, timestamps with offsets, numbers beyond a double,
// escaped strings, paths with "[]", parse errors with their columns.
#include <catch2/catch.hpp>

#include <string>

#include "expr/decimal.hpp"
#include "expr/expr.hpp"
#include "expr/record_filter.hpp"
#include "json/json.hpp"

using namespace ndj;

namespace {

// Whether `expr` holds on the record `json` (validated as the tools do).
bool holds(const std::string& expr, const std::string& json, ClauseCount* count = nullptr) {
  std::string padded = json + std::string(64, ' ');
  JsonParser parser;
  REQUIRE(parser.validate(std::string_view(padded.data(), json.size())) == nullptr);
  Expr e = Expr::parse(expr);
  bool r = e.matches(RecordView(std::string_view(padded.data(), json.size()), parser));
  if (count) *count = e.clause_counts().front();
  return r;
}

size_t error_column(const std::string& expr) {
  try {
    Expr::parse(expr);
  } catch (const ExprSyntaxError& e) {
    return e.column();
  }
  return 0;
}

}  // namespace

TEST_CASE("decimal numbers compare exactly", "[expr]") {
  CHECK(compare_decimal("1", "1.0") == 0);
  CHECK(compare_decimal("1e2", "100") == 0);
  CHECK(compare_decimal("-0", "0") == 0);
  CHECK(compare_decimal("0.1", "0.10000000000000000001") < 0);
  CHECK(compare_decimal("12345678901234567890123", "12345678901234567890124") < 0);
  CHECK(compare_decimal("-12345678901234567890123", "-12345678901234567890124") > 0);
  CHECK(compare_decimal("9007199254740993", "9007199254740992") > 0);  // equal as doubles
  CHECK(compare_decimal("1.5e-3", "0.0015") == 0);
  CHECK(compare_decimal("-1", "1") < 0);
  CHECK(compare_decimal("0.001", "0") > 0);
  CHECK(compare_decimal("1E400", "1e399") > 0);
}

namespace {
std::string arith(char op, const std::string& a, const std::string& b) {
  std::string out;
  return decimal_arith(op, a, b, out) ? out : "null";
}
}  // namespace

TEST_CASE("decimal arithmetic is exact on integers and decimals", "[expr]") {
  CHECK(arith('+', "1200", "300") == "1500");
  CHECK(arith('-', "3", "5") == "-2");
  CHECK(arith('*', "-4", "2.5") == "-10");
  CHECK(arith('+', "0.1", "0.2") == "0.3");
  CHECK(arith('-', "0.3", "0.1") == "0.2");
  CHECK(arith('*', "1.1", "1.1") == "1.21");
  CHECK(arith('+', "1e2", "1") == "101");
  CHECK(arith('-', "1.5", "1.5") == "0");
  CHECK(arith('*', "0", "-7") == "0");
  // Beyond int64 and beyond a double's 53 bits.
  CHECK(arith('+', "9223372036854775807", "1") == "9223372036854775808");
  CHECK(arith('+', "9007199254740993", "9007199254740993") == "18014398509481986");
  CHECK(arith('*', "123456789012345678901", "1000000000000000000000") ==
        "123456789012345678901000000000000000000000");
  CHECK(arith('-', "-12345678901234567890123", "1") == "-12345678901234567890124");
  CHECK(arith('+', "0.000000000000000000001", "1") == "1.000000000000000000001");
  // Division: exact when it divides, else the shortest double.
  CHECK(arith('/', "10", "4") == "2.5");
  CHECK(arith('/', "9", "3") == "3");
  CHECK(arith('/', "1", "3") == "0.3333333333333333");
  CHECK(arith('/', "1", "0") == "null");
  CHECK(arith('/', "1", "0.0") == "null");
  CHECK(arith('/', "0", "-0e3") == "null");
  // Beyond the exact digits: doubles; beyond a double: no value.
  CHECK(arith('*', "1e300", "1e300") == "null");
  CHECK(arith('+', "1e200", "1") == "1e+200");
}

TEST_CASE("arithmetic in expressions: values, nulls, unary minus", "[expr]") {
  std::string json = R"({"a":1,"b":2.5,"s":"x","n":null,"big":18446744073709551615})";
  std::string padded = json + std::string(64, ' ');
  JsonParser parser;
  REQUIRE(parser.validate(std::string_view(padded.data(), json.size())) == nullptr);
  RecordView view(std::string_view(padded.data(), json.size()), parser);
  auto value = [&](const std::string& e) {
    Expr x = Expr::parse(e);
    ExprValue v = x.value(view);
    return v.kind == ExprValue::Kind::kNumber ? std::string(v.text) : "null";
  };
  CHECK(value("a + b") == "3.5");
  CHECK(value("-a") == "-1");
  CHECK(value("-(a + b) * 2") == "-7");
  CHECK(value("a - -b") == "3.5");
  CHECK(value("- b") == "-2.5");
  CHECK(value("big + a") == "18446744073709551616");
  CHECK(value("a + s") == "null");
  CHECK(value("a + n") == "null");
  CHECK(value("a + missing") == "null");
  CHECK(value("a / (b - 2.5)") == "null");
  CHECK(value("(a + b) / 7") == "0.5");
  Expr nulls = Expr::parse("a + s");
  nulls.value(view);
  nulls.value(view);
  CHECK(nulls.null_results() == 2);
  CHECK(holds("-a < 0", json));
  CHECK(holds("a * 1000 / 4 == 250", json));
  CHECK(holds("b - a == 1.5", json));
  CHECK_FALSE(holds("a + s == 1", json));
}

TEST_CASE("comparisons on strings, numbers, booleans and null", "[expr]") {
  const std::string r = R"({"s":"abc","n":42,"f":1.5,"b":true,"z":null,"o":{"k":"v"},"a":[1,2]})";
  CHECK(holds(R"(s == "abc")", r));
  CHECK(holds(R"(s != "abd")", r));
  CHECK(holds(R"(s < "abd")", r));
  CHECK(holds(R"(s <= "abc")", r));
  CHECK(holds(R"(s > "ab")", r));
  CHECK(holds(R"(s >= "abc")", r));
  CHECK_FALSE(holds(R"(s > "abc")", r));
  CHECK(holds("s == 'abc'", r));
  CHECK(holds("n == 42", r));
  CHECK(holds("n == 42.0", r));
  CHECK(holds("n != 41", r));
  CHECK(holds("n < 42.5", r));
  CHECK(holds("n <= 42", r));
  CHECK(holds("n > -1", r));
  CHECK(holds("n >= 4.2e1", r));
  CHECK(holds("f > 1", r));
  CHECK(holds("b == true", r));
  CHECK(holds("b != false", r));
  CHECK(holds("b", r));
  CHECK_FALSE(holds("!b", r));
  CHECK(holds("z == null", r));
  CHECK(holds("s != null", r));
  CHECK(holds("o != null", r));
  CHECK(holds("o.k == \"v\"", r));
  CHECK(holds("a.1 == 2", r));
}

TEST_CASE("unlike types are false and counted as mismatches", "[expr]") {
  const std::string r = R"({"s":"5","n":5,"b":true,"z":null,"o":{},"a":[]})";
  ClauseCount c;
  for (const char* e : {"s == 5", "n == \"5\"", "s < 6", "n > \"4\"", "b == 1", "b < true", "z < 1", "o == 1",
                        "a == 1", "n =~ /5/", "startswith(n, \"5\")", "s == 2026-01-01T00:00:00Z", "n in [\"5\"]",
                        "o < o", "s"}) {
    INFO(e);
    CHECK_FALSE(holds(e, r, &c));
    CHECK(c.mismatched == 1);
    CHECK(c.missing == 0);
  }
  // null is a type of its own, except for "== null" and "!= null".
  CHECK_FALSE(holds("z != 5", r, &c));
  CHECK(c.mismatched == 1);
  CHECK_FALSE(holds("z != \"x\"", r, &c));
  CHECK(c.mismatched == 1);
  // != between unlike types is a mismatch too, not true.
  CHECK_FALSE(holds("s != 5", r, &c));
  CHECK(c.mismatched == 1);
}

TEST_CASE("a missing field makes a comparison false, never an error", "[expr]") {
  ClauseCount c;
  for (const char* e : {"x == 1", "x != 1", "x < 1", "x == null", "x =~ /a/", "x in [1]", "lower(x) == \"a\"",
                        "contains(x, \"a\")", "x.y.z == 1", "x", "x + 1 > 0"}) {
    INFO(e);
    CHECK_FALSE(holds(e, R"({"a":1})", &c));
    CHECK(c.missing == 1);
    CHECK(c.mismatched == 0);
  }
  CHECK(holds("!(x == 1)", R"({"a":1})"));
  CHECK_FALSE(holds("exists(x)", R"({"a":1})"));
  CHECK(holds("exists(a)", R"({"a":null})"));
  CHECK(holds("!exists(x.y)", R"({"x":1})"));
}

TEST_CASE("timestamps compare as instants, with offsets", "[expr]") {
  const std::string r = R"({"ts":"2026-11-01T01:30:00+02:00","bad":"yesterday"})";
  CHECK(holds("ts == 2026-10-31T23:30:00Z", r));
  CHECK(holds("ts >= 2026-11-01T00:00:00+02:00", r));
  CHECK(holds("ts < 2026-11-01T00:00:00Z", r));  // as strings it would be the other way
  CHECK(holds(R"(ts < "2026-11-01T00:00:00Z")", r));
  CHECK(holds("ts > 2026-10-31", r));
  CHECK(holds("ts < 2026-11-01", r));
  CHECK(holds("ts > 2026-10-31T23:29:59.999999999Z", r));
  ClauseCount c;
  CHECK_FALSE(holds("bad > 2026-01-01T00:00:00Z", r, &c));
  CHECK(c.mismatched == 1);
}

TEST_CASE("numbers beyond a double compare as written", "[expr]") {
  const std::string r = R"({"big":123456789012345678901234567890,"id":9007199254740993,"d":0.10000000000000000001})";
  CHECK(holds("big == 123456789012345678901234567890", r));
  CHECK(holds("big > 123456789012345678901234567889", r));
  CHECK(holds("id != 9007199254740992", r));
  CHECK(holds("id > 9007199254740992", r));
  CHECK(holds("d > 0.1", r));
  CHECK(holds("d < 0.1000000000000000001", r));
}

TEST_CASE("escaped strings compare decoded", "[expr]") {
  CHECK(holds(R"(e == "a@b")", R"({"e":"a\u0040b"})"));
  CHECK(holds(R"(e == "a\u0040b")", R"({"e":"a@b"})"));
  CHECK(holds(R"(q == "say \"hi\"")", R"({"q":"say \"hi\""})"));
  CHECK(holds(R"(u == "é😀")", R"({"u":"\u00e9\ud83d\ude00"})"));
  CHECK(holds(R"(k == 1)", R"({"\u006b":1})"));  // keys too
  CHECK(holds(R"(e =~ /^a@/)", R"({"e":"a\u0040b"})"));
}

TEST_CASE("in, regexes and string functions", "[expr]") {
  const std::string r = R"({"env":"Production","sev":2,"msg":"Disk /var is full"})";
  CHECK(holds("sev in [1, 2]", r));
  CHECK_FALSE(holds("sev in [3]", r));
  CHECK(holds(R"(env in ["staging", "Production"])", r));
  CHECK_FALSE(holds("sev in []", r));
  CHECK(holds("msg =~ /full$/", r));
  CHECK(holds(R"(msg =~ /\/var/)", r));
  CHECK(holds("msg =~ /DISK/i", r));
  CHECK_FALSE(holds("msg =~ /DISK/", r));
  CHECK(holds("msg !~ /DISK/", r));
  CHECK(holds(R"(startswith(msg, "Disk"))", r));
  CHECK(holds(R"(endswith(msg, "full"))", r));
  CHECK(holds(R"(contains(msg, "/var"))", r));
  CHECK(holds(R"(lower(env) == "production")", r));
  CHECK(holds(R"(startswith(lower(env), "prod"))", r));
}

TEST_CASE("boolean operators and precedence", "[expr]") {
  const std::string r = R"({"a":1,"b":2})";
  CHECK(holds("a == 1 && b == 2", r));
  CHECK(holds("a == 2 || b == 2", r));
  CHECK(holds("a == 2 || a == 1 && b == 2", r));
  CHECK_FALSE(holds("(a == 2 || a == 1) && b == 3", r));
  CHECK(holds("!(a == 2)", r));
  CHECK(holds("!!(a == 1)", r));
  CHECK(holds("(a + b) == 3", r));
  CHECK(holds("a + b * 2 == 5", r));
  CHECK(holds("(a + b) * 2 == 6", r));
  CHECK(holds("b / a - 1 == 1", r));
}

TEST_CASE("paths with [] hold when any element does", "[expr]") {
  const std::string r = R"({"spans":[{"name":"a","ms":5},{"name":"b","ms":50}],"tags":{"repo":"ndj"}})";
  CHECK(holds(R"(spans[].name == "b")", r));
  CHECK(holds("spans[].ms > 10", r));
  CHECK_FALSE(holds("spans[].ms > 100", r));
  CHECK(holds(R"(tags.repo == "ndj")", r));
  CHECK(holds(R"(spans.0.name == "a")", r));
  CHECK(holds(R"(a\.b == 1)", R"({"a.b":1})"));
  CHECK(holds(R"(x-request-id == "r")", R"({"x-request-id":"r"})"));
}

TEST_CASE("parse errors point at the column", "[expr]") {
  CHECK(error_column("type ==") == 8);
  CHECK(error_column("type = \"x\"") == 6);
  CHECK(error_column("a == 1 &&") == 10);
  CHECK(error_column("(a == 1") == 8);
  CHECK(error_column("a == 1)") == 7);
  CHECK(error_column("a =~ /(/") == 6);
  CHECK(error_column("a == \"x") == 6);
  CHECK(error_column("foo(a)") == 1);
  CHECK(error_column("a == 01") == 6);
  CHECK(error_column("ts > 2026-13-45") == 6);
  CHECK(error_column("a in [b]") == 7);
  CHECK(error_column("a b") == 3);
  CHECK(error_column("") == 1);
  try {
    Expr::parse("type = 1");
  } catch (const ExprSyntaxError& e) {
    CHECK(describe_syntax_error("--where", "type = 1", e) ==
          "--where: '=' is not an operator: '==' compares at column 6\n  type = 1\n       ^");
  }
}

TEST_CASE("values of expressions, for aggregates", "[expr]") {
  std::string json = R"({"p":1200,"c":300,"name":"x"})";
  std::string padded = json + std::string(64, ' ');
  JsonParser parser;
  REQUIRE(parser.validate(std::string_view(padded.data(), json.size())) == nullptr);
  RecordView view(std::string_view(padded.data(), json.size()), parser);
  Expr sum = Expr::parse("p + c");
  CHECK(sum.value(view).text == "1500");
  Expr missing = Expr::parse("p + q");
  CHECK(missing.value(view).kind == ExprValue::Kind::kMissing);
  CHECK(missing.null_results() == 1);
  Expr div = Expr::parse("p / 0");
  CHECK(div.value(view).kind == ExprValue::Kind::kMissing);
  Expr test = Expr::parse("p > c");
  CHECK(test.value(view).kind == ExprValue::Kind::kBool);
  CHECK(test.value(view).boolean);
}

TEST_CASE("the record filter: --where, --since, --until", "[expr]") {
  FilterArgs args;
  args.where = {"type == \"deploy\""};
  args.since = "7d";
  TimeNs now = *parse_rfc3339("2026-11-22T00:00:00Z");
  std::string error;
  auto f = make_record_filter(args, TimeFieldOptions{}, now, "", error);
  REQUIRE(f);
  auto test = [&](const std::string& json) {
    std::string padded = json + std::string(64, ' ');
    JsonParser parser;
    REQUIRE(parser.validate(std::string_view(padded.data(), json.size())) == nullptr);
    return f->matches(RecordView(std::string_view(padded.data(), json.size()), parser));
  };
  CHECK(test(R"({"type":"deploy","ts":"2026-11-20T00:00:00Z"})"));
  CHECK_FALSE(test(R"({"type":"deploy","ts":"2026-11-10T00:00:00Z"})"));
  CHECK_FALSE(test(R"({"type":"deploy"})"));
  CHECK(test(R"({"type":"deploy","time":"2026-11-21T00:00:00+05:00"})"));
  CHECK_FALSE(test(R"({"type":"other","ts":"2026-11-20T00:00:00Z"})"));
  args.where = {"type =="};
  CHECK_FALSE(make_record_filter(args, TimeFieldOptions{}, now, "", error));
  CHECK(error.find("at column 8") != std::string::npos);
  args.where.clear();
  args.until = "soon";
  CHECK_FALSE(make_record_filter(args, TimeFieldOptions{}, now, "", error));
  CHECK(error.find("--until") == 0);
}

TEST_CASE("RecordView::member: the first top-level member of a name, as its raw token") {
  auto member = [](const std::string& json, const std::string& name) -> std::string {
    std::string padded = json + std::string(64, ' ');
    JsonParser parser;
    REQUIRE(parser.validate(std::string_view(padded.data(), json.size())) == nullptr);
    auto tok = RecordView(std::string_view(padded.data(), json.size()), parser).member(name);
    if (!tok) return "absent";
    return std::to_string(static_cast<int>(tok->kind)) + (tok->escaped ? "e:" : ":") + std::string(tok->raw);
  };
  using K = JsonToken::Kind;
  auto kind = [](K k) { return std::to_string(static_cast<int>(k)); };
  CHECK(member(R"({"a":1,"ts":"2026-01-01T00:00:00Z"})", "ts") == kind(K::kString) + ":2026-01-01T00:00:00Z");
  CHECK(member(R"({"ts":"x","ts":"y"})", "ts") == kind(K::kString) + ":x");
  CHECK(member(R"({ "n" : -12 , "b":true})", "n") == kind(K::kNumber) + ":-12");
  CHECK(member(R"({"o":{"ts":"inner"}, "ts" : null})", "ts") == kind(K::kNull) + ":null");
  CHECK(member(R"({"o":{"k" : [1, 2]}})", "o") == kind(K::kObject) + R"(:{"k" : [1, 2]})");
  CHECK(member(R"({"s":"a\"b"})", "s") == kind(K::kString) + R"(e:a\"b)");
  CHECK(member(R"({"\u0074s":"escaped key"})", "ts") == kind(K::kString) + ":escaped key");
  CHECK(member(R"({"a.b":1})", "a.b") == kind(K::kNumber) + ":1");  // a name, not a path
  CHECK(member(R"({"a":{"b":1}})", "a.b") == "absent");
  CHECK(member(R"({})", "ts") == "absent");
  CHECK(member(R"(["ts","x"])", "ts") == "absent");
  CHECK(member(R"(["x"])", "0") == "absent");  // arrays have no members
  CHECK(member(R"("ts")", "ts") == "absent");
}
