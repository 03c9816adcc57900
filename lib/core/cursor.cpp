// Marks and the cursor file: small JSON documents read with simdjson and
// written by hand, so the format stays exactly as DESIGN.md shows it.
#include "core/cursor.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#if defined(__AVX2__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <cstdio>

#include "core/atomic_file.hpp"
#include "core/diag.hpp"
#include "json/json.hpp"
#include "core/timefmt.hpp"

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
  // Candidates are a '\n' with an 'n' three bytes on ("\n{\"n"): two
  // compares a vector, and is_mark_at checks the few hits.
  size_t i = from - 1;
#if defined(__AVX2__)
  const __m256i nl = _mm256_set1_epi8('\n'), n = _mm256_set1_epi8('n');
  for (; i + 35 <= lines.size(); i += 32) {
    const char* p = lines.data() + i;
    __m256i m = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), nl),
                                 _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 3)), n));
    for (unsigned bits = static_cast<unsigned>(_mm256_movemask_epi8(m)); bits; bits &= bits - 1) {
      size_t at = i + static_cast<size_t>(__builtin_ctz(bits)) + 1;
      if (is_mark_at(at)) return at;
    }
  }
#elif defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n'), n = _mm_set1_epi8('n');
  for (; i + 19 <= lines.size(); i += 16) {
    const char* p = lines.data() + i;
    __m128i m = _mm_and_si128(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), nl),
                              _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 3)), n));
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

CursorState CursorFile::load_state() const {
  CursorState state;
  auto text = read_file(path_);
  if (!text) return state;
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
    CursorEntry e{std::move(*pos), std::string(updated), std::nullopt, 0};
    uint64_t size;
    if (!o["size"].get(size)) e.size = size;
    if (o["seen"].get(e.seen)) e.seen = 0;
    state.files.push_back(std::move(e));
  }
  simdjson::dom::array lost;
  if (!doc["lost"].get(lost)) {
    for (auto l : lost) {
      LostFile f;
      std::string_view path, at;
      uint64_t bytes;
      if (l["path"].get(path) || l["offset"].get(f.offset)) throw corrupt("a \"lost\" item lacks path or offset");
      if (!l["bytes"].get(bytes)) f.bytes = bytes;
      if (!l["at"].get(at)) f.at = at;
      f.path = path;
      state.lost.push_back(std::move(f));
    }
  }
  if (doc["lost_bytes"].get(state.lost_bytes)) state.lost_bytes = 0;
  return state;
}

namespace {

std::string format_state(const CursorState& state) {
  std::string out = "{\"version\":1,\"files\":[";
  for (size_t i = 0; i < state.files.size(); ++i) {
    const CursorEntry& e = state.files[i];
    if (i) out += ",\n  ";
    append_position(out, e.pos);
    if (e.size) out += ",\"size\":" + std::to_string(*e.size);
    if (e.seen) out += ",\"seen\":" + std::to_string(e.seen);
    out += ",\"updated_at\":";
    append_json_string(out, e.updated_at);
    out += "}";
  }
  out += "]";
  if (!state.lost.empty() || state.lost_bytes) {
    out += ",\n \"lost_bytes\":" + std::to_string(state.lost_bytes) + ",\"lost\":[";
    for (size_t i = 0; i < state.lost.size(); ++i) {
      const LostFile& l = state.lost[i];
      if (i) out += ",\n  ";
      out += "{\"path\":";
      append_json_string(out, l.path);
      out += ",\"bytes\":" + (l.bytes ? std::to_string(*l.bytes) : std::string("null"));
      out += ",\"offset\":" + std::to_string(l.offset) + ",\"at\":";
      append_json_string(out, l.at);
      out += "}";
    }
    out += "]";
  }
  out += "}\n";
  return out;
}

CursorEntry* find_entry(CursorState& state, const FilePosition& file) {
  for (auto& e : state.files)
    if (same_file(e.pos, file)) return &e;
  return nullptr;
}

// The name, in `dir`, of the regular file with this device and inode ("").
std::string find_inode(const std::string& dir, uint64_t dev, uint64_t ino) {
  std::string found;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return found;
  while (struct dirent* de = ::readdir(d)) {
    if (de->d_ino != ino) continue;
    std::string p = dir + "/" + de->d_name;
    struct stat st;
    if (::lstat(p.c_str(), &st) == 0 && st.st_dev == dev && st.st_ino == ino && S_ISREG(st.st_mode)) {
      found = std::move(p);
      break;
    }
  }
  ::closedir(d);
  return found;
}

// True if the file at `path` is the one of `pos` (an empty fp: any first line).
bool is_file(const std::string& path, const FilePosition& pos) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat st;
  bool same = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == pos.dev && st.st_ino == pos.ino;
  if (same && !pos.fp.empty()) same = file_fingerprint(fd).value_or("") == pos.fp;
  ::close(fd);
  return same;
}

}  // namespace

std::string locate_file(const FilePosition& pos) {
  if (is_file(pos.path, pos)) return pos.path;
  std::string at = find_inode(parent_dir(pos.path), pos.dev, pos.ino);
  return !at.empty() && is_file(at, pos) ? at : std::string();
}

bool add_new_entries(CursorState& state, const std::vector<CursorEntry>& entries) {
  bool changed = false;
  std::string now = format_rfc3339(now_ns());
  for (const auto& e : entries) {
    if (find_entry(state, e.pos)) continue;
    state.files.push_back(e);
    if (state.files.back().updated_at.empty()) state.files.back().updated_at = now;
    changed = true;
  }
  return changed;
}

bool record_size(CursorState& state, const FilePosition& file, uint64_t size, bool final) {
  CursorEntry* e = find_entry(state, file);
  if (!e) return false;
  if (final) {
    if (e->size == size) return false;
    e->size = size;
  } else {
    if (e->seen >= size) return false;
    e->seen = size;
  }
  return true;
}

bool sweep_shipped(CursorState& state, std::vector<std::string>* dropped) {
  size_t before = state.files.size();
  std::erase_if(state.files, [&](const CursorEntry& e) {
    // Only a final size says the file was read to its end; and while its
    // inode holds other content, a copytruncate copy may still need reading
    // (ndj-tail's start decides that).
    if (!e.size || e.pos.offset < *e.size) return false;
    if (!locate_file(e.pos).empty()) return false;
    FilePosition any_content = e.pos;
    any_content.fp.clear();
    if (!locate_file(any_content).empty()) return false;
    if (dropped) dropped->push_back(e.pos.path);
    return true;
  });
  return state.files.size() != before;
}

bool record_loss(CursorState& state, const FilePosition& file, const LostFile& loss) {
  std::erase_if(state.files, [&](const CursorEntry& e) { return same_file(e.pos, file); });
  state.lost.push_back(loss);
  if (state.lost.size() > CursorFile::kLostKept)
    state.lost.erase(state.lost.begin(), state.lost.end() - CursorFile::kLostKept);
  state.lost_bytes += loss.bytes.value_or(0);
  return true;
}

CursorState CursorFile::update(const std::function<bool(CursorState&)>& edit) const {
  FileLock lock(lock_path());
  return update_locked(edit);
}

CursorState CursorFile::update_locked(const std::function<bool(CursorState&)>& edit) const {
  CursorState state = load_state();
  if (edit(state)) write_file_atomic(path_, format_state(state), 0600);
  return state;
}

namespace {

// A position with no entry whose file is gone while its path has an entry
// of another file: the entry moved on (ndj-prune replaced the file, or
// rotation retired it) and the position is stale.
bool moved_on(const CursorState& state, const FilePosition& p) {
  bool path_known = std::any_of(state.files.begin(), state.files.end(),
                                [&](const CursorEntry& e) { return e.pos.path == p.path; });
  return path_known && locate_file(p).empty();
}

}  // namespace

bool apply_positions(CursorState& state, const std::vector<FilePosition>& positions) {
  bool changed = false;
  std::string now = format_rfc3339(now_ns());
  for (const auto& p : positions) {
    if (CursorEntry* e = find_entry(state, p)) {
      e->pos = p;
      e->updated_at = now;
      changed = true;
    } else if (!moved_on(state, p)) {
      state.files.push_back({p, now, std::nullopt, 0});
      changed = true;
    }
  }
  return changed;
}

CursorState CursorFile::commit(const std::vector<FilePosition>& positions, bool sweep,
                               std::vector<std::string>* dropped) const {
  return update([&](CursorState& state) {
    bool changed = apply_positions(state, positions);
    if (sweep) changed |= sweep_shipped(state, dropped);
    return changed;
  });
}

std::string fingerprint_hex(std::string_view bytes) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(bytes.data(), bytes.size())));
  return hex;
}

std::optional<std::string> head_fingerprint(std::string_view head) {
  head = head.substr(0, kFingerprintBytes);
  size_t nl = head.find('\n');
  if (nl != std::string_view::npos) return fingerprint_hex(head.substr(0, nl + 1));
  if (head.size() == kFingerprintBytes) return fingerprint_hex(head);
  return std::nullopt;
}

std::optional<std::string> file_fingerprint(int fd) {
  char buf[kFingerprintBytes];
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
  return head_fingerprint({buf, got});
}

}  // namespace ndj
