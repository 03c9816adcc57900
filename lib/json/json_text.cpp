// JSON text helpers that need no parser (kept apart from json.cpp so a tool
// can use them without linking simdjson).
#include "json/json_text.hpp"

#include <cstdint>
#include <cstring>

namespace ndj {
namespace {

// Whether any of the 8 bytes of `w` is below 0x20, '"' or '\\' (the
// exact tests of "Bit Twiddling Hacks": hasless and haszero).
bool needs_escape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
  return (((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash)) & kHigh;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  // Most strings need no escape: skip them 8 bytes at a time.
  size_t start = 0;
  for (uint64_t w; start + 8 <= s.size(); start += 8) {
    std::memcpy(&w, s.data() + start, 8);
    if (needs_escape(w)) break;
  }
  size_t run = 0;  // start of the pending run of bytes needing no escape
  for (size_t i = start; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

bool is_blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

void append_unescaped(std::string_view in, std::string& out) {
  auto hex4 = [&](size_t at) {
    unsigned v = 0;
    for (size_t k = 0; k < 4; ++k) {
      char c = in[at + k];
      v = v * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
  };
  size_t i = 0;
  while (i < in.size()) {
    const char* bs = static_cast<const char*>(std::memchr(in.data() + i, '\\', in.size() - i));
    size_t stop = bs ? static_cast<size_t>(bs - in.data()) : in.size();
    out.append(in.data() + i, stop - i);
    if (!bs) return;
    char c = in[stop + 1];
    i = stop + 2;
    switch (c) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        unsigned cp = hex4(i);
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= in.size() && in[i] == '\\' && in[i + 1] == 'u') {
          unsigned lo = hex4(i + 2);
          if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // lone surrogate (simdjson accepts it)
        if (cp < 0x80) {
          out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
          out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
          out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        break;
      }
      default: out.push_back(c);  // \" \\ \/
    }
  }
}

}  // namespace ndj
