// Checkpoint marks (DESIGN.md §2) and the cursor file (DESIGN.md §3).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

inline constexpr std::string_view kMarkPrefix = "{\"ndj_mark\":";

// The cheap gate: only lines that start with kMarkPrefix can be marks.
inline bool has_mark_prefix(std::string_view line) {
  return line.size() >= kMarkPrefix.size() && line.compare(0, kMarkPrefix.size(), kMarkPrefix) == 0;
}

// A line is a mark only if parse_mark() accepts it: the prefix alone would
// let any record that starts like a mark skip redaction and validation.
bool is_mark(std::string_view line);

// The offset of the first mark line (is_mark) at or after `from` in `lines`
// (complete lines, newline-terminated); npos if none. Scans 16 bytes a step
// for the prefix: lines that look like marks are rare, lines many.
size_t find_mark_line(std::string_view lines, size_t from = 0);

// One file's position: a mark's payload and a cursor entry share it.
struct FilePosition {
  std::string path;  // absolute
  uint64_t dev = 0;
  uint64_t ino = 0;
  std::string fp;  // hex XXH3-64 of the first line
  uint64_t offset = 0;
  bool operator==(const FilePosition&) const = default;
};

// The mark line for a position (no newline).
std::string format_mark(const FilePosition& pos);
// The position in a mark of exactly the shape format_mark writes:
// {"ndj_mark":{"path":STRING,"dev":UINT,"ino":UINT,"fp":HEX16,"offset":UINT}}
// with these keys only, in this order (HEX16: 16 lowercase hex digits);
// whitespace between tokens is allowed. nullopt for anything else.
std::optional<FilePosition> parse_mark(std::string_view line);

struct CursorEntry {
  FilePosition pos;
  std::string updated_at;  // RFC 3339
};

// The cursor file. Writers serialise on flock(PATH.lock); every write
// replaces the file atomically and merges by path: entries it carries are
// updated, the others kept.
class CursorFile {
 public:
  explicit CursorFile(std::string path);
  const std::string& path() const { return path_; }

  // Reads the entries. A missing file is an empty cursor. A corrupt file,
  // or one of another version, throws Error(1) and is left untouched.
  std::vector<CursorEntry> load() const;

  // Under the lock: reload, merge `updates` (updated_at set to now when
  // empty), write atomically.
  void commit(const std::vector<CursorEntry>& updates) const;

  // The same, for a caller that already holds lock() (ndj-prune rewrites a
  // log and its entry in one critical section).
  void commit_locked(const std::vector<CursorEntry>& updates) const;
  std::string lock_path() const { return path_ + ".lock"; }

 private:
  std::string path_;
};

// Hex XXH3-64 of the first line of the file open at fd, newline included,
// at most 4096 bytes; nullopt while the file has no complete first line
// (and fewer than 4096 bytes). Reads with pread: the offset is untouched.
std::optional<std::string> file_fingerprint(int fd);
std::string fingerprint_hex(std::string_view bytes);

}  // namespace ndj
