// Checkpoint marks (DESIGN.md §2) and the cursor file (DESIGN.md §3).
#pragma once
#include <cstdint>
#include <functional>
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
  // What ndj-tail knows of the file's length, so that once the file is gone
  // the next run can tell whether all of it was shipped. `size` is final:
  // the end of a file read after it was rotated away or deleted (it grows no
  // more). `seen` is a lower bound: its length when first opened, or at the
  // end of a run without --follow. Entries from before these fields (or from
  // marks alone) have neither.
  std::optional<uint64_t> size;
  uint64_t seen = 0;
};

// A file that vanished with bytes no receiver acknowledged, as ndj-tail found
// it: kept in the cursor so ndj-post's status can report it.
struct LostFile {
  std::string path;
  std::optional<uint64_t> bytes;  // nullopt: the size was not known
  uint64_t offset = 0;            // shipped up to here
  std::string at;                 // RFC 3339, when it was found missing
};

struct CursorState {
  std::vector<CursorEntry> files;
  std::vector<LostFile> lost;  // the newest kLostKept
  uint64_t lost_bytes = 0;     // all bytes ever reported lost
};

// Same file: device, inode and first line all equal (DESIGN.md §3).
inline bool same_file(const FilePosition& a, const FilePosition& b) {
  return a.dev == b.dev && a.ino == b.ino && a.fp == b.fp;
}

// The cursor file. Writers serialise on flock(PATH.lock); every write
// replaces the file atomically and merges: it changes the entries it
// carries, matched by file identity (several files, rotated generations of
// one log, may share a path), and keeps the others.
class CursorFile {
 public:
  static constexpr size_t kLostKept = 100;

  explicit CursorFile(std::string path);
  const std::string& path() const { return path_; }

  // Reads the entries. A missing file is an empty cursor. A corrupt file,
  // or one of another version, throws Error(1) and is left untouched.
  std::vector<CursorEntry> load() const { return load_state().files; }
  CursorState load_state() const;

  // Under the lock: reload, let `edit` change the state, and write it back
  // (atomically) if `edit` returns true. Returns the state as it now is.
  CursorState update(const std::function<bool(CursorState&)>& edit) const;
  // The same, for a caller that already holds the lock (ndj-prune rewrites
  // a log and its entry in one critical section).
  CursorState update_locked(const std::function<bool(CursorState&)>& edit) const;
  std::string lock_path() const { return path_ + ".lock"; }

  // Acknowledged positions (ndj-post, ndj-tail --autocommit): each moves the
  // entry of its file, or adds one. A position for a file that is gone,
  // while its path has an entry of another file, is dropped: a late mark
  // for a log ndj-prune has replaced must not bring back a stale offset. With `sweep`, entries of files that are gone and were
  // fully shipped are dropped too (their paths are added to `dropped`).
  CursorState commit(const std::vector<FilePosition>& positions, bool sweep = false,
                     std::vector<std::string>* dropped = nullptr) const;

 private:
  std::string path_;
};

// Edits of a cursor state, for CursorFile::update.
// Adds entries for files the cursor does not know yet (by identity); true if
// any was added.
bool add_new_entries(CursorState& state, const std::vector<CursorEntry>& entries);
// Moves entries to acknowledged positions (see CursorFile::commit).
bool apply_positions(CursorState& state, const std::vector<FilePosition>& positions);
// Records the final size of a file's entry, or raises its lower bound
// (`final` false); true if it changed.
bool record_size(CursorState& state, const FilePosition& file, uint64_t size, bool final);
// Drops the entries of files whose inode is gone after they were shipped up
// to their final size; their paths go to `dropped`. True if any was.
bool sweep_shipped(CursorState& state, std::vector<std::string>* dropped);
// Records a loss (and drops the entry of that file); true.
bool record_loss(CursorState& state, const FilePosition& file, const LostFile& loss);

// Where the file of a position lives now: its own path if it is still that
// file, else its name in the same directory (renamed: rotated), else ""
// (gone: deleted, or another file reuses its inode).
std::string locate_file(const FilePosition& pos);

// Hex XXH3-64 of the first line of the file open at fd, newline included,
// at most 4096 bytes; nullopt while the file has no complete first line
// (and fewer than 4096 bytes). Reads with pread: the offset is untouched.
std::optional<std::string> file_fingerprint(int fd);
// The same for the first bytes of a file (a decompressed rotated log).
inline constexpr size_t kFingerprintBytes = 4096;
std::optional<std::string> head_fingerprint(std::string_view head);
std::string fingerprint_hex(std::string_view bytes);

}  // namespace ndj
