// Walking a record's structural index (see record_view.hpp).
#include "expr/record_view.hpp"

#include <cstring>

#include "json/json_structure.hpp"
#include "json/json_text.hpp"

namespace ndj {

uint32_t RecordView::skip(uint32_t tok) const {
  char c = at(tok);
  if (c != '{' && c != '[') return tok + 1;
  // Brackets inside strings are not structural: depth counts are exact.
  int depth = 0;
  for (uint32_t i = tok; i < n_; ++i) {
    char d = at(i);
    if (d == '{' || d == '[') ++depth;
    else if ((d == '}' || d == ']') && --depth == 0) return i + 1;
  }
  return n_;
}

JsonToken RecordView::token(uint32_t tok) const {
  JsonToken t;
  size_t begin = idx_[tok];
  switch (text_[begin]) {
    case '"': {
      size_t end = token_end(text_, idx_, n_, tok);
      t.kind = JsonToken::Kind::kString;
      t.raw = text_.substr(begin + 1, end - begin - 2);
      t.escaped = has_backslash_ && std::memchr(t.raw.data(), '\\', t.raw.size()) != nullptr;
      return t;
    }
    case '{':
    case '[': {
      uint32_t after = skip(tok);
      t.kind = text_[begin] == '{' ? JsonToken::Kind::kObject : JsonToken::Kind::kArray;
      t.raw = text_.substr(begin, idx_[after - 1] + 1 - begin);
      return t;
    }
    case 't': t.kind = JsonToken::Kind::kTrue; break;
    case 'f': t.kind = JsonToken::Kind::kFalse; break;
    case 'n': t.kind = JsonToken::Kind::kNull; break;
    default: t.kind = JsonToken::Kind::kNumber; break;
  }
  t.raw = text_.substr(begin, token_end(text_, idx_, n_, tok) - begin);
  return t;
}

std::optional<JsonToken> RecordView::member(std::string_view name) const {
  std::optional<JsonToken> found;
  members([&](uint32_t key, uint32_t value) {
    if (!key_is(key, name)) return false;
    found = token(value);
    return true;
  });
  return found;
}

bool RecordView::key_is(uint32_t tok, std::string_view key) const {
  size_t begin = idx_[tok] + 1;
  if (!has_backslash_) {
    // No escapes: the body is the bytes up to the first quote.
    return begin + key.size() < text_.size() && text_[begin + key.size()] == '"' &&
           text_.compare(begin, key.size(), key) == 0;
  }
  // The key's closing quote is the last byte before ':' and blanks.
  size_t end = token_end(text_, idx_, n_, tok) - 1;
  std::string_view body = text_.substr(begin, end - begin);
  // Decoding only shortens, and keeps a first byte that is not a backslash.
  if (body.size() < key.size() || (!body.empty() && body[0] != '\\' && (key.empty() || body[0] != key[0])))
    return false;
  if (std::memchr(body.data(), '\\', body.size()) == nullptr) return body == key;
  std::string plain;
  append_unescaped(body, plain);
  return plain == key;
}

}  // namespace ndj
