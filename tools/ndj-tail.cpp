// ndj-tail: read NDJSON log files from a persisted cursor, emit complete
// lines only, interleave checkpoint marks (DESIGN.md §2), and follow the
// files through appends, rotation, truncation and deletion.
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
// With --cursor a mark follows every chunk, and what a killed ndj-tail wrote
// after its last mark is sent again: smaller chunks bound those duplicates
// (a 64 KiB read costs a syscall per few hundred records, nothing).
constexpr size_t kMarkedChunk = size_t{64} << 10;
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

// One file being read: the file at a matched path, or a retired one
// (renamed away or deleted) read to its end before it is closed.
struct Source {
  std::unique_ptr<LogFile> file;
  std::string mark_path;  // absolute: the key of its cursor entry ("" for none)
  FilePosition marked;    // the position last marked, or found in the cursor
  TimeNs last_data = 0;
  bool done = false;      // without --follow: read to its end once
};

class Tailer : public LogLineSink {
 public:
  Tailer(const Options& o, Output& out) : o_(o), out_(out), bad_(o.input), buf_(o.cursor.empty() ? kChunk : kMarkedChunk), watch_(!o.poll) {
    if (!o.cursor.empty()) {
      cursor_ = std::make_unique<CursorFile>(o.cursor);
      entries_ = cursor_->load();  // a corrupt or future cursor ends the run here, untouched
    }
    for (const auto& p : o.paths) dirs_.insert(log_path_dir(p));
  }

  // Expands the PATH arguments, retires the files renamed away or deleted
  // and opens the new ones.
  void scan(bool at_start) {
    std::set<std::string> live;
    for (const auto& pattern : o_.paths) {
      auto found = expand_log_path(pattern);
      if (o_.follow) watch_.watch(log_path_dir(pattern));
      if (at_start && !is_glob(pattern) && !exists(pattern)) {
        if (o_.follow) warn(pattern + ": " + errno_text(ENOENT) + " (waiting for it)");
        else failed_ = true, error(pattern + ": " + errno_text(ENOENT));
        continue;
      }
      live.insert(found.begin(), found.end());
    }
    for (auto& [path, s] : sources_) {
      if (s.file && (s.file->path_moved() || !live.count(path))) retire(s);
    }
    for (const auto& path : live) {
      Source& s = sources_[path];
      if (!s.file && !s.done && exists(path)) open(path, s, at_start);
    }
    std::erase_if(sources_, [&](const auto& kv) { return !kv.second.file && !live.count(kv.first); });
    if (at_start) resume_rotated();
  }

  // Reads one chunk from every open file; returns the bytes read.
  size_t round() {
    size_t total = 0;
    for (auto& [path, s] : sources_) {
      if (s.file) total += step(s);
      if (stop_requested() || strict_stop_) return total;
    }
    for (auto& s : retired_) {
      if (s.file) total += step(s);
      if (stop_requested() || strict_stop_) return total;
    }
    std::erase_if(retired_, [](const Source& s) { return !s.file; });
    return total;
  }

  bool any_open() const {
    for (const auto& s : retired_)
      if (s.file) return true;
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
    for (const auto& s : retired_) due = std::min(due, s.last_data + kRetireGrace);
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
      if (const char* why = parser_.validate(l.text)) return reject(l, std::string("invalid JSON: ") + why);
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

  // Without --validate, only lines that look like marks need a look: found
  // by a scan of the run rather than a visit to every line.
  bool takes_runs() const override { return !o_.validate; }
  size_t lines(std::string_view raw, uint64_t offset) override {
    flush_run();
    size_t written = 0;
    for (size_t at; (at = find_mark_line(raw, written)) != std::string_view::npos;) {
      size_t end = raw.find('\n', at) + 1;
      std::string_view text = raw.substr(at, end - at - 1);
      if (text.back() == '\r') text.remove_suffix(1);
      if (at > written) out_.write(raw.substr(written, at - written));
      if (!reject({offset + at, raw.substr(at, end - at), text}, "line looks like a checkpoint mark; not passed on"))
        return at;
      written = end;
    }
    if (raw.size() > written) out_.write(raw.substr(written));
    return raw.size();
  }

  void overlong_part(std::string_view part, bool last) override { bad_.quarantine_part(part, last); }
  void overlong(uint64_t raw_size, uint64_t offset) override {
    std::string why = "line too long (" + std::to_string(raw_size) + " bytes, --max-line is " +
                      std::to_string(o_.input.max_line) + ")";
    if (bad_.note(current_->path(), current_->line_number_at(offset), why)) strict_stop_ = true;
  }

 private:
  static bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

  void flush_run() {
    if (!run_.empty()) out_.write(run_);
    run_ = {};
  }

  bool reject(const LogLine& l, const std::string& why) {
    if (!bad_.report(current_->path(), current_->line_number_at(l.offset), why, l.text)) return true;
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
    s.mark_path = absolute_path(path);
    s.marked = {};
    s.last_data = now_ns();
    // A file being read, renamed to another matching name: carry on.
    if (Source* from = find_open(f->dev(), f->ino(), &s)) {
      s.file = std::move(from->file);
      s.file->set_path(path);
      return;
    }
    // Only the first file seen at a path may resume from the cursor: a later
    // one replaced it during this run.
    ResumePoint rp;
    if (seen_.insert(path).second) rp = find_resume_point(entries_, *f);
    if (rp.truncated) warn(path + ": shorter than the cursor offset (truncated?): reading from the start");
    if (rp.offset) {
      f->start_at(*rp.offset);
      s.marked = {s.mark_path, f->dev(), f->ino(), f->fingerprint(), *rp.offset};
    } else if (at_start && o_.from_end) {
      f->start_at_end();
    }
    s.file = std::move(f);
  }

  Source* find_open(uint64_t dev, uint64_t ino, const Source* except) {
    for (auto& [path, t] : sources_)
      if (&t != except && t.file && t.file->dev() == dev && t.file->ino() == ino && t.file->path_moved()) return &t;
    for (auto& t : retired_)
      if (t.file && t.file->dev() == dev && t.file->ino() == ino) return &t;
    return nullptr;
  }

  // A file renamed away or deleted is read to its end (and a little
  // longer, for late writers) while the new file at its path is read from 0.
  // Its marks name it where it lives now, so they never overwrite the entry
  // of the new file; a deleted one gets none.
  void retire(Source& s) {
    Source r;
    r.file = std::move(s.file);
    r.last_data = now_ns();
    if (!s.mark_path.empty()) {
      FilePosition where{s.mark_path, r.file->dev(), r.file->ino(), "", 0};
      std::string now_at = locate_entry(where);
      if (!now_at.empty()) r.file->set_path(now_at);
      r.mark_path = now_at.empty() ? "" : absolute_path(now_at);
    }
    retired_.push_back(std::move(r));
  }

  // Files that were rotated while no one was reading: a cursor entry for
  // a file in one of our directories whose inode is still there (under any
  // name no PATH matches) with unread data is finished first.
  void resume_rotated() {
    for (const auto& e : entries_) {
      if (!dirs_.count(parent_dir(e.pos.path))) continue;
      std::string at = locate_entry(e.pos);
      if (at.empty() || find_open(e.pos.dev, e.pos.ino, nullptr) || matched(e.pos.dev, e.pos.ino)) continue;
      try {
        auto f = std::make_unique<LogFile>(at, o_.input.max_line);
        if (f->fingerprint() != e.pos.fp || f->size() <= static_cast<off_t>(e.pos.offset)) continue;
        f->start_at(e.pos.offset);
        Source r;
        r.file = std::move(f);
        r.mark_path = at;
        r.marked = {at, r.file->dev(), r.file->ino(), r.file->fingerprint(), e.pos.offset};
        r.last_data = now_ns();
        retired_.push_back(std::move(r));
      } catch (const Error&) {
        // gone since: nothing left to finish
      }
    }
  }

  bool matched(uint64_t dev, uint64_t ino) const {
    for (const auto& [path, s] : sources_)
      if (s.file && s.file->dev() == dev && s.file->ino() == ino) return true;
    return false;
  }

  size_t step(Source& s) {
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
    bool retired = &s >= retired_.data() && &s < retired_.data() + retired_.size();
    if (!o_.follow) {
      s.file.reset();
      s.done = true;
    } else if (retired && now_ns() - s.last_data >= kRetireGrace) {
      s.file.reset();
    }
    return 0;
  }

  // A mark when the file's position moved since the last one.
  void mark(Source& s) {
    if (!cursor_ || s.mark_path.empty()) return;
    LogFile& f = *s.file;
    FilePosition pos{s.mark_path, f.dev(), f.ino(), f.fingerprint(), f.offset()};
    if (pos.fp.empty() || pos == s.marked) return;
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
  std::set<std::string> dirs_;        // absolute directories of the PATHs
  std::map<std::string, Source> sources_;
  std::vector<Source> retired_;
  std::set<std::string> seen_;
  std::string_view run_;  // lines of the chunk not yet written
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
    t.commit(false);
    if (!o.follow) {
      if (!t.any_open()) break;
      continue;
    }
    DirWatch::Events ev;
    if (n == 0) {
      t.commit(true);
      out.flush();
      if (o.exit_idle && now - last_data >= o.exit_idle) break;
      int timeout = static_cast<int>((o.poll ? o.poll : kRescanEvery) / 1'000'000);
      if (o.exit_idle) timeout = std::min<int64_t>(timeout, (last_data + o.exit_idle - now) / 1'000'000 + 1);
      if (int due = t.retire_due_ms(); due >= 0) timeout = std::min(timeout, due);
      ev = t.watch().wait(timeout);
    } else {
      ev = t.watch().wait(0);  // while busy too: a new file may be rotated away soon
    }
    bool polled = n == 0 && t.watch().polling();
    if (!ev.names && !polled && now_ns() - last_scan < kRescanEvery) continue;
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
