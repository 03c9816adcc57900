// A recursive-descent checker; records are short, so clarity wins over SIMD.
#include "json/json_check.hpp"

#include <charconv>
#include <cstdint>

namespace ndj {

namespace {

constexpr int kMaxDepth = 1024;

// Length of the valid UTF-8 sequence at p (1-4), or 0.
size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
  else return 0;
  if (static_cast<size_t>(end - p) < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

class Checker {
 public:
  explicit Checker(std::string_view t)
      : begin_(reinterpret_cast<const unsigned char*>(t.data())), p_(begin_), end_(p_ + t.size()) {}

  const char* run() {
    skip_ws();
    if (p_ == end_) return "empty document";
    if (!value(0)) return why_;
    skip_ws();
    if (p_ != end_) return "bad structure (missing or extra comma, bracket or brace)";
    return nullptr;
  }

  // Where it stopped: at the fault after run() failed.
  size_t offset() const { return static_cast<size_t>(p_ - begin_); }

 private:
  bool fail(const char* why) {
    why_ = why;
    return false;
  }
  void skip_ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool value(int depth) {
    if (p_ == end_) return fail("truncated (unclosed array or object)");
    switch (*p_) {
      case '{': return container(depth, '}');
      case '[': return container(depth, ']');
      case '"': return string();
      case 't': return literal("true", "bad literal (expected true)");
      case 'f': return literal("false", "bad literal (expected false)");
      case 'n': return literal("null", "bad literal (expected null)");
      default:
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return number();
        return fail("bad structure (missing or extra comma, bracket or brace)");
    }
  }
  bool container(int depth, char close) {
    if (depth + 1 > kMaxDepth) return fail("nesting too deep (limit 1024)");
    ++p_;
    skip_ws();
    if (p_ < end_ && *p_ == close) {
      ++p_;
      return true;
    }
    for (;;) {
      if (close == '}') {
        if (p_ == end_) return fail("truncated (unclosed array or object)");
        if (*p_ != '"') return fail("bad structure (missing or extra comma, bracket or brace)");
        if (!string()) return false;
        skip_ws();
        if (p_ == end_ || *p_ != ':') return fail("bad structure (missing or extra comma, bracket or brace)");
        ++p_;
        skip_ws();
      }
      if (!value(depth + 1)) return false;
      skip_ws();
      if (p_ == end_) return fail("truncated (unclosed array or object)");
      if (*p_ == close) {
        ++p_;
        return true;
      }
      if (*p_ != ',') return fail("bad structure (missing or extra comma, bracket or brace)");
      ++p_;
      skip_ws();
    }
  }
  bool literal(std::string_view word, const char* why) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::string_view(reinterpret_cast<const char*>(p_), word.size()) != word)
      return fail(why);
    p_ += word.size();
    return true;
  }
  bool hex4(uint32_t& v) {
    if (end_ - p_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      unsigned char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') v |= (c | 0x20) - 'a' + 10;
      else return false;
    }
    return true;
  }
  bool string() {
    ++p_;
    for (;;) {
      if (p_ == end_) return fail("unclosed string");
      unsigned char c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return fail("control character inside a string");
      if (c == '\\') {
        if (++p_ == end_) return fail("unclosed string");
        unsigned char e = *p_++;
        if (e == 'u') {
          uint32_t u;
          if (!hex4(u)) return fail("bad string");
          if (u >= 0xDC00 && u <= 0xDFFF) return fail("bad string");  // lone low surrogate
          if (u >= 0xD800 && u <= 0xDBFF) {
            uint32_t low;
            if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u') return fail("bad string");
            p_ += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return fail("bad string");
          }
        } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                   e != 'r' && e != 't') {
          return fail("bad string");
        }
        continue;
      }
      size_t n = utf8_sequence(p_, end_);
      if (n == 0) return fail("invalid UTF-8");
      p_ += n;
    }
  }
  // Any size: JSON sets no limit, and a pass-through tool must not reject
  // 123456789012345678901234567890 or 1e400 (see JsonParser).
  bool number() {
    if (*p_ == '-') ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return fail("bad number");
    if (*p_ == '0') ++p_;
    else while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    if (p_ < end_ && *p_ == '.') {
      if (++p_ == end_ || *p_ < '0' || *p_ > '9') return fail("bad number");
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || *p_ < '0' || *p_ > '9') return fail("bad number");
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    return true;
  }

  const unsigned char* begin_;
  const unsigned char* p_;
  const unsigned char* end_;
  const char* why_ = "bad structure (missing or extra comma, bracket or brace)";
};

}  // namespace

const char* json_check(std::string_view text) { return Checker(text).run(); }

const char* json_check(std::string_view text, size_t& at) {
  Checker c(text);
  const char* why = c.run();
  at = c.offset();
  return why;
}

std::string json_compact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\') out.push_back(text[++i]);
      else if (c == '"') in_string = false;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      out.push_back(c);
      in_string = c == '"';
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view s) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  auto end = p + s.size();
  while (p < end) {
    size_t n = utf8_sequence(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

}  // namespace ndj
