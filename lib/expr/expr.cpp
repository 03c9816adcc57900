// The expression parser (recursive descent over the text, one function per
// precedence level) and its evaluator over a RecordView.
#include "expr/expr.hpp"

#include <re2/re2.h>

#include <cmath>
#include <deque>

#include "core/timefmt.hpp"
#include "expr/decimal.hpp"
#include "json/json_check.hpp"
#include "json/json_text.hpp"

namespace ndj {

namespace {

using Kind = ExprValue::Kind;

enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kStartsWith, kEndsWith, kContains, kMatch, kNotMatch, kIn };
enum class Verdict { kFalse, kTrue, kMismatch };

struct Operand {
  enum class Type { kPath, kLiteral, kLower, kArith };
  Type type = Type::kLiteral;
  JsonPath path;
  ExprValue literal;
  std::string storage;  // the literal's text
  char arith = 0;
  std::unique_ptr<Operand> a, b;
  std::vector<ExprValue> values;  // of the last evaluation
};

struct Node {
  enum class Type { kOr, kAnd, kNot, kTest, kExists, kTruthy };
  Type type = Type::kTest;
  std::vector<std::unique_ptr<Node>> kids;
  Op op = Op::kEq;
  std::unique_ptr<Operand> lhs, rhs;
  std::vector<std::unique_ptr<Operand>> list;  // kIn
  std::unique_ptr<RE2> re;                     // kMatch, kNotMatch
  size_t clause = 0;                           // index into the counts
};

Verdict from_order(Op op, int c) {
  bool r = false;
  switch (op) {
    case Op::kEq: case Op::kIn: r = c == 0; break;
    case Op::kNe: r = c != 0; break;
    case Op::kLt: r = c < 0; break;
    case Op::kLe: r = c <= 0; break;
    case Op::kGt: r = c > 0; break;
    case Op::kGe: r = c >= 0; break;
    default: break;
  }
  return r ? Verdict::kTrue : Verdict::kFalse;
}

bool as_time(const ExprValue& v, int64_t& t) {
  if (v.kind == Kind::kTime) {
    t = v.time;
    return true;
  }
  if (v.kind != Kind::kString) return false;
  auto parsed = parse_rfc3339(v.text);
  if (!parsed) return false;
  t = *parsed;
  return true;
}

Verdict compare(Op op, const ExprValue& a, const ExprValue& b) {
  if (op == Op::kStartsWith || op == Op::kEndsWith || op == Op::kContains) {
    if (a.kind != Kind::kString || b.kind != Kind::kString) return Verdict::kMismatch;
    bool r = op == Op::kStartsWith ? a.text.starts_with(b.text)
             : op == Op::kEndsWith ? a.text.ends_with(b.text)
                                   : a.text.find(b.text) != std::string_view::npos;
    return r ? Verdict::kTrue : Verdict::kFalse;
  }
  bool equality = op == Op::kEq || op == Op::kNe || op == Op::kIn;
  // "== null" and "!= null" test any value; otherwise null is a type of
  // its own ("n != 5" is not true of a null n).
  if (b.kind == Kind::kNull) {
    if (!equality) return Verdict::kMismatch;
    return from_order(op, a.kind == Kind::kNull ? 0 : 1);
  }
  if (a.kind == Kind::kNull) return Verdict::kMismatch;
  if (a.kind == Kind::kTime || b.kind == Kind::kTime) {
    int64_t x, y;
    if (!as_time(a, x) || !as_time(b, y)) return Verdict::kMismatch;
    return from_order(op, (x > y) - (x < y));
  }
  if (a.kind != b.kind) return Verdict::kMismatch;
  switch (a.kind) {
    case Kind::kBool:
      if (!equality) return Verdict::kMismatch;
      return from_order(op, a.boolean == b.boolean ? 0 : 1);
    case Kind::kNumber: return from_order(op, compare_decimal(a.text, b.text));
    case Kind::kString: {
      int c = a.text.compare(b.text);
      return from_order(op, (c > 0) - (c < 0));
    }
    default: return Verdict::kMismatch;
  }
}

bool is_path_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c == '@' || c == '\\';
}
bool is_path_char(char c) { return is_path_start(c) || (c >= '0' && c <= '9') || c == '.'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

struct Expr::Impl {
  std::string text;
  std::unique_ptr<Node> root;
  std::vector<ClauseCount> counts;
  uint64_t null_results = 0;
  uint32_t paths_tried = 0, paths_found = 0;  // in the last value()
  std::deque<std::string> pool;  // decoded strings of the record in hand
  size_t pool_used = 0;

  std::string& scratch() {
    if (pool_used == pool.size()) pool.emplace_back();
    std::string& s = pool[pool_used++];
    s.clear();
    return s;
  }

  ExprValue from_token(const JsonToken& t) {
    ExprValue v;
    switch (t.kind) {
      case JsonToken::Kind::kString:
        v.kind = Kind::kString;
        if (t.escaped) {
          std::string& s = scratch();
          append_unescaped(t.raw, s);
          v.text = s;
        } else {
          v.text = t.raw;
        }
        return v;
      case JsonToken::Kind::kNumber: v.kind = Kind::kNumber; break;
      case JsonToken::Kind::kTrue: v.kind = Kind::kBool, v.boolean = true; break;
      case JsonToken::Kind::kFalse: v.kind = Kind::kBool; break;
      case JsonToken::Kind::kNull: v.kind = Kind::kNull; break;
      case JsonToken::Kind::kArray: v.kind = Kind::kArray; break;
      case JsonToken::Kind::kObject: v.kind = Kind::kObject; break;
    }
    v.text = t.raw;
    return v;
  }

  // Fills o.values with the operand's values on the record.
  void eval(Operand& o, const RecordView& rec) {
    o.values.clear();
    switch (o.type) {
      case Operand::Type::kLiteral: o.values.push_back(o.literal); return;
      case Operand::Type::kPath:
        rec.each(o.path, [&](const JsonToken& t) {
          o.values.push_back(from_token(t));
          return false;
        });
        ++paths_tried;
        paths_found += !o.values.empty();
        return;
      case Operand::Type::kLower:
        eval(*o.a, rec);
        for (ExprValue v : o.a->values) {
          if (v.kind == Kind::kString) {
            std::string& s = scratch();
            s.assign(v.text);
            for (char& c : s)
              if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            v.text = s;
          }
          o.values.push_back(v);
        }
        return;
      case Operand::Type::kArith: {
        eval(*o.a, rec);
        eval(*o.b, rec);
        const std::vector<ExprValue>& x = o.a->values;
        const std::vector<ExprValue>& y = o.b->values;
        std::string& s = scratch();
        if (x.empty() || y.empty() || x.front().kind != Kind::kNumber || y.front().kind != Kind::kNumber ||
            !decimal_arith(o.arith, x.front().text, y.front().text, s)) {
          ++null_results;
          return;
        }
        ExprValue v;
        v.kind = Kind::kNumber;
        v.text = s;
        o.values.push_back(v);
        return;
      }
    }
  }

  bool test(Node& n, const RecordView& rec) {
    switch (n.type) {
      case Node::Type::kOr:
        for (auto& k : n.kids)
          if (test(*k, rec)) return true;
        return false;
      case Node::Type::kAnd:
        for (auto& k : n.kids)
          if (!test(*k, rec)) return false;
        return true;
      case Node::Type::kNot: return !test(*n.kids[0], rec);
      default: break;
    }
    ClauseCount& c = counts[n.clause];
    ++c.evaluated;
    Verdict v = clause(n, rec);
    if (v == Verdict::kTrue) ++c.held;
    else if (v == Verdict::kMismatch) ++c.mismatched;
    return v == Verdict::kTrue;
  }

  // kTrue, kFalse, kMismatch; a missing path counts itself and gives kFalse.
  Verdict clause(Node& n, const RecordView& rec) {
    ClauseCount& c = counts[n.clause];
    if (n.type == Node::Type::kExists) {
      bool found = rec.each(n.lhs->path, [](const JsonToken&) { return true; });
      return found ? Verdict::kTrue : Verdict::kFalse;
    }
    eval(*n.lhs, rec);
    if (n.lhs->values.empty()) {
      ++c.missing;
      return Verdict::kFalse;
    }
    if (n.type == Node::Type::kTruthy) {
      bool seen_bool = false;
      for (const ExprValue& v : n.lhs->values) {
        if (v.kind == Kind::kBool && v.boolean) return Verdict::kTrue;
        seen_bool |= v.kind == Kind::kBool;
      }
      return seen_bool ? Verdict::kFalse : Verdict::kMismatch;
    }
    bool seen_false = false;
    if (n.op == Op::kMatch || n.op == Op::kNotMatch) {
      for (const ExprValue& v : n.lhs->values) {
        if (v.kind != Kind::kString) continue;
        bool m = RE2::PartialMatch(re2::StringPiece(v.text.data(), v.text.size()), *n.re);
        if (m == (n.op == Op::kMatch)) return Verdict::kTrue;
        seen_false = true;
      }
      return seen_false ? Verdict::kFalse : Verdict::kMismatch;
    }
    if (n.op == Op::kIn) {
      for (const ExprValue& v : n.lhs->values)
        for (auto& item : n.list) {
          Verdict r = compare(Op::kEq, v, item->literal);
          if (r == Verdict::kTrue) return r;
          seen_false |= r == Verdict::kFalse;
        }
      return seen_false ? Verdict::kFalse : Verdict::kMismatch;
    }
    eval(*n.rhs, rec);
    if (n.rhs->values.empty()) {
      ++c.missing;
      return Verdict::kFalse;
    }
    for (const ExprValue& a : n.lhs->values)
      for (const ExprValue& b : n.rhs->values) {
        Verdict r = compare(n.op, a, b);
        if (r == Verdict::kTrue) return r;
        seen_false |= r == Verdict::kFalse;
      }
    return seen_false ? Verdict::kFalse : Verdict::kMismatch;
  }
};

namespace {

class Parser {
 public:
  Parser(std::string_view s, std::vector<ClauseCount>& counts) : s_(s), counts_(counts) {}

  std::unique_ptr<Node> parse() {
    auto n = parse_or();
    ws();
    if (pos_ < s_.size()) {
      if (s_[pos_] == ')') fail("unbalanced ')'", pos_);
      fail("expected an operator, '&&' or '||' here", pos_);
    }
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& why, size_t at) { throw ExprSyntaxError(why, at + 1); }
  void ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool peek(std::string_view tok) {
    ws();
    return s_.substr(pos_).starts_with(tok);
  }
  bool eat(std::string_view tok) {
    if (!peek(tok)) return false;
    pos_ += tok.size();
    return true;
  }
  void expect(std::string_view tok, const char* what) {
    if (!eat(tok)) fail(std::string("expected ") + what, pos_);
  }

  std::unique_ptr<Node> combine(Node::Type type, std::unique_ptr<Node> first, const char* tok,
                                std::unique_ptr<Node> (Parser::*next)()) {
    if (!peek(tok)) return first;
    auto n = std::make_unique<Node>();
    n->type = type;
    n->kids.push_back(std::move(first));
    while (eat(tok)) n->kids.push_back((this->*next)());
    return n;
  }
  std::unique_ptr<Node> parse_or() { return combine(Node::Type::kOr, parse_and(), "||", &Parser::parse_and); }
  std::unique_ptr<Node> parse_and() { return combine(Node::Type::kAnd, parse_unary(), "&&", &Parser::parse_unary); }
  std::unique_ptr<Node> parse_unary() {
    Depth guard(*this);
    ws();
    if (pos_ < s_.size() && s_[pos_] == '!' && !s_.substr(pos_).starts_with("!=") &&
        !s_.substr(pos_).starts_with("!~")) {
      ++pos_;
      auto n = std::make_unique<Node>();
      n->type = Node::Type::kNot;
      n->kids.push_back(parse_unary());
      return n;
    }
    return parse_primary();
  }

  std::unique_ptr<Node> parse_primary() {
    ws();
    size_t start = pos_;
    if (pos_ == s_.size()) fail("expected a field, a value, '!' or '('", pos_);
    if (s_[pos_] == '(') {
      ++pos_;
      auto inner = parse_or();
      expect(")", "')'");
      // "(a + b) > 3": a bare value in parentheses may go on as an operand.
      if (inner->type == Node::Type::kTruthy && at_operator()) {
        auto lhs = std::move(inner->lhs);
        counts_.pop_back();
        return finish_clause(sum_tail(product_tail(std::move(lhs))), start);
      }
      return inner;
    }
    size_t name_end = pos_;
    while (name_end < s_.size() && is_path_start(s_[name_end]) && s_[name_end] != '\\') ++name_end;
    std::string_view name = s_.substr(pos_, name_end - pos_);
    if (name_end < s_.size() && s_[name_end] == '(') {
      if (name == "exists") {
        pos_ = name_end + 1;
        auto n = std::make_unique<Node>();
        n->type = Node::Type::kExists;
        ws();
        n->lhs = parse_atom();
        if (n->lhs->type != Operand::Type::kPath) fail("exists() takes a field path", start + 7);
        expect(")", "')'");
        return with_clause(std::move(n), start);
      }
      Op op;
      if (name == "startswith") op = Op::kStartsWith;
      else if (name == "endswith") op = Op::kEndsWith;
      else if (name == "contains") op = Op::kContains;
      else return finish_clause(parse_sum(), start);  // lower(...) or an unknown name
      pos_ = name_end + 1;
      auto n = std::make_unique<Node>();
      n->op = op;
      n->lhs = parse_sum();
      expect(",", "',' between the two arguments");
      n->rhs = parse_sum();
      expect(")", "')'");
      return with_clause(std::move(n), start);
    }
    return finish_clause(parse_sum(), start);
  }

  bool at_operator() {
    ws();
    if (pos_ >= s_.size()) return false;
    if (s_[pos_] == '!') return peek("!=") || peek("!~");
    return std::string_view("=<>+-*/").find(s_[pos_]) != std::string_view::npos || keyword("in");
  }
  bool keyword(std::string_view word) {
    ws();
    if (!s_.substr(pos_).starts_with(word)) return false;
    size_t e = pos_ + word.size();
    return e == s_.size() || s_[e] == ' ' || s_[e] == '[' || s_[e] == '\t';
  }

  std::unique_ptr<Node> with_clause(std::unique_ptr<Node> n, size_t start) {
    size_t end = pos_;
    while (end > start && s_[end - 1] == ' ') --end;
    n->clause = counts_.size();
    counts_.push_back({std::string(s_.substr(start, end - start)), 0, 0, 0, 0});
    return n;
  }

  std::unique_ptr<Node> finish_clause(std::unique_ptr<Operand> lhs, size_t start) {
    auto n = std::make_unique<Node>();
    n->lhs = std::move(lhs);
    static const std::pair<std::string_view, Op> kOps[] = {
        {"==", Op::kEq}, {"!=", Op::kNe}, {"<=", Op::kLe}, {">=", Op::kGe}, {"=~", Op::kMatch},
        {"!~", Op::kNotMatch}, {"<", Op::kLt}, {">", Op::kGt}};
    for (const auto& [tok, op] : kOps) {
      if (!eat(tok)) continue;
      n->op = op;
      if (op == Op::kMatch || op == Op::kNotMatch) {
        n->re = parse_regex();
      } else {
        n->rhs = parse_sum();
      }
      return with_clause(std::move(n), start);
    }
    if (keyword("in")) {
      pos_ += 2;
      n->op = Op::kIn;
      expect("[", "'[' after 'in'");
      if (!peek("]")) {
        do {
          ws();
          size_t at = pos_;
          auto item = parse_atom();
          if (item->type != Operand::Type::kLiteral) fail("the list after 'in' holds values, not fields", at);
          n->list.push_back(std::move(item));
        } while (eat(","));
      }
      expect("]", "',' or ']' in the list");
      return with_clause(std::move(n), start);
    }
    if (pos_ < s_.size() && s_[pos_] == '=') fail("'=' is not an operator: '==' compares", pos_);
    n->type = Node::Type::kTruthy;
    return with_clause(std::move(n), start);
  }

  std::unique_ptr<RE2> parse_regex() {
    ws();
    size_t at = pos_;
    if (pos_ == s_.size() || s_[pos_] != '/') fail("expected a regex in slashes: /.../", pos_);
    std::string pattern;
    for (++pos_;; ++pos_) {
      if (pos_ == s_.size()) fail("regex without its closing '/'", at);
      char c = s_[pos_];
      if (c == '/') break;
      if (c == '\\' && pos_ + 1 < s_.size()) {
        if (s_[pos_ + 1] != '/') pattern.push_back('\\');
        c = s_[++pos_];
      }
      pattern.push_back(c);
    }
    ++pos_;
    RE2::Options opts;
    opts.set_log_errors(false);
    if (pos_ < s_.size() && s_[pos_] == 'i') {
      opts.set_case_sensitive(false);
      ++pos_;
    }
    auto re = std::make_unique<RE2>(pattern, opts);
    if (!re->ok()) fail("bad regex: " + re->error(), at);
    return re;
  }

  std::unique_ptr<Operand> arith(char op, std::unique_ptr<Operand> a, std::unique_ptr<Operand> b) {
    auto o = std::make_unique<Operand>();
    o->type = Operand::Type::kArith;
    o->arith = op;
    o->a = std::move(a);
    o->b = std::move(b);
    return o;
  }
  std::unique_ptr<Operand> parse_sum() { return sum_tail(parse_product()); }
  std::unique_ptr<Operand> sum_tail(std::unique_ptr<Operand> a) {
    for (;;) {
      ws();
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) {
        char op = s_[pos_++];
        a = arith(op, std::move(a), parse_product());
      } else {
        return a;
      }
    }
  }
  std::unique_ptr<Operand> parse_product() { return product_tail(parse_atom()); }
  std::unique_ptr<Operand> product_tail(std::unique_ptr<Operand> a) {
    for (;;) {
      ws();
      if (pos_ < s_.size() && (s_[pos_] == '*' || s_[pos_] == '/')) {
        char op = s_[pos_++];
        a = arith(op, std::move(a), parse_atom());
      } else {
        return a;
      }
    }
  }

  std::unique_ptr<Operand> literal(Kind kind, std::string text) {
    auto o = std::make_unique<Operand>();
    o->type = Operand::Type::kLiteral;
    o->storage = std::move(text);
    o->literal.kind = kind;
    if (kind == Kind::kString) {
      // A string that is an RFC 3339 time is one: ts >= "2026-11-01T00:00:00+02:00".
      if (auto t = parse_rfc3339(o->storage)) o->literal.kind = Kind::kTime, o->literal.time = *t;
    }
    o->literal.text = o->storage;
    return o;
  }

  std::unique_ptr<Operand> parse_atom() {
    Depth guard(*this);
    ws();
    size_t at = pos_;
    if (pos_ == s_.size()) fail("expected a field or a value", pos_);
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      auto o = parse_sum();
      expect(")", "')'");
      return o;
    }
    if (c == '"') return parse_double_quoted();
    if (c == '\'') return parse_single_quoted();
    if (is_digit(c) || (c == '-' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1]))) return parse_number();
    if (c == '-') {  // unary minus: 0 - x
      ++pos_;
      auto operand = parse_atom();
      return arith('-', literal(Kind::kNumber, "0"), std::move(operand));
    }
    if (!is_path_start(c)) fail("expected a field, a value or '('", pos_);
    size_t b = pos_;
    while (pos_ < s_.size()) {
      char d = s_[pos_];
      if (d == '\\' && pos_ + 1 < s_.size()) pos_ += 2;
      else if (is_path_char(d)) ++pos_;
      else if (d == '[' && s_.substr(pos_).starts_with("[]")) pos_ += 2;
      else if (d == '-' && pos_ + 1 < s_.size() && is_path_char(s_[pos_ + 1]) && !is_digit(s_[pos_ + 1])) ++pos_;
      else break;
    }
    std::string_view word = s_.substr(b, pos_ - b);
    if (pos_ < s_.size() && s_[pos_] == '(') {
      if (word != "lower") fail("unknown function '" + std::string(word) + "'", at);
      ++pos_;
      auto o = std::make_unique<Operand>();
      o->type = Operand::Type::kLower;
      o->a = parse_sum();
      expect(")", "')'");
      return o;
    }
    if (word == "true" || word == "false") {
      auto o = literal(Kind::kBool, std::string(word));
      o->literal.boolean = word == "true";
      return o;
    }
    if (word == "null") return literal(Kind::kNull, "null");
    auto o = std::make_unique<Operand>();
    o->type = Operand::Type::kPath;
    std::string why;
    if (!parse_json_path(word, o->path, why)) fail("bad field path: " + why, at);
    return o;
  }

  std::unique_ptr<Operand> parse_double_quoted() {
    size_t at = pos_;
    size_t i = pos_ + 1;
    while (i < s_.size() && s_[i] != '"') i += s_[i] == '\\' ? 2 : 1;
    if (i >= s_.size()) fail("string without its closing '\"'", at);
    std::string_view lit = s_.substr(pos_, i + 1 - pos_);
    if (const char* why = json_check(lit)) fail(std::string("bad string: ") + why, at);
    pos_ = i + 1;
    std::string text;
    append_unescaped(lit.substr(1, lit.size() - 2), text);
    return literal(Kind::kString, std::move(text));
  }

  std::unique_ptr<Operand> parse_single_quoted() {
    size_t at = pos_;
    std::string text;
    for (++pos_;; ++pos_) {
      if (pos_ >= s_.size()) fail("string without its closing \"'\"", at);
      char c = s_[pos_];
      if (c == '\'') break;
      if (c == '\\' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == '\'' || s_[pos_ + 1] == '\\')) c = s_[++pos_];
      text.push_back(c);
    }
    ++pos_;
    return literal(Kind::kString, std::move(text));
  }

  std::unique_ptr<Operand> parse_number() {
    size_t at = pos_;
    size_t i = pos_;
    while (i < s_.size() && is_digit(s_[i])) ++i;
    if (i - pos_ == 4 && i < s_.size() && s_[i] == '-') {  // 2026-11-01[T...]
      while (i < s_.size() && (is_digit(s_[i]) || std::string_view("TtZz:.+-").find(s_[i]) != std::string_view::npos))
        ++i;
      std::string_view word = s_.substr(pos_, i - pos_);
      pos_ = i;
      auto o = literal(Kind::kString, std::string(word));
      if (o->literal.kind == Kind::kTime) return o;
      unsigned y, m, d;
      if (word.size() == 10 && std::sscanf(std::string(word).c_str(), "%4u-%2u-%2u", &y, &m, &d) == 3 &&
          m >= 1 && m <= 12 && d >= 1 && d <= 31) {
        o->literal.kind = Kind::kTime;
        o->literal.time = days_from_civil(y, m, d) * 86400 * kNsPerSec;
        return o;
      }
      fail("bad timestamp: expected RFC 3339 (2026-11-01T00:00:00Z, +02:00) or a date (2026-11-01)", at);
    }
    i = pos_;
    if (s_[i] == '-') ++i;
    while (i < s_.size() && (is_digit(s_[i]) || std::string_view(".eE+-").find(s_[i]) != std::string_view::npos)) {
      if ((s_[i] == '+' || s_[i] == '-') && s_[i - 1] != 'e' && s_[i - 1] != 'E') break;
      ++i;
    }
    std::string_view word = s_.substr(pos_, i - pos_);
    if (json_check(word) != nullptr) fail("bad number '" + std::string(word) + "'", at);
    pos_ = i;
    return literal(Kind::kNumber, std::string(word));
  }

  // Nesting ("((((", "!!!!", "a+(b+(c") is recursion: bounded, so no
  // expression can overflow the stack.
  struct Depth {
    Parser& p;
    explicit Depth(Parser& parser) : p(parser) {
      if (++p.depth_ > 200) p.fail("nesting too deep (limit 200)", p.pos_);
    }
    ~Depth() { --p.depth_; }
  };

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::vector<ClauseCount>& counts_;
};

}  // namespace

Expr::Expr(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Expr::Expr(Expr&&) noexcept = default;
Expr& Expr::operator=(Expr&&) noexcept = default;
Expr::~Expr() = default;

Expr Expr::parse(std::string_view text) {
  auto impl = std::make_unique<Impl>();
  impl->text = std::string(text);
  impl->root = Parser(impl->text, impl->counts).parse();
  return Expr(std::move(impl));
}

bool Expr::matches(const RecordView& rec) {
  impl_->pool_used = 0;
  impl_->paths_tried = impl_->paths_found = 0;
  return impl_->test(*impl_->root, rec);
}

ExprValue Expr::value(const RecordView& rec) {
  impl_->pool_used = 0;
  impl_->paths_tried = impl_->paths_found = 0;
  Node& n = *impl_->root;
  if (n.type == Node::Type::kTruthy) {
    impl_->eval(*n.lhs, rec);
    return n.lhs->values.empty() ? ExprValue{} : n.lhs->values.front();
  }
  ExprValue v;
  v.kind = Kind::kBool;
  v.boolean = impl_->test(n, rec);
  return v;
}

bool Expr::fields_absent() const { return impl_->paths_tried > 0 && impl_->paths_found == 0; }

const std::string& Expr::text() const { return impl_->text; }
std::vector<ClauseCount> Expr::clause_counts() const { return impl_->counts; }
uint64_t Expr::mismatches() const {
  uint64_t n = 0;
  for (const ClauseCount& c : impl_->counts) n += c.mismatched;
  return n;
}
uint64_t Expr::null_results() const { return impl_->null_results; }

void Expr::add_counts(const Expr& other) {
  for (size_t i = 0; i < impl_->counts.size() && i < other.impl_->counts.size(); ++i) {
    ClauseCount& c = impl_->counts[i];
    const ClauseCount& d = other.impl_->counts[i];
    c.evaluated += d.evaluated, c.held += d.held, c.missing += d.missing, c.mismatched += d.mismatched;
  }
  impl_->null_results += other.impl_->null_results;
}

std::string describe_syntax_error(std::string_view option, std::string_view expr, const ExprSyntaxError& e) {
  std::string out(option);
  out += ": ";
  out += e.what();
  out += " at column " + std::to_string(e.column()) + "\n  ";
  for (char c : expr) out.push_back(c == '\n' || c == '\t' ? ' ' : c);
  out += "\n  " + std::string(e.column() - 1, ' ') + "^";
  return out;
}

}  // namespace ndj
