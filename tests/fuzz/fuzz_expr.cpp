// Fuzz the --where expression parser and evaluator: the input is an
// expression, a newline, and a record. Any expression parses or fails with
// a column inside it (or just past its end); a parsed one evaluates on any
// valid record without crashing, its clause counts add up, a number it
// computes (arithmetic) is valid JSON that equals itself, and the record's
// top-level member named by the expression's text is the DOM's. The same
// text read as an ndj-stats --agg list splits into parts of it, each of
// which parses or says why.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "expr/decimal.hpp"
#include "expr/expr.hpp"
#include "json/json.hpp"
#include "json/json_check.hpp"
#include "stats/group_stats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string_view text = in.substr(0, nl);
  std::string_view record = nl == std::string_view::npos ? std::string_view("{}") : in.substr(nl + 1);
  try {
    ndj::Expr e = ndj::Expr::parse(text);
    std::string padded(record);
    padded.append(64, ' ');
    ndj::JsonParser parser;
    if (parser.validate(std::string_view(padded.data(), record.size())) != nullptr) return 0;
    ndj::RecordView view(std::string_view(padded.data(), record.size()), parser);
    bool m = e.matches(view);
    ndj::ExprValue v = e.value(view);
    if (v.kind == ndj::ExprValue::Kind::kNumber &&
        (ndj::json_check(v.text) != nullptr || ndj::compare_decimal(v.text, v.text) != 0))
      std::abort();
    for (const ndj::ClauseCount& c : e.clause_counts())
      if (c.held + c.missing + c.mismatched > c.evaluated || c.evaluated > 2) std::abort();
    if (m != e.matches(view)) std::abort();
    // A top-level member found on the structural index (ndj-prune's time,
    // ndj-batch --by) is the one the DOM finds, named by the expression's text.
    auto tok = view.member(text);
    simdjson::dom::object obj;
    simdjson::dom::element dv;
    if (parser.parse(std::string_view(padded.data(), record.size())) == nullptr && parser.has_root() &&
        !parser.root().get(obj)) {
      bool dom_has = !obj.at_key(text).get(dv);
      if (tok.has_value() != dom_has) std::abort();
      std::string_view s;
      if (tok && tok->kind == ndj::JsonToken::Kind::kString && !tok->escaped &&
          (dv.get_string().get(s) || s != tok->raw))
        std::abort();
    }
  } catch (const ndj::ExprSyntaxError& err) {
    if (err.column() < 1 || err.column() > text.size() + 1) std::abort();
  }
  for (const std::string& agg : ndj::AggSpec::split(text)) {
    if (agg.size() > text.size()) std::abort();
    std::string why;
    auto spec = ndj::AggSpec::parse(agg, why);
    if (spec ? spec->column.empty() : why.empty()) std::abort();
  }
  return 0;
}
