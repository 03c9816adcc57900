// lib/expr/: the one expression language of every tool's --where (and
// ndj-select -w): paths, comparisons on strings, numbers and timestamps,
// regexes, string functions, arithmetic; the record filter built from
// --where, --since and --until. Includes core/, json/ and expr/ only; every
// family and tool may include it.
//
// An expression, parsed once and evaluated on each record's text through
// its structural index (record_view.hpp). The grammar and semantics are
// those of man/ndj-select.1 (EXPRESSIONS):
//   a missing field makes a comparison false, never an error;
//   a comparison of unlike types (a string with a number) is false and
//   counted as a type mismatch of that clause;
//   timestamps compare as instants, numbers exactly as written, strings
//   after their escapes are decoded;
//   a path with "[]" holds when any of its values does.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "expr/record_view.hpp"

namespace ndj {

// A malformed expression: the reason, and the 1-based column it points at.
class ExprSyntaxError : public std::runtime_error {
 public:
  ExprSyntaxError(const std::string& why, size_t column) : std::runtime_error(why), column_(column) {}
  size_t column() const { return column_; }

 private:
  size_t column_;
};

// "OPTION: WHY at column N" and two more lines, the expression and a caret
// under the column, for a usage error.
std::string describe_syntax_error(std::string_view option, std::string_view expr, const ExprSyntaxError& e);

// What one comparison, test or function of an expression saw (--explain).
struct ClauseCount {
  std::string text;         // the clause as written
  uint64_t evaluated = 0;   // records it was evaluated on
  uint64_t held = 0;        // of those, where it held
  uint64_t missing = 0;     // false because a path was missing
  uint64_t mismatched = 0;  // false because of unlike types
};

// A value computed by an expression (an aggregate's argument).
struct ExprValue {
  enum class Kind : uint8_t { kMissing, kNull, kBool, kNumber, kString, kTime, kArray, kObject };
  Kind kind = Kind::kMissing;
  bool boolean = false;
  std::string_view text;  // number text, decoded string, container JSON
  int64_t time = 0;       // kTime, ns since the epoch
};

class Expr {
 public:
  // Throws ExprSyntaxError.
  static Expr parse(std::string_view text);
  Expr(Expr&&) noexcept;
  Expr& operator=(Expr&&) noexcept;
  ~Expr();

  // Whether the record satisfies the expression (a predicate: a bare value
  // holds when it is true). Counts clauses as it goes.
  bool matches(const RecordView& rec);
  // The first value of the expression on the record (kMissing when a path
  // is missing or arithmetic lacks an operand). Valid until the next call.
  ExprValue value(const RecordView& rec);
  // After value() or matches(): whether the record held none of the fields the
  // expression read (it read at least one): a record of another kind,
  // rather than one with a missing operand.
  bool fields_absent() const;

  const std::string& text() const;
  std::vector<ClauseCount> clause_counts() const;
  // The sum of the clauses' type mismatches so far.
  uint64_t mismatches() const;
  // Arithmetic results that were null because an operand was missing or
  // not a number, or a division by zero.
  uint64_t null_results() const;
  // Adds the counts of `other`, the same expression run on other records
  // (another thread's copy).
  void add_counts(const Expr& other);

 private:
  struct Impl;
  explicit Expr(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ndj
