// Tailer: the file set, chunked reads, rotation and marks.
#include "tail/tailer.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "core/atomic_file.hpp"
#include "core/diag.hpp"
#include "core/gzip.hpp"
#include "core/signals.hpp"
#include "json/json_members.hpp"

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
// and looks for entries of files gone after being shipped this often.
constexpr TimeNs kSweepEvery = 5 * kNsPerSec;
// A file truncated or rewritten in place: whatever was appended between the
// last read and the change is gone unless a copy holds it (DESIGN.md §3).
constexpr const char* kLinesMayBeLost = "lines written since the last read may be lost";

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace

Tailer::Tailer(const TailOptions& o, Output& out)
    : o_(o), out_(out), bad_(o.input), buf_(o.cursor.empty() ? kChunk : kMarkedChunk), watch_(!o.poll) {
  if (!o.cursor.empty()) {
    cursor_ = std::make_unique<CursorFile>(o.cursor);
    entries_ = cursor_->load();  // a corrupt or future cursor ends the run here, untouched
  }
  for (const auto& p : o.paths) dirs_.insert(log_path_dir(p));
  if (!o.id_field.empty()) id_key_ = json_string(o.id_field);
  if (!o.source_field.empty()) source_key_ = json_string(o.source_field);
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
  register_sources();
}

size_t Tailer::round() {
  size_t total = 0;
  for (auto& [path, s] : sources_) {
    if (s.file) total += step(s, false);
    if (stop_requested() || strict_stop_) return total;
  }
  for (auto& s : retired_) {
    if (s.file) total += step(s, true);
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
  if (!cursor_ || (pending_.empty() && sizes_.empty())) return;
  if (!force && now_ns() - last_commit_ < kCommitEvery) return;
  out_.flush();
  bool sweep = o_.autocommit && now_ns() - last_sweep_ >= kSweepEvery;
  std::vector<std::string> dropped;
  try {
    cursor_->update([&](CursorState& state) {
      bool changed = apply_positions(state, pending_);
      for (const auto& sz : sizes_) changed |= record_size(state, sz.file, sz.size, sz.final);
      if (sweep) changed |= sweep_shipped(state, &dropped);
      return changed;
    });
  } catch (const Error& e) {
    if (o_.autocommit) throw;
    cursor_unwritable(e);
  }
  if (sweep) last_sweep_ = now_ns();
  if (o_.verbose)
    for (const auto& path : dropped) warn(path + ": gone after it was shipped; dropped from the cursor");
  pending_.clear();
  sizes_.clear();
  last_commit_ = now_ns();
}

int Tailer::retire_due_ms() const {
  TimeNs due = INT64_MAX;
  for (const auto& s : retired_) due = std::min(due, s.last_data + kRetireGrace);
  if (due == INT64_MAX) return -1;
  return static_cast<int>(std::max<TimeNs>(0, due - now_ns()) / 1'000'000 + 1);
}

int Tailer::exit_code() const {
  if (lost_) return kExitLost;
  if (failed_) return kExitFailure;
  if (strict_stop_ || bad_.count()) return kExitDataError;
  return kExitOk;
}

bool Tailer::line(const LogLine& l) {
  if (is_mark(l.text)) return reject(l, "line looks like a checkpoint mark; not passed on");
  if (o_.keep && !is_blank(l.text) && !o_.keep(l.text)) return true;  // --where: not passed on
  if (o_.adds_members() && !is_blank(l.text)) return write_tagged(l);
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
  if (bad_.note(current_->path(), current_->line_number_at(offset), too_long_reason(raw_size, o_.input.max_line)))
    strict_stop_ = true;
}

bool Tailer::write_tagged(const LogLine& l) {
  if (const char* why = parser_.validate(l.text)) return reject(l, std::string("invalid JSON: ") + why);
  Source& s = *current_source_;
  RawMember set[2];
  size_t n = 0;
  if (!id_key_.empty()) {
    id_.clear();
    append_record_id(id_, s.stands_for ? s.stands_for->fp : s.file->fingerprint(), l.offset);
    set[n++] = {id_key_, id_};
  }
  if (!source_key_.empty()) set[n++] = {source_key_, s.stream};
  // The line's bytes around the text: a BOM before it, the newline after.
  size_t head = static_cast<size_t>(l.text.data() - l.raw.data());
  tagged_.assign(l.raw.substr(0, head));
  if (!append_with_members(tagged_, l.text, parser_.structural_indexes(), parser_.structural_count(),
                           {set, n}))
    return reject(l, "not a JSON object: no member can be added");
  tagged_.append(l.raw.substr(head + l.text.size()));
  flush_run();
  out_.write(tagged_);
  return true;
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
  if (!o_.source_field.empty()) s.stream = json_string(stream_of(path, o_.streams));
  s.stands_for.reset();
  s.replaces.reset();
  s.last_data = now_ns();
  // A file being read, renamed to another matching name: carry on.
  if (Source* from = find_open(f->dev(), f->ino(), &s)) {
    s.file = std::move(from->file);
    s.file->set_path(path);
    s.stream = from->stream;
    s.registered = from->registered;
    s.marked = from->marked;
    return;
  }
  // A file that appears during the run may have an entry made since the
  // start: ndj-prune moves a log's entry to the file that replaces it.
  if (cursor_ && !at_start) entries_ = cursor_->load();
  // Only the first file seen at a path may take over an entry by its path:
  // a later one replaced it during this run.
  ResumePoint rp = find_resume_point(entries_, *f, seen_.insert(path).second);
  if (rp.reset == ResumePoint::Reset::kTruncated)
    warn(path + ": truncated since the cursor was written (" + std::to_string(rp.read_before) + " bytes read, now " +
         std::to_string(f->size()) + "): reading from the start; " + kLinesMayBeLost);
  else if (rp.reset == ResumePoint::Reset::kRewritten)
    warn(path + ": first line changed since the cursor was written (" + std::to_string(rp.read_before) +
         " bytes read; rewritten in place?): reading from the start; " + kLinesMayBeLost);
  if (rp.offset) {
    f->start_at(*rp.offset);
    if (rp.known) s.marked = {s.mark_path, f->dev(), f->ino(), f->fingerprint(), *rp.offset};
  } else if (at_start && o_.from_end) {
    f->start_at_end();
  }
  s.registered = !cursor_ || rp.known;
  s.replaces = rp.replaces;
  s.file = std::move(f);
}

Tailer::Source* Tailer::find_open(uint64_t dev, uint64_t ino, const Source* except) {
  for (auto& [path, t] : sources_)
    if (&t != except && t.file && t.file->dev() == dev && t.file->ino() == ino && t.file->path_moved()) return &t;
  for (auto& t : retired_)
    if (t.file && !t.stands_for && t.file->dev() == dev && t.file->ino() == ino) return &t;
  return nullptr;
}

FilePosition Tailer::identity(Source& s) const {
  LogFile& f = *s.file;
  if (s.stands_for) return {s.mark_path, s.stands_for->dev, s.stands_for->ino, s.stands_for->fp, f.offset()};
  return {s.mark_path, f.dev(), f.ino(), f.fingerprint(), f.offset()};
}

bool Tailer::reading(const FilePosition& pos) {
  for (auto& [path, s] : sources_)
    if (s.file && same_file(identity(s), pos)) return true;
  for (auto& s : retired_)
    if (s.file && same_file(identity(s), pos)) return true;
  return false;
}

void Tailer::register_sources() {
  if (!cursor_) return;
  std::vector<Source*> waiting;
  auto wants = [](Source& s) { return s.file && !s.registered && !s.file->fingerprint().empty(); };
  for (auto& [path, s] : sources_)
    if (wants(s)) waiting.push_back(&s);
  for (auto& s : retired_)  // one whose content was replaced while it was finished
    if (wants(s)) waiting.push_back(&s);
  if (waiting.empty()) return;
  std::vector<CursorEntry> add;
  std::vector<FilePosition> drop;
  for (Source* s : waiting) {
    // What the file holds now: if it vanishes before those bytes are
    // shipped, the next run can tell they were lost.
    add.push_back({identity(*s), "", std::nullopt, std::max(s->file->offset(), s->file->complete_end())});
    if (s->replaces) drop.push_back(*s->replaces);
  }
  try {
    cursor_->update([&](CursorState& state) {
      std::erase_if(state.files, [&](const CursorEntry& e) {
        return std::any_of(drop.begin(), drop.end(), [&](const FilePosition& d) { return same_file(d, e.pos); });
      });
      return add_new_entries(state, add) || !drop.empty();
    });
  } catch (const Error& e) {
    cursor_unwritable(e);
  }
  for (Source* s : waiting) {
    s->registered = true;
    s->replaces.reset();
  }
}

void Tailer::cursor_unwritable(const Error& e) {
  // A cursor ndj-tail may only read (someone else's, on a read-only file
  // system) still tells where to start; what it cannot promise is said once.
  if (!cursor_read_only_)
    warn(std::string(e.what()) + ": new files are not recorded in the cursor; one rotated away before "
                                 "its first commit will not be finished by the next run");
  cursor_read_only_ = true;
}

void Tailer::retire(Source& s) {
  Source r;
  r.file = std::move(s.file);
  r.last_data = now_ns();
  r.registered = s.registered;
  r.marked = s.marked;
  r.mark_path = s.mark_path;
  r.stream = s.stream;
  if (!s.mark_path.empty()) {
    FilePosition where{s.mark_path, r.file->dev(), r.file->ino(), "", 0};
    std::string now_at = locate_file(where);
    if (!now_at.empty()) {
      r.file->set_path(now_at);
      r.mark_path = absolute_path(now_at);
    }
  }
  retired_.push_back(std::move(r));
}

void Tailer::finish(std::unique_ptr<LogFile> file, uint64_t offset, std::optional<FilePosition> stands_for) {
  Source r;
  file->start_at(offset);
  r.mark_path = absolute_path(file->path());
  r.file = std::move(file);
  r.stands_for = std::move(stands_for);
  r.registered = true;
  r.marked = identity(r);
  // A file finished at start: the cursor names where it was last read,
  // perhaps under its rotated name; a copy stands for the file it copies.
  if (!o_.source_field.empty()) r.stream = json_string(stream_of(r.stands_for ? r.stands_for->path : r.mark_path, o_.streams));
  r.last_data = now_ns();
  if (o_.verbose) warn(r.file->path() + ": finishing it from offset " + std::to_string(offset));
  retired_.push_back(std::move(r));
}

void Tailer::resume_rotated() {
  if (!cursor_) return;
  std::vector<FilePosition> shipped;
  for (const auto& e : entries_) {
    if (!dirs_.count(parent_dir(e.pos.path)) || reading(e.pos)) continue;
    try {
      if (std::string at = locate_file(e.pos); !at.empty()) {
        auto f = std::make_unique<LogFile>(at, o_.input.max_line);
        if (f->complete_end() > e.pos.offset) finish(std::move(f), e.pos.offset, std::nullopt);
        continue;
      }
      // Gone from where it was. What it held may live on in a copy or a
      // .gz: those know its real end, which the entry may not.
      if (std::string copy = find_copy(e.pos); !copy.empty()) {
        finish(std::make_unique<LogFile>(copy, o_.input.max_line), e.pos.offset, e.pos);
        continue;
      }
      std::string gz = find_gzip(e.pos);
      if (!gz.empty() && o_.rotated_gzip) {
        int fd = gunzip_to_temp(gz);
        auto f = std::make_unique<LogFile>(fd, gz, o_.input.max_line);
        if (f->complete_end() < e.pos.offset)
          throw Error(kExitFailure, gz + ": holds less than the cursor says was shipped of " + e.pos.path);
        finish(std::move(f), e.pos.offset, e.pos);
        continue;
      }
      // Entries without any size (older cursors, marks alone) were taken
      // as complete before; they still are.
      uint64_t known = std::max(e.size.value_or(e.pos.offset), e.seen);
      if (e.pos.offset >= known) {
        shipped.push_back(e.pos);
        if (o_.verbose) warn(e.pos.path + ": gone after it was shipped; dropped from the cursor");
        continue;
      }
      report_loss(e, known - e.pos.offset, gz);
    } catch (const Error& err) {
      error(err.what());
      failed_ = true;
    }
  }
  if (!shipped.empty()) {
    cursor_->update([&](CursorState& state) {
      return std::erase_if(state.files, [&](const CursorEntry& e) {
               return std::any_of(shipped.begin(), shipped.end(),
                                  [&](const FilePosition& s) { return same_file(s, e.pos); });
             }) > 0;
    });
  }
}

void Tailer::report_loss(const CursorEntry& e, uint64_t bytes, const std::string& gz) {
  LostFile loss{e.pos.path, bytes, e.pos.offset, format_rfc3339(now_ns())};
  std::string msg = e.pos.path + ": gone before it was shipped: " + std::to_string(*loss.bytes) +
                    " bytes after offset " + std::to_string(e.pos.offset) + " were never sent";
  if (!gz.empty()) msg += " (compressed to " + gz + ": --rotated-gzip reads it)";
  error(msg);
  lost_ = true;
  cursor_->update([&](CursorState& state) { return record_loss(state, e.pos, loss); });
}

namespace {

// The names of the regular files in `dir`.
std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* de = ::readdir(d)) {
      if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue;
      std::string p = dir + "/" + de->d_name;
      struct stat st;
      if (::lstat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) out.push_back(std::move(p));
    }
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool has_suffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string Tailer::find_copy(const FilePosition& pos) {
  std::set<std::string> live;
  for (const auto& pattern : o_.paths)
    for (auto& p : expand_log_path(pattern)) live.insert(absolute_path(p));
  for (const auto& path : files_in(parent_dir(pos.path))) {
    if (live.count(path) || has_suffix(path, ".gz")) continue;
    try {
      LogFile f(path, o_.input.max_line);
      FilePosition them{path, f.dev(), f.ino(), f.fingerprint(), 0};
      if (them.fp != pos.fp || (them.dev == pos.dev && them.ino == pos.ino) || reading(them)) continue;
      if (std::any_of(entries_.begin(), entries_.end(), [&](const CursorEntry& e) { return same_file(e.pos, them); }))
        continue;  // a file of its own
      if (f.complete_end() >= pos.offset) return path;
    } catch (const Error&) {
      // vanished or unreadable: not the copy
    }
  }
  return "";
}

std::string Tailer::find_gzip(const FilePosition& pos) {
  for (const auto& path : files_in(parent_dir(pos.path))) {
    if (!has_suffix(path, ".gz")) continue;
    std::string head;
    try {
      gunzip_file(path, [&](std::string_view data) {
        head.append(data.substr(0, kFingerprintBytes - head.size()));
        return head.size() < kFingerprintBytes;
      });
    } catch (const Error&) {
      // not gzip, or cut short: judged by what it held
    }
    if (head_fingerprint(head).value_or("") == pos.fp) return path;
  }
  return "";
}

size_t Tailer::step(Source& s, bool retired) {
  LogFile& f = *s.file;
  switch (f.check_rewritten()) {
    case LogFile::Change::kTruncated:
      warn(f.path() + ": truncated (" + std::to_string(f.before_change().offset) + " bytes read, now " +
           std::to_string(f.size()) + "; copytruncate?): reading again from the start; " + kLinesMayBeLost);
      rescue_truncated(s);
      break;
    case LogFile::Change::kReplaced:
      warn(f.path() + ": first line changed (" + std::to_string(f.before_change().offset) +
           " bytes read; rewritten in place?): reading again from the start; " + kLinesMayBeLost);
      rescue_truncated(s);
      break;
    case LogFile::Change::kNone:
      break;
  }
  if (!s.registered) register_sources();
  current_ = &f;
  current_source_ = &s;
  size_t n = 0;
  try {
    if (s.registered) n = f.read(buf_, *this);  // else: no complete first line yet
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
    closed(s, retired);
    s.done = true;
  } else if (retired && now_ns() - s.last_data >= kRetireGrace) {
    closed(s, true);
  }
  return 0;
}

void Tailer::rescue_truncated(Source& s) {
  const auto& [fp_was, offset_was] = s.file->before_change();
  // The file now holds other lines: its new content is a file of its own
  // for the cursor, registered before it is read.
  s.registered = !cursor_;
  s.marked = {};
  if (!cursor_ || fp_was.empty() || s.stands_for) return;
  FilePosition was{s.mark_path, s.file->dev(), s.file->ino(), fp_was, offset_was};
  std::string copy = find_copy(was);
  if (copy.empty()) return;
  try {
    finish(std::make_unique<LogFile>(copy, o_.input.max_line), offset_was, was);
  } catch (const Error& e) {
    error(e.what());
    failed_ = true;
  }
}

void Tailer::closed(Source& s, bool final) {
  // What the cursor keeps of the file's length, so that once the file is
  // gone the next run can tell whether all of it was shipped: final for a
  // file rotated away or deleted, a lower bound for one that may grow.
  if (cursor_ && s.registered && !s.mark_path.empty())
    sizes_.push_back({identity(s), s.file->offset(), final});
  s.file.reset();
}

void Tailer::mark(Source& s) {
  if (!cursor_ || s.mark_path.empty()) return;
  FilePosition pos = identity(s);
  if (pos.fp.empty() || pos == s.marked) return;
  out_.write(format_mark(pos));
  out_.put('\n');
  s.marked = pos;
  if (!o_.autocommit) return;
  std::erase_if(pending_, [&](const FilePosition& p) { return same_file(p, pos); });
  pending_.push_back(pos);
}

}  // namespace ndj
