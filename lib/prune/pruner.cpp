// Retention decisions per line, the filter, and the in-place rewrite.
#include "prune/pruner.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/cursor.hpp"
#include "core/diag.hpp"
#include "prune/log_files.hpp"
#include "prune/log_rewrite.hpp"
#include "core/output.hpp"
#include "core/record_time.hpp"
#include "core/records.hpp"
#include "core/signals.hpp"
#include "expr/record_view.hpp"

namespace ndj {
namespace {

struct FileStats {
  uint64_t kept = 0, pruned = 0, undated = 0, invalid = 0;
  uint64_t bytes_before = 0, bytes_after = 0;
};

// The per-line decision. A record may go when it ends at or before
// `shipped_end` and is older than the cutoff, undated with --drop-undated,
// or needed to go for --max-size; everything else stays.
class Retention {
 public:
  static constexpr uint64_t kAllShipped = UINT64_MAX;
  static constexpr int kWarnLimit = 10;  // undated warnings per file

  Retention(const PruneOptions& o, BadLines& bad) : o_(o), bad_(bad), clock_(o.time) {
    if (o.older_than) cutoff_ = o.now - *o.older_than;
  }

  void start(const std::string& name, uint64_t size, uint64_t shipped_end) {
    name_ = &name;
    size_ = size;
    shipped_end_ = shipped_end;
    stats = {};
  }

  enum class Verdict { kKeep, kDrop, kInvalid };

  // `start` is the line's offset in the file; the line is kept or dropped
  // whole, so the verdict counts its raw bytes.
  Verdict judge(const Line& line, uint64_t start, JsonParser& parser) {
    uint64_t end = start + line.raw_size;
    bool shipped = end <= shipped_end_;
    // The size the file would have if everything from here on were kept.
    uint64_t projected = stats.bytes_after + std::max(size_, end) - start;
    bool too_big = o_.max_size && projected > o_.max_size;
    if (is_mark(line.text) || is_blank(line.text)) return keep(line);
    // Full validation without a DOM; the time and --where's fields are
    // read from the structural index it leaves.
    if (const char* why = parser.validate(line.text)) {
      bad_.report(*name_, line.number, bad_line_reason(why, line.complete), line.text);
      ++stats.invalid;
      return Verdict::kInvalid;
    }
    RecordView view(line.text, parser);
    if (o_.where && o_.where->active() && !o_.where->matches(view)) {
      ++stats.kept;
      return keep(line);
    }
    TimeNs t = 0;
    auto found = RecordTime::Result::kFound;
    if (auto quick = plain_time(view)) {
      t = *quick;
    } else {
      // Anything but a plain RFC 3339 string, and records without a time:
      // the DOM decides, as it always has. A line with a number beyond a
      // double has no DOM: its time is unreadable.
      parser.parse(line.text);
      found = parser.has_root() ? clock_.find(parser.root(), t) : RecordTime::Result::kUnparseable;
    }
    bool old = found == RecordTime::Result::kFound && cutoff_ && t < *cutoff_;
    if (found != RecordTime::Result::kFound) {
      ++stats.undated;
      if (stats.undated <= kWarnLimit)
        line_error(*name_, line.number, "warning: " + undated_reason(found) + " (" + clock_.field_list() +
                                            "); " + (o_.drop_undated && shipped ? "dropped" : "kept"));
      old = o_.drop_undated;
    }
    if (shipped && (old || too_big)) {
      ++stats.pruned;
      return Verdict::kDrop;
    }
    ++stats.kept;
    return keep(line);
  }

  // Bytes kept without being judged (an over-long line, an unfinished tail).
  void keep_raw(uint64_t n) { stats.bytes_after += n; }

  void finish() const {
    if (stats.undated > kWarnLimit)
      warn(*name_ + ": " + std::to_string(stats.undated) + " records without a usable timestamp in total");
  }

  FileStats stats;

 private:
  static std::string undated_reason(RecordTime::Result r) {
    switch (r) {
      case RecordTime::Result::kMissing: return "no timestamp";
      case RecordTime::Result::kNeedsEpoch: return "numeric timestamp needs --epoch";
      default: return "unparseable timestamp";
    }
  }

  // The record's time when the first time field present holds an RFC 3339
  // string without escapes, the common case; nullopt for everything else.
  // Names are top-level members (as RecordTime reads them), not paths.
  std::optional<TimeNs> plain_time(const RecordView& view) const {
    for (const std::string& name : o_.time.names) {
      auto tok = view.member(name);
      if (!tok) continue;
      // The first present field decides.
      if (tok->kind != JsonToken::Kind::kString || tok->escaped) return std::nullopt;
      return parse_rfc3339(tok->raw);
    }
    return std::nullopt;
  }

  Verdict keep(const Line& line) {
    stats.bytes_after += line.raw_size;
    return Verdict::kKeep;
  }

  const PruneOptions& o_;
  BadLines& bad_;
  RecordTime clock_;
  std::optional<TimeNs> cutoff_;
  const std::string* name_ = nullptr;
  uint64_t size_ = 0;
  uint64_t shipped_end_ = Retention::kAllShipped;
};

// `action` (with -i only): what the rewrite would do.
void print_stats(Output& out, const std::string& name, const FileStats& s, const char* action) {
  std::string line = "{\"file\":" + json_string(name);
  line += ",\"kept\":" + std::to_string(s.kept) + ",\"pruned\":" + std::to_string(s.pruned);
  line += ",\"undated\":" + std::to_string(s.undated) + ",\"invalid\":" + std::to_string(s.invalid);
  line += ",\"bytes_before\":" + std::to_string(s.bytes_before);
  line += ",\"bytes_after\":" + std::to_string(s.bytes_after);
  if (action) {
    line += ",\"action\":";
    line += json_string(action);
  }
  line += "}\n";
  out.write(line);
}

// The cursor entry that describes the file open at fd, if any: the same
// device, inode and first line, under whatever name.
std::optional<CursorEntry> find_entry(const std::vector<CursorEntry>& entries, int fd, const struct stat& st) {
  auto fp = file_fingerprint(fd);
  if (!fp) return std::nullopt;
  FilePosition file{"", static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), *fp, 0};
  for (const auto& e : entries)
    if (same_file(e.pos, file)) return e;
  return std::nullopt;
}

class Pruner {
 public:
  explicit Pruner(const PruneOptions& o)
      : o_(o), bad_(o.input), rules_(o, bad_), cursor_(o.cursor), out_(1) {}

  int run() {
    if (!o_.cursor.empty() && o_.in_place && !o_.dry_run) remove_stale_temps(o_.cursor);
    std::vector<std::string> files = expand_log_dirs(o_.input.files.empty() ? std::vector<std::string>{"-"}
                                                                          : o_.input.files);
    for (const auto& f : files) {
      if (stop_requested()) break;
      try {
        if (o_.in_place && !o_.dry_run) rewrite(f);
        else filter(f);
      } catch (const Error& e) {
        error(e.what());
        failed_ = true;
      }
      if (bad_.strict() && bad_.count()) break;
    }
    out_.flush();
    // Stopping is how a stream from a pipe ends; for files it is an interruption.
    if (stop_requested()) return streaming_ ? kExitOk : interrupted_exit_code();
    if (failed_) return kExitFailure;
    return bad_.exit_code();
  }

 private:
  // Where shipping has got to in the file open at fd (kAllShipped without
  // --cursor; 0 for a file the cursor does not know: nothing is shipped).
  uint64_t shipped_end(const std::string& name, int fd, const struct stat& st,
                       std::optional<CursorEntry>& entry) {
    entry.reset();
    if (o_.cursor.empty()) return Retention::kAllShipped;
    entry = find_entry(cursor_.load(), fd, st);
    if (!entry) return 0;
    if (entry->pos.offset > static_cast<uint64_t>(st.st_size)) {
      warn(name + ": cursor offset is past the end of the file (truncated?); nothing pruned");
      entry.reset();
      return 0;
    }
    return entry->pos.offset;
  }

  // Filter mode and --dry-run: records to stdout, or one stats line.
  void filter(const std::string& arg) {
    bool is_stdin = arg == "-";
    std::string name = is_stdin ? "<stdin>" : arg;
    int fd = is_stdin ? 0 : ::open(arg.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(kExitFailure, arg + ": " + errno_text(errno));
    struct Closer {
      int fd;
      ~Closer() { if (fd > 0) ::close(fd); }
    } closer{fd};
    struct stat st;
    if (::fstat(fd, &st) != 0) throw Error(kExitFailure, arg + ": " + errno_text(errno));
    if (o_.max_size && !S_ISREG(st.st_mode))
      throw Error(kExitFailure, name + ": --max-size needs a regular file");
    std::optional<CursorEntry> entry;
    rules_.start(name, static_cast<uint64_t>(st.st_size), shipped_end(name, fd, st, entry));
    streaming_ = !S_ISREG(st.st_mode);
    if (streaming_) enlarge_pipe(fd);
    LineReader reader(fd, name, o_.input.max_line);
    if (!o_.input.rejects.empty())
      reader.set_overflow_sink([this](std::string_view part, bool last) { bad_.quarantine_part(part, last); });
    reader.set_wait_hook([this] {
      out_.flush();  // a pipeline fed by `ndj-tail -f` sees records promptly
      return -1;
    });
    Line line;
    LineReader::Status s;
    uint64_t written = 0;
    while ((s = reader.next(line)) != LineReader::Status::kEof && !stop_requested()) {
      if (s == LineReader::Status::kStopped) break;
      uint64_t start = reader.offset() - line.raw_size;
      if (s == LineReader::Status::kTooLong) {
        bad_.note(name, line.number, too_long_reason(line.raw_size, o_.input.max_line));
        ++rules_.stats.invalid;
        if (o_.in_place) rules_.keep_raw(line.raw_size);
      } else if (o_.in_place && !line.complete) {
        rules_.keep_raw(line.raw_size);  // a writer is still writing it
      } else if (streaming_ && !line.complete && !is_blank(line.text) && parser_.validate(line.text)) {
        bad_.cut_short(name, line.number);
      } else if (rules_.judge(line, start, parser_) == Retention::Verdict::kKeep &&
                 !is_blank(line.text)) {
        written += line.text.size() + 1;
        if (!o_.dry_run) {
          out_.write(line.text);
          out_.put('\n');
        }
      }
      if (bad_.strict() && bad_.count()) break;
    }
    rules_.finish();
    rules_.stats.bytes_before = reader.offset();
    if (!o_.in_place) rules_.stats.bytes_after = written;
    if (!o_.dry_run) return;
    const char* action = nullptr;
    if (o_.in_place) {
      bool empty = rules_.stats.bytes_after == 0 && entry_covers_all(entry, reader.offset());
      action = rules_.stats.pruned == 0 ? "none" : empty ? "remove" : "rewrite";
    }
    print_stats(out_, name, rules_.stats, action);
  }

  bool entry_covers_all(const std::optional<CursorEntry>& entry, uint64_t size) const {
    return !o_.cursor.empty() && entry && entry->pos.offset == size;
  }

  void rewrite(const std::string& path) {
    try {
      for (int attempt = 0; attempt < 3; ++attempt) {
        // Replaced meanwhile, and now gone (logrotate removing old files):
        // what was to be pruned went with it, and a rename must not bring
        // it back.
        struct stat st;
        if (attempt > 0 && ::lstat(path.c_str(), &st) != 0 && errno == ENOENT) {
          warn(path + ": removed by another process during the prune; nothing to do");
          return;
        }
        if (rewrite_once(path)) return;
      }
    } catch (const SymlinkRefused& e) {
      // Whoever can write the directory could point a link at any file
      // (SECURITY CONSIDERATIONS in the man page). A refused lock file, or a
      // link swapped in during a run with --follow-symlinks, is an error.
      if (e.path() != path || o_.follow_symlinks) throw;
      warn(path + ": is a symbolic link; not rewritten (--follow-symlinks to rewrite its target)");
      failed_ = true;
      return;
    } catch (const Error& e) {
      std::string msg = e.what();
      if (msg.rfind(path, 0) != 0) msg = path + ": " + msg;  // Output's errors name no file
      throw Error(e.code(), msg);
    }
    throw Error(kExitFailure, path + ": replaced by another process three times; left alone");
  }

  static constexpr uint64_t kWritebackEvery = uint64_t{16} << 20;

  // False when another process replaced the file meanwhile (try again).
  bool rewrite_once(const std::string& path) {
    LogRewrite rw(path, o_.follow_symlinks);
    std::optional<CursorEntry> entry;
    uint64_t shipped = shipped_end(path, rw.source_fd(), rw.source_stat(), entry);
    rules_.start(path, static_cast<uint64_t>(rw.source_stat().st_size), shipped);
    if (shipped == 0) return true;  // nothing may go
    LineReader reader(rw.source_fd(), path, o_.input.max_line);
    if (!o_.input.rejects.empty())
      reader.set_overflow_sink([this](std::string_view part, bool last) { bad_.quarantine_part(part, last); });
    Output temp(rw.temp_fd());
    uint64_t removed = 0;  // bytes dropped, all before `shipped`
    uint64_t tail = 0;     // where the part not judged starts
    uint64_t unsynced = 0;
    Line line;
    LineReader::Status s;
    while ((s = reader.next(line)) != LineReader::Status::kEof) {
      if (s == LineReader::Status::kStopped || stop_requested()) return true;
      uint64_t start = reader.offset() - line.raw_size;
      if (s == LineReader::Status::kTooLong) {
        // Kept whatever its age: it cannot be read, so it is not ours to drop.
        bad_.note(path, line.number, too_long_reason(line.raw_size, o_.input.max_line) + "; kept");
        ++rules_.stats.invalid;
        temp.flush();
        rw.copy_range(start, reader.offset());
        rules_.keep_raw(line.raw_size);
        tail = reader.offset();
        continue;
      }
      if (!line.complete) break;  // a writer is still writing it
      if (rules_.judge(line, start, parser_) == Retention::Verdict::kDrop) {
        removed += line.raw_size;
      } else {
        temp.write(line.raw);
        if ((unsynced += line.raw_size) >= kWritebackEvery) {
          temp.flush();
          rw.start_writeback();
          unsynced = 0;
        }
      }
      tail = reader.offset();
      if (bad_.strict() && bad_.count()) return true;
    }
    rules_.finish();
    if (rules_.stats.pruned == 0) return true;
    temp.flush();
    rw.sync_temp();
    if (stop_requested()) return true;
    if (!rw.lock()) return false;
    uint64_t end = rw.copy_appended(tail);
    uint64_t new_size = end - removed;
    bool remove = new_size == 0 && entry_covers_all(entry, end);
    if (o_.cursor.empty()) {
      if (remove) rw.remove();
      else rw.replace();
      return true;
    }
    // The entry is rewritten before the rename: a crash in between leaves
    // the old file with an entry whose offset is smaller (resent records,
    // never skipped ones).
    FileLock cursor_lock(cursor_.lock_path());
    std::optional<CursorEntry> now;
    for (const auto& e : cursor_.load())
      if (same_file(e.pos, entry->pos)) now = e;
    if (!now || now->pos.offset < entry->pos.offset) {
      warn(path + ": its cursor entry changed during the prune; left as it was");
      return true;
    }
    // A removed file keeps its entry, fully shipped, until a commit sweeps it.
    if (remove) {
      rw.remove();
      return true;
    }
    // The entry moves to the new file in the same write that drops the old
    // one: a mark for the old file committed later finds no entry and no
    // file, and is dropped (CursorFile::commit) instead of bringing back an
    // offset into a file that no longer exists.
    CursorEntry updated = *now;
    updated.updated_at.clear();
    struct stat nst = rw.temp_stat();
    updated.pos.path = absolute_path(path);
    updated.pos.dev = nst.st_dev;
    updated.pos.ino = nst.st_ino;
    updated.pos.fp = file_fingerprint(rw.temp_fd()).value_or("");
    updated.pos.offset = now->pos.offset - removed;
    if (updated.size) updated.size = std::max(*updated.size, now->pos.offset) - removed;
    updated.seen = std::max(updated.seen, now->pos.offset) - removed;
    auto swap_entry = [&](const CursorEntry& out, const CursorEntry& in) {
      cursor_.update_locked([&](CursorState& state) {
        std::erase_if(state.files, [&](const CursorEntry& e) { return same_file(e.pos, out.pos); });
        add_new_entries(state, {in});
        return true;
      });
    };
    swap_entry(*now, updated);
    try {
      rw.replace();
    } catch (const Error&) {
      swap_entry(updated, *now);
      throw;
    }
    return true;
  }

  const PruneOptions& o_;
  BadLines bad_;
  Retention rules_;
  CursorFile cursor_;
  Output out_;
  JsonParser parser_;
  bool failed_ = false;
  bool streaming_ = false;  // the input in hand is a pipe or terminal
};

}  // namespace

int prune(const PruneOptions& o) { return Pruner(o).run(); }

}  // namespace ndj
