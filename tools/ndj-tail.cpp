// ndj-tail: read NDJSON log files from a persisted cursor, emit complete
// lines only, interleave checkpoint marks (DESIGN.md §2), and follow the
// files through appends, rotation, truncation and deletion.
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "atomic_file.hpp"
#include "cli.hpp"
#include "cursor.hpp"
#include "diag.hpp"
#include "dir_watch.hpp"
#include "json.hpp"
#include "log_file.hpp"
#include "output.hpp"
#include "records.hpp"
#include "signals.hpp"
#include "timefmt.hpp"

namespace ndj {
namespace {

// One chunk per file per round: large enough for full throughput on a
// catch-up (and above Output's buffer, so runs of lines are written
// straight from it), small enough that a busy file cannot starve the others.
constexpr size_t kChunk = size_t{4} << 20;
// How often the patterns are expanded again when no event says so.
constexpr TimeNs kRescanEvery = kNsPerSec;
// A file renamed away or deleted is still read this long after its last
// data, for writers that hold it open until they notice the rotation.
constexpr TimeNs kRetireGrace = kNsPerSec;
// --autocommit writes the cursor at most this often while catching up.
constexpr TimeNs kCommitEvery = kNsPerSec;

struct Options {
  std::vector<std::string> paths;
  std::string cursor;
  bool autocommit = false;
  bool follow = false;
  bool from_end = false;
  bool validate = false;
  int64_t poll = 0;
  int64_t exit_idle = 0;
  InputOptions input;  // --rejects, --strict, --max-line
};

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Read NDJSON log files from a cursor and follow them."};
  setup_app(app, "ndj-tail");
  app.add_option("PATH", o.paths, "Files, directories or quoted globs")->type_name("")->required();
  app.add_option("--cursor", o.cursor, "Resume from FILE; interleave marks")->type_name("FILE");
  app.add_flag("--autocommit", o.autocommit, "Write the marks into the cursor file too");
  app.add_flag("-f,--follow", o.follow, "Keep reading appended data and new files");
  std::string from = "start";
  app.add_option("--from", from, "Where unknown files start: start|end")
      ->type_name("WHERE")
      ->check(CLI::IsMember({"start", "end"}));
  add_duration_option(app, "--poll", o.poll, "Poll this often instead of inotify");
  add_duration_option(app, "--exit-idle", o.exit_idle, "With -f: exit after this long idle");
  app.add_flag("--validate", o.validate, "Check each line is JSON; report the rest");
  app.add_option("--rejects", o.input.rejects, "Append bad lines to FILE (mode 0600)")->type_name("FILE");
  app.add_flag("--strict", o.input.strict, "Stop at the first bad line (exit 65)");
  add_size_option(app, "--max-line", o.input.max_line, "Longest line passed on (default 16M)");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  o.from_end = from == "end";
  if (o.autocommit && o.cursor.empty()) return usage_error("--autocommit needs --cursor");
  if (!o.follow && (o.poll || o.exit_idle)) return usage_error("--poll and --exit-idle need --follow");
  for (const auto& p : o.paths)
    if (p == "-") return usage_error("'-': ndj-tail reads files, not standard input");
  return -1;
}

bool same_position(const FilePosition& a, const FilePosition& b) {
  return a.offset == b.offset && a.ino == b.ino && a.dev == b.dev && a.fp == b.fp && a.path == b.path;
}

// One path being read. `file` may be a rotated-away inode that is finished
// before the file now at the path is opened.
struct Source {
  std::unique_ptr<LogFile> file;
  std::string mark_path;  // absolute: the key of its cursor entry
  FilePosition marked;    // the position last marked or found in the cursor
  bool retired = false;   // renamed away or deleted: finish, then close
  TimeNs last_data = 0;
  bool done = false;      // without --follow: read to its end once
};

class Tailer : public LogLineSink {
 public:
  Tailer(const Options& o, Output& out) : o_(o), out_(out), bad_(o.input), buf_(kChunk), watch_(!o.poll) {
    if (!o.cursor.empty()) {
      cursor_ = std::make_unique<CursorFile>(o.cursor);
      entries_ = cursor_->load();  // a corrupt or future cursor ends the run here, untouched
    }
  }

  // Expands the PATH arguments and opens what is new; notices files
  // renamed away or deleted.
  void scan(bool at_start) {
    std::vector<std::string> matched;
    for (const auto& pattern : o_.paths) {
      auto found = expand_log_path(pattern);
      if (o_.follow) watch_.watch(is_dir(pattern) ? pattern : parent_dir(pattern));
      if (at_start && found.size() == 1 && found[0] == pattern && !is_glob(pattern) && !exists(pattern)) {
        if (o_.follow) warn(pattern + ": " + errno_text(ENOENT) + " (waiting for it)");
        else failed_ = true, error(pattern + ": " + errno_text(ENOENT));
        continue;
      }
      matched.insert(matched.end(), found.begin(), found.end());
    }
    std::set<std::string> live(matched.begin(), matched.end());
    for (auto& [path, s] : sources_) {
      if (s.file && !s.retired && (s.file->path_moved() || !live.count(path))) retire(s);
    }
    for (const auto& path : live) {
      Source& s = sources_[path];
      if (!s.file && !s.done && exists(path)) open(path, s, at_start);
    }
    std::erase_if(sources_, [&](const auto& kv) { return !kv.second.file && !live.count(kv.first); });
  }

  // Reads one chunk from every open file; returns the bytes read.
  size_t round() {
    size_t total = 0;
    for (auto& [path, s] : sources_) {
      if (s.file) total += step(path, s);
      if (stop_requested() || strict_stop_) break;
    }
    return total;
  }

  bool any_open() const {
    for (const auto& [path, s] : sources_)
      if (s.file) return true;
    return false;
  }
  // Writes the marks written to stdout since the last commit into the
  // cursor file, once they have left our buffer.
  void commit(bool force) {
    if (pending_.empty() || (!force && now_ns() - last_commit_ < kCommitEvery)) return;
    out_.flush();
    cursor_->commit(pending_);
    pending_.clear();
    last_commit_ = now_ns();
  }
  // Milliseconds until a retired file may be closed (-1: none waiting).
  int retire_due_ms() const {
    TimeNs due = INT64_MAX;
    for (const auto& [path, s] : sources_)
      if (s.file && s.retired) due = std::min(due, s.last_data + kRetireGrace);
    if (due == INT64_MAX) return -1;
    return static_cast<int>(std::max<TimeNs>(0, due - now_ns()) / 1'000'000 + 1);
  }
  DirWatch& watch() { return watch_; }
  bool strict_stopped() const { return strict_stop_; }
  int exit_code() const {
    if (failed_) return kExitFailure;
    if (strict_stop_ || bad_.count()) return kExitDataError;
    return kExitOk;
  }

  bool line(const LogLine& l) override {
    if (is_mark(l.text)) return reject(l, "line looks like a checkpoint mark; not passed on");
    if (o_.validate && !is_blank(l.text)) {
      if (const char* why = parser_.parse(l.text)) return reject(l, std::string("invalid JSON: ") + why);
    }
    // Lines that follow each other in the chunk are written as one run,
    // without a copy.
    const char* chunk = buf_.data();
    if (l.raw.data() >= chunk && l.raw.data() < chunk + buf_.size()) {
      if (l.raw.data() != run_.data() + run_.size()) {
        flush_run();
        run_ = l.raw;
      } else {
        run_ = {run_.data(), run_.size() + l.raw.size()};
      }
    } else {
      flush_run();
      out_.write(l.raw);
    }
    return true;
  }
  void overlong_part(std::string_view part, bool last) override { bad_.quarantine_part(part, last); }
  void overlong(uint64_t raw_size) override {
    std::string why = "line too long (" + std::to_string(raw_size) + " bytes, --max-line is " +
                      std::to_string(o_.input.max_line) + ")";
    if (bad_.note(*reading_, current_->line_number(), why)) strict_stop_ = true;
  }

 private:
  static bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }
  static bool is_dir(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  void flush_run() {
    if (!run_.empty()) out_.write(run_);
    run_ = {};
  }

  bool reject(const LogLine& l, const std::string& why) {
    if (!bad_.report(*reading_, current_->line_number(), why, l.text)) return true;
    strict_stop_ = true;
    return false;  // left unread: the next run stops at it again
  }

  void open(const std::string& path, Source& s, bool at_start) {
    std::unique_ptr<LogFile> f;
    try {
      f = std::make_unique<LogFile>(path, o_.input.max_line);
    } catch (const Error& e) {
      error(e.what());
      failed_ = true;
      s.done = true;  // not retried every scan
      return;
    }
    // The same inode under a new matching name: it was rotated, carry on.
    for (auto& [other, t] : sources_) {
      if (t.file && other != path && t.file->dev() == f->dev() && t.file->ino() == f->ino() &&
          t.file->path_moved()) {
        t.file->set_path(path);
        adopt(s, path, std::move(t.file));
        t.retired = false;
        return;
      }
    }
    s.marked = {};
    // Only the first file seen at a path may resume from the cursor: a later
    // one replaced it during this run.
    bool first = seen_.insert(path).second;
    ResumePoint rp;
    if (first) rp = find_resume_point(entries_, *f);
    if (rp.truncated) warn(path + ": shorter than the cursor offset (truncated?): reading from the start");
    if (rp.offset) {
      f->start_at(*rp.offset);
      s.marked = {absolute_path(path), f->dev(), f->ino(), f->fingerprint(), *rp.offset};
    } else if (at_start && o_.from_end) {
      f->start_at_end();
    }
    if (rp.remnant && !matched_inode(rp.remnant->dev, rp.remnant->ino)) {
      try {  // finish the rotated-away inode first; this file waits for it
        auto old = std::make_unique<LogFile>(rp.remnant_path, o_.input.max_line);
        if (old->fingerprint() == rp.remnant->fp && old->size() >= static_cast<off_t>(rp.remnant->offset)) {
          old->start_at(rp.remnant->offset);
          adopt(s, path, std::move(old));
          s.marked = *rp.remnant;
          s.retired = true;
          return;
        }
      } catch (const Error&) {
      }
    }
    adopt(s, path, std::move(f));
  }

  void adopt(Source& s, const std::string& path, std::unique_ptr<LogFile> f) {
    s.file = std::move(f);
    s.mark_path = absolute_path(path);
    s.retired = false;
    s.last_data = now_ns();
  }

  bool matched_inode(uint64_t dev, uint64_t ino) const {
    for (const auto& pattern : o_.paths)
      for (const auto& p : expand_log_path(pattern)) {
        struct stat st;
        if (::stat(p.c_str(), &st) == 0 && st.st_dev == dev && st.st_ino == ino) return true;
      }
    return false;
  }

  void retire(Source& s) {
    s.retired = true;
    s.last_data = now_ns();
  }

  size_t step(const std::string& path, Source& s) {
    LogFile& f = *s.file;
    switch (f.check_rewritten()) {
      case LogFile::Change::kTruncated:
        warn(f.path() + ": truncated (copytruncate?): reading again from the start");
        break;
      case LogFile::Change::kReplaced:
        warn(f.path() + ": first line changed (rewritten in place): reading again from the start");
        break;
      case LogFile::Change::kNone:
        break;
    }
    reading_ = &f.path();
    current_ = &f;
    size_t n = 0;
    try {
      n = f.read(buf_, *this);
    } catch (const Error& e) {
      error(e.what());
      failed_ = true;
      s.file.reset();
      s.done = true;
      return 0;
    }
    flush_run();
    mark(s);
    if (n) {
      s.last_data = now_ns();
      return n;
    }
    if (!o_.follow) {
      s.file.reset();
      s.done = !s.retired;
      if (s.retired) open(path, s, false);  // the remnant is finished: now the file itself
    } else if (s.retired && now_ns() - s.last_data >= kRetireGrace) {
      s.file.reset();
      if (exists(path)) open(path, s, false);
    }
    return 0;
  }

  // A mark when the file's position moved since the last one.
  void mark(Source& s) {
    if (!cursor_) return;
    LogFile& f = *s.file;
    FilePosition pos{s.mark_path, f.dev(), f.ino(), f.fingerprint(), f.offset()};
    if (pos.fp.empty() || same_position(pos, s.marked)) return;
    out_.write(format_mark(pos));
    out_.put('\n');
    s.marked = pos;
    if (!o_.autocommit) return;
    std::erase_if(pending_, [&](const CursorEntry& e) { return e.pos.path == pos.path; });
    pending_.push_back({pos, ""});
  }

  const Options& o_;
  Output& out_;
  BadLines bad_;
  JsonParser parser_;
  ChunkBuffer buf_;
  DirWatch watch_;
  std::unique_ptr<CursorFile> cursor_;
  std::vector<CursorEntry> entries_;
  std::vector<CursorEntry> pending_;  // --autocommit: marks not yet committed
  TimeNs last_commit_ = 0;
  std::map<std::string, Source> sources_;
  std::set<std::string> seen_;
  std::string_view run_;  // lines of the chunk not yet written
  const std::string* reading_ = nullptr;
  LogFile* current_ = nullptr;
  bool failed_ = false;
  bool strict_stop_ = false;
};

int run(const Options& o) {
  Output out;
  Tailer t(o, out);
  t.scan(true);
  TimeNs last_data = now_ns(), last_scan = now_ns();
  for (;;) {
    size_t n = t.round();
    TimeNs now = now_ns();
    if (n) last_data = now;
    if (stop_requested() || t.strict_stopped()) break;
    if (!o.follow) {
      if (!t.any_open()) break;
      continue;
    }
    t.commit(false);
    if (n == 0) {
      t.commit(true);
      out.flush();
      if (o.exit_idle && now - last_data >= o.exit_idle) break;
      int timeout = static_cast<int>((o.poll ? o.poll : kRescanEvery) / 1'000'000);
      if (o.exit_idle) timeout = std::min<int64_t>(timeout, (last_data + o.exit_idle - now) / 1'000'000 + 1);
      if (int due = t.retire_due_ms(); due >= 0) timeout = std::min(timeout, due);
      auto ev = t.watch().wait(timeout);
      if (!ev.names && !t.watch().polling() && now_ns() - last_scan < kRescanEvery) continue;
    } else if (now - last_scan < kRescanEvery) {
      continue;
    }
    t.scan(false);
    last_scan = now_ns();
  }
  if (o.autocommit) t.commit(true);
  out.flush();
  if (t.strict_stopped()) return kExitDataError;
  if (stop_requested() && !o.follow) return interrupted_exit_code();
  return t.exit_code();
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-tail", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
