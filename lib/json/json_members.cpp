// A walk over the top-level members of an object by its structural index:
// key, colon, value, then a comma or the closing brace.
#include "json/json_members.hpp"

#include "json/json_structure.hpp"

namespace ndj {

namespace {

// The index of the token after the value starting at token i.
uint32_t skip_value(std::string_view text, const uint32_t* idx, uint32_t n, uint32_t i) {
  char c = text[idx[i]];
  if (c != '{' && c != '[') return i + 1;
  int depth = 0;
  for (; i < n; ++i) {
    char t = text[idx[i]];
    if (t == '{' || t == '[') ++depth;
    else if ((t == '}' || t == ']') && --depth == 0) return i + 1;
  }
  return n;
}

}  // namespace

bool append_with_members(std::string& out, std::string_view text, const uint32_t* idx, uint32_t n,
                         std::span<const RawMember> set) {
  if (n < 2 || text[idx[0]] != '{') return false;
  struct Span {
    size_t begin, end;
    std::string_view value;
  };
  // No allocation per record: a few members at most.
  if (set.size() > kMaxMembers) return false;
  Span replaced[kMaxMembers];
  size_t n_replaced = 0;
  bool found[kMaxMembers] = {};
  size_t last_end = idx[0] + 1;  // where new members go
  bool any = false;
  for (uint32_t i = 1; i + 2 < n && text[idx[i]] == '"';) {
    std::string_view key = text.substr(idx[i], token_end(text, idx, n, i) - idx[i]);
    uint32_t v = i + 2;
    uint32_t next = skip_value(text, idx, n, v);
    size_t end = next - 1 > v ? idx[next - 1] + 1 : token_end(text, idx, n, v);
    for (size_t k = 0; k < set.size(); ++k) {
      if (found[k] || key != set[k].key) continue;
      found[k] = true;
      replaced[n_replaced++] = {idx[v], end, set[k].value};
    }
    any = true;
    last_end = end;
    if (next >= n || text[idx[next]] != ',') break;
    i = next + 1;
  }
  size_t at = 0;
  for (size_t r = 0; r < n_replaced; ++r) {
    out.append(text.substr(at, replaced[r].begin - at)).append(replaced[r].value);
    at = replaced[r].end;
  }
  out.append(text.substr(at, last_end - at));
  for (size_t k = 0; k < set.size(); ++k) {
    if (found[k]) continue;
    if (any) out.push_back(',');
    out.append(set[k].key).push_back(':');
    out.append(set[k].value);
    any = true;
  }
  out.append(text.substr(last_end));
  return true;
}

}  // namespace ndj
