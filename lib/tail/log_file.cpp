// Positional log reading: pread at an explicit position, so the offset a
// mark reports is exactly the bytes consumed, whatever the descriptor did.
#include "tail/log_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/atomic_file.hpp"
#include "core/diag.hpp"

namespace ndj {

namespace {

ssize_t pread_full(int fd, char* buf, size_t n, uint64_t pos) {
  for (;;) {
    ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(pos));
    if (r >= 0 || errno != EINTR) return r;
  }
}

bool has_suffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

LogFile::LogFile(std::string path, size_t max_line) : path_(std::move(path)), max_line_(max_line) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error(kExitFailure, path_ + ": " + errno_text(errno));
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    int err = errno;
    bool regular = S_ISREG(st.st_mode);
    ::close(fd_);
    fd_ = -1;
    throw Error(kExitFailure, path_ + ": " + (regular ? errno_text(err) : "not a regular file"));
  }
  dev_ = st.st_dev;
  ino_ = st.st_ino;
}

LogFile::LogFile(int fd, std::string path, size_t max_line)
    : path_(std::move(path)), max_line_(max_line), fd_(fd) {
  struct stat st;
  if (::fstat(fd_, &st) != 0) throw Error(kExitFailure, path_ + ": " + errno_text(errno));
  dev_ = st.st_dev;
  ino_ = st.st_ino;
}

LogFile::~LogFile() {
  if (fd_ >= 0) ::close(fd_);
}

const std::string& LogFile::fingerprint() {
  if (fp_.empty()) {
    if (auto fp = file_fingerprint(fd_)) fp_ = *fp;
  }
  return fp_;
}

void LogFile::restart_at(uint64_t offset) {
  offset_ = read_pos_ = offset;
  pending_.clear();
  pending_.shrink_to_fit();
  skipping_ = false;
  skipped_ = 0;
  counted_to_ = counted_lines_ = 0;
}

void LogFile::start_at(uint64_t offset) { restart_at(offset); }

void LogFile::start_at_end() { restart_at(complete_end()); }

uint64_t LogFile::complete_end() const {
  // Back up to the last newline so that a partial line being written now is
  // emitted whole once it is complete, never as a fragment.
  off_t end = size();
  char buf[4096];
  uint64_t pos = static_cast<uint64_t>(std::max<off_t>(end, 0));
  while (pos > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(pos, sizeof buf));
    ssize_t r = pread_full(fd_, buf, n, pos - n);
    if (r != static_cast<ssize_t>(n)) break;
    if (const void* nl = memrchr(buf, '\n', n))
      return pos - n + static_cast<size_t>(static_cast<const char*>(nl) - buf) + 1;
    pos -= n;
  }
  return 0;
}

off_t LogFile::size() const {
  struct stat st;
  return ::fstat(fd_, &st) == 0 ? st.st_size : 0;
}

bool LogFile::unlinked() const {
  struct stat st;
  return ::fstat(fd_, &st) == 0 && st.st_nlink == 0;
}

bool LogFile::path_moved() const {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) return true;
  return st.st_dev != dev_ || st.st_ino != ino_;
}

LogFile::Change LogFile::check_rewritten() {
  uint64_t sz = static_cast<uint64_t>(size());
  if (sz < read_pos_) {
    before_ = {offset_ > 0 ? fingerprint() : std::string(), offset_};
    restart_at(0);
    fp_.clear();
    return Change::kTruncated;
  }
  // Rewritten in place, even to the very size that was read (a pread of
  // the first line per look, once the file is read to its end).
  if (!fp_.empty() && offset_ > 0) {
    auto now = file_fingerprint(fd_);
    if (!now || *now != fp_) {
      before_ = {fp_, offset_};
      restart_at(0);
      fp_ = now.value_or("");
      return Change::kReplaced;
    }
  }
  return Change::kNone;
}

uint64_t LogFile::line_number_at(uint64_t offset) {
  if (offset < counted_to_) counted_to_ = counted_lines_ = 0;
  if (counted_to_ == offset) return counted_lines_ + 1;
  std::unique_ptr<char[]> buf(new char[1 << 20]);
  while (counted_to_ < offset) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(offset - counted_to_, 1 << 20));
    ssize_t r = pread_full(fd_, buf.get(), n, counted_to_);
    if (r <= 0) break;
    counted_lines_ += static_cast<uint64_t>(std::count(buf.get(), buf.get() + r, '\n'));
    counted_to_ += static_cast<uint64_t>(r);
  }
  return counted_lines_ + 1;
}

size_t LogFile::read(ChunkBuffer& buf, LogLineSink& sink) {
  if (fingerprint().empty()) return 0;
  ssize_t n = pread_full(fd_, buf.data(), buf.size(), read_pos_);
  if (n < 0) throw Error(kExitFailure, path_ + ": read failed: " + errno_text(errno));
  if (n == 0) return 0;
  read_pos_ += static_cast<uint64_t>(n);
  const char* p = buf.data();
  const char* end = p + n;

  if (skipping_) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* stop = nl ? nl + 1 : end;
    sink.overlong_part({p, static_cast<size_t>((nl ? nl : end) - p)}, nl != nullptr);
    skipped_ += static_cast<uint64_t>(stop - p);
    p = stop;
    if (!nl) return static_cast<size_t>(n);
    skipping_ = false;
    uint64_t start = offset_;
    offset_ += skipped_;
    sink.overlong(skipped_, start);
    skipped_ = 0;
  }

  if (!pending_.empty()) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!nl) {
      hold(p, static_cast<size_t>(end - p), sink);
      return static_cast<size_t>(n);
    }
    pending_.append(p, static_cast<size_t>(nl + 1 - p));
    size_t len = pending_.size();
    pending_.resize(len + kLinePadding, ' ');  // simdjson reads past the end
    bool consumed = emit(pending_.data(), pending_.data() + len, sink);
    pending_.clear();
    if (!consumed) {
      read_pos_ = offset_;
      return static_cast<size_t>(n);
    }
    p = nl + 1;
  }

  if (sink.takes_runs() && max_line_ >= buf.size() && p < end &&
      !(offset_ == 0 && end - p >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0)) {
    // Every complete line here is shorter than the chunk, so than max_line.
    if (const char* last = static_cast<const char*>(memrchr(p, '\n', static_cast<size_t>(end - p)))) {
      size_t size = static_cast<size_t>(last + 1 - p);
      size_t consumed = sink.lines({p, size}, offset_);
      offset_ += consumed;
      if (consumed < size) {
        read_pos_ = offset_;
        return static_cast<size_t>(n);
      }
      p = last + 1;
    }
  }

  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!nl) {
      hold(p, static_cast<size_t>(end - p), sink);
      break;
    }
    if (!emit(p, nl + 1, sink)) {
      read_pos_ = offset_;
      break;
    }
    p = nl + 1;
  }
  return static_cast<size_t>(n);
}

// Keeps the start of a partial line, unless it is already too long to be
// accepted: then it is streamed to the sink and skipped up to its newline.
void LogFile::hold(const char* p, size_t n, LogLineSink& sink) {
  if (pending_.size() + n <= max_line_ + 1) {  // + 1: a CR may end it
    pending_.append(p, n);
    return;
  }
  skipping_ = true;
  skipped_ = pending_.size() + n;
  if (!pending_.empty()) sink.overlong_part(pending_, false);
  sink.overlong_part({p, n}, false);
  pending_.clear();
  pending_.shrink_to_fit();
}

bool LogFile::emit(const char* b, const char* e, LogLineSink& sink) {
  const uint64_t raw_size = static_cast<uint64_t>(e - b);
  const char* start = b;
  const char* stop = e - 1;
  if (stop > start && stop[-1] == '\r') --stop;
  if (offset_ == 0 && stop - start >= 3 && std::memcmp(start, "\xEF\xBB\xBF", 3) == 0) start += 3;
  std::string_view text{start, static_cast<size_t>(stop - start)};
  if (text.size() > max_line_) {
    offset_ += raw_size;
    sink.overlong_part(text, true);
    sink.overlong(raw_size, offset_ - raw_size);
    return true;
  }
  if (!sink.line({offset_, {b, static_cast<size_t>(raw_size)}, text})) return false;
  offset_ += raw_size;
  return true;
}

ResumePoint find_resume_point(const std::vector<CursorEntry>& entries, LogFile& file, bool by_path) {
  ResumePoint r;
  const std::string abs = absolute_path(file.path());
  const std::string& fp = file.fingerprint();
  const FilePosition me{abs, file.dev(), file.ino(), fp, 0};
  auto resume = [&](uint64_t offset) {
    if (offset > static_cast<uint64_t>(file.size())) {
      r.offset = 0;
      r.reset = ResumePoint::Reset::kTruncated;
      r.read_before = offset;
    } else {
      r.offset = offset;
    }
    return r;
  };
  if (!fp.empty()) {
    for (const auto& e : entries) {
      if (!same_file(e.pos, me)) continue;
      r.known = true;
      return resume(e.pos.offset);
    }
    // The same first line at the same path, its inode gone: the file was
    // copied back (restored, moved across file systems).
    for (const auto& e : entries) {
      if (by_path && e.pos.path == abs && e.pos.fp == fp && locate_file(e.pos).empty()) {
        r.replaces = e.pos;
        return resume(e.pos.offset);
      }
    }
  }
  // Another file now has this name: it follows one that was rotated, and is
  // read from its start. The same inode with another first line is the
  // file itself, truncated or rewritten while ndj-tail was not running.
  for (const auto& e : entries) {
    if (e.pos.path != abs) continue;
    r.offset = 0;
    if (e.pos.dev == me.dev && e.pos.ino == me.ino && e.pos.offset > 0) {
      r.reset = e.pos.offset > static_cast<uint64_t>(file.size()) ? ResumePoint::Reset::kTruncated
                                                                   : ResumePoint::Reset::kRewritten;
      r.read_before = e.pos.offset;
    }
  }
  return r;
}

std::string log_path_dir(const std::string& pattern) {
  struct stat st;
  bool dir = !is_glob(pattern) && ::stat(pattern.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  return dir ? absolute_path(pattern) : parent_dir(absolute_path(pattern));
}

bool is_glob(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

std::vector<std::string> expand_log_path(const std::string& pattern) {
  std::vector<std::string> out;
  struct stat st;
  if (!is_glob(pattern)) {
    if (::stat(pattern.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      if (DIR* d = ::opendir(pattern.c_str())) {
        while (struct dirent* de = ::readdir(d)) {
          std::string_view name = de->d_name;
          if (name[0] == '.' || !(has_suffix(name, ".ndjson") || has_suffix(name, ".jsonl"))) continue;
          std::string p = pattern;
          if (p.back() != '/') p += '/';
          p += name;
          if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) out.push_back(std::move(p));
        }
        ::closedir(d);
      }
    } else {
      out.push_back(pattern);
    }
  } else {
    glob_t g;
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i)
        if (::stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode)) out.emplace_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace ndj
