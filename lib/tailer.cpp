// Tailer: the file set, chunked reads, rotation and marks.
#include "tailer.hpp"

#include <unistd.h>

#include <algorithm>

#include "atomic_file.hpp"
#include "diag.hpp"
#include "signals.hpp"

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
// A file renamed away or deleted is still read this long after its last
// data, for writers that hold it open until they notice the rotation.
constexpr TimeNs kRetireGrace = kNsPerSec;
// --autocommit writes the cursor at most this often while catching up.
constexpr TimeNs kCommitEvery = kNsPerSec;

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace

Tailer::Tailer(const TailOptions& o, Output& out)
    : o_(o), out_(out), bad_(o.input), buf_(o.cursor.empty() ? kChunk : kMarkedChunk), watch_(!o.poll) {
  if (!o.cursor.empty()) {
    cursor_ = std::make_unique<CursorFile>(o.cursor);
    entries_ = cursor_->load();  // a corrupt or future cursor ends the run here, untouched
  }
  for (const auto& p : o.paths) dirs_.insert(log_path_dir(p));
}

void Tailer::scan(bool at_start) {
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

size_t Tailer::round() {
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

bool Tailer::any_open() const {
  for (const auto& s : retired_)
    if (s.file) return true;
  for (const auto& [path, s] : sources_)
    if (s.file) return true;
  return false;
}

void Tailer::commit(bool force) {
  if (pending_.empty() || (!force && now_ns() - last_commit_ < kCommitEvery)) return;
  out_.flush();
  cursor_->commit(pending_);
  pending_.clear();
  last_commit_ = now_ns();
}

int Tailer::retire_due_ms() const {
  TimeNs due = INT64_MAX;
  for (const auto& s : retired_) due = std::min(due, s.last_data + kRetireGrace);
  if (due == INT64_MAX) return -1;
  return static_cast<int>(std::max<TimeNs>(0, due - now_ns()) / 1'000'000 + 1);
}

int Tailer::exit_code() const {
  if (failed_) return kExitFailure;
  if (strict_stop_ || bad_.count()) return kExitDataError;
  return kExitOk;
}

bool Tailer::line(const LogLine& l) {
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

size_t Tailer::lines(std::string_view raw, uint64_t offset) {
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

void Tailer::overlong(uint64_t raw_size, uint64_t offset) {
  std::string why = "line too long (" + std::to_string(raw_size) + " bytes, --max-line is " +
                    std::to_string(o_.input.max_line) + ")";
  if (bad_.note(current_->path(), current_->line_number_at(offset), why)) strict_stop_ = true;
}

void Tailer::flush_run() {
  if (!run_.empty()) out_.write(run_);
  run_ = {};
}

bool Tailer::reject(const LogLine& l, const std::string& why) {
  if (!bad_.report(current_->path(), current_->line_number_at(l.offset), why, l.text)) return true;
  strict_stop_ = true;
  return false;  // left unread: the next run stops at it again
}

void Tailer::open(const std::string& path, Source& s, bool at_start) {
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

Tailer::Source* Tailer::find_open(uint64_t dev, uint64_t ino, const Source* except) {
  for (auto& [path, t] : sources_)
    if (&t != except && t.file && t.file->dev() == dev && t.file->ino() == ino && t.file->path_moved()) return &t;
  for (auto& t : retired_)
    if (t.file && t.file->dev() == dev && t.file->ino() == ino) return &t;
  return nullptr;
}

void Tailer::retire(Source& s) {
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

void Tailer::resume_rotated() {
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

bool Tailer::matched(uint64_t dev, uint64_t ino) const {
  for (const auto& [path, s] : sources_)
    if (s.file && s.file->dev() == dev && s.file->ino() == ino) return true;
  return false;
}

size_t Tailer::step(Source& s) {
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

void Tailer::mark(Source& s) {
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

}  // namespace ndj
