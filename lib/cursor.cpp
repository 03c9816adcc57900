// Marks and the cursor file: small JSON documents read with simdjson and
// written by hand, so the format stays exactly as DESIGN.md shows it.
#include "cursor.hpp"

#include <simdjson.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <cstdio>

#include "atomic_file.hpp"
#include "diag.hpp"
#include "json.hpp"
#include "timefmt.hpp"

namespace ndj {

namespace {

void append_position(std::string& out, const FilePosition& p) {
  out += "{\"path\":";
  append_json_string(out, p.path);
  out += ",\"dev\":" + std::to_string(p.dev);
  out += ",\"ino\":" + std::to_string(p.ino);
  out += ",\"fp\":";
  append_json_string(out, p.fp);
  out += ",\"offset\":" + std::to_string(p.offset);
}

// Reads a position object; nullopt (with `why`) if a field is missing.
std::optional<FilePosition> read_position(simdjson::dom::object o, std::string& why) {
  FilePosition p;
  std::string_view path, fp;
  if (o["path"].get(path)) { why = "missing \"path\""; return std::nullopt; }
  if (o["dev"].get(p.dev)) { why = "missing or bad \"dev\""; return std::nullopt; }
  if (o["ino"].get(p.ino)) { why = "missing or bad \"ino\""; return std::nullopt; }
  if (o["fp"].get(fp)) { why = "missing \"fp\""; return std::nullopt; }
  if (o["offset"].get(p.offset)) { why = "missing or bad \"offset\""; return std::nullopt; }
  p.path = path;
  p.fp = fp;
  return p;
}

}  // namespace

size_t find_mark_line(std::string_view lines, size_t from) {
  auto is_mark_at = [&](size_t i) {
    if (!has_mark_prefix(lines.substr(i))) return false;
    std::string_view line = lines.substr(i, lines.find('\n', i) - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return is_mark(line);
  };
  if (from == 0 && is_mark_at(0)) return 0;
  if (from == 0) from = 1;
  // Look for "\n{\"n" and check the rest of the prefix at each hit.
  size_t i = from - 1;
#ifdef __SSE2__
  const __m128i nl = _mm_set1_epi8('\n'), brace = _mm_set1_epi8('{'), quote = _mm_set1_epi8('"'),
                n = _mm_set1_epi8('n');
  for (; i + 19 <= lines.size(); i += 16) {
    const char* p = lines.data() + i;
    __m128i m = _mm_and_si128(
        _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), nl),
                      _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1)), brace)),
        _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2)), quote),
                      _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 3)), n)));
    for (unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(m)); bits; bits &= bits - 1) {
      size_t at = i + static_cast<size_t>(__builtin_ctz(bits)) + 1;
      if (is_mark_at(at)) return at;
    }
  }
#endif
  for (; i + 1 < lines.size(); ++i) {
    if (lines[i] == '\n' && is_mark_at(i + 1)) return i + 1;
  }
  return std::string_view::npos;
}

std::string format_mark(const FilePosition& pos) {
  std::string out(kMarkPrefix);
  append_position(out, pos);
  out += "}}";
  return out;
}

bool is_mark(std::string_view line) { return has_mark_prefix(line) && parse_mark(line); }

std::optional<FilePosition> parse_mark(std::string_view line) {
  if (!has_mark_prefix(line)) return std::nullopt;
  // Lines with the prefix are rare: one parser per thread is plenty.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object root, o;
  if (parser.parse(line.data(), line.size(), true).get(root)) return std::nullopt;
  if (root.size() != 1 || root["ndj_mark"].get(o)) return std::nullopt;
  // Exactly the keys format_mark writes, in its order: a record that merely
  // resembles a mark (extra keys, other types) must stay a record.
  static constexpr std::string_view kKeys[] = {"path", "dev", "ino", "fp", "offset"};
  simdjson::dom::element values[5];
  size_t n = 0;
  for (auto field : o) {
    if (n == 5 || field.key != kKeys[n]) return std::nullopt;
    values[n++] = field.value;
  }
  if (n != 5) return std::nullopt;
  FilePosition p;
  std::string_view path, fp;
  if (values[0].get(path) || values[1].get(p.dev) || values[2].get(p.ino) || values[3].get(fp) ||
      values[4].get(p.offset))
    return std::nullopt;
  if (fp.size() != 16 || fp.find_first_not_of("0123456789abcdef") != std::string_view::npos)
    return std::nullopt;
  p.path = path;
  p.fp = fp;
  return p;
}

CursorFile::CursorFile(std::string path) : path_(std::move(path)) {}

std::vector<CursorEntry> CursorFile::load() const {
  std::vector<CursorEntry> entries;
  auto text = read_file(path_);
  if (!text) return entries;
  auto corrupt = [&](const std::string& why) {
    return Error(kExitFailure, path_ + ": corrupt cursor file: " + why +
                                   " (left untouched; move it away to start over)");
  };
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::padded_string padded(*text);
  if (auto err = parser.parse(padded).get(doc)) throw corrupt(json_error_reason(err));
  int64_t version;
  if (doc["version"].get(version)) throw corrupt("missing \"version\"");
  if (version != 1)
    throw Error(kExitFailure, path_ + ": cursor file version " + std::to_string(version) +
                                  " is not supported (this ndj reads version 1); left untouched");
  simdjson::dom::array files;
  if (doc["files"].get(files)) throw corrupt("missing \"files\" array");
  for (auto f : files) {
    simdjson::dom::object o;
    if (f.get(o)) throw corrupt("an entry is not an object");
    std::string why;
    auto pos = read_position(o, why);
    if (!pos) throw corrupt(why);
    std::string_view updated;
    if (o["updated_at"].get(updated)) updated = "";
    entries.push_back({std::move(*pos), std::string(updated)});
  }
  return entries;
}

void CursorFile::commit(const std::vector<CursorEntry>& updates) const {
  FileLock lock(lock_path());
  commit_locked(updates);
}

void CursorFile::commit_locked(const std::vector<CursorEntry>& updates) const {
  std::vector<CursorEntry> entries = load();
  std::string now = format_rfc3339(now_ns());
  for (const auto& u : updates) {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const CursorEntry& e) { return e.pos.path == u.pos.path; });
    CursorEntry e = u;
    if (e.updated_at.empty()) e.updated_at = now;
    if (it == entries.end()) entries.push_back(std::move(e));
    else *it = std::move(e);
  }
  std::string out = "{\"version\":1,\"files\":[";
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ",\n  ";
    append_position(out, entries[i].pos);
    out += ",\"updated_at\":";
    append_json_string(out, entries[i].updated_at);
    out += "}";
  }
  out += "]}\n";
  write_file_atomic(path_, out, 0600);
}

std::string fingerprint_hex(std::string_view bytes) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(bytes.data(), bytes.size())));
  return hex;
}

std::optional<std::string> file_fingerprint(int fd) {
  char buf[4096];
  size_t got = 0;
  while (got < sizeof buf) {
    ssize_t n = ::pread(fd, buf + got, sizeof buf - got, static_cast<off_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  const void* nl = std::memchr(buf, '\n', got);
  if (nl) return fingerprint_hex({buf, static_cast<size_t>(static_cast<const char*>(nl) - buf) + 1});
  if (got == sizeof buf) return fingerprint_hex({buf, got});
  return std::nullopt;
}

}  // namespace ndj
