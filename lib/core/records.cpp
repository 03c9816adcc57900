// Record intake shared by every filter.
#include "core/records.hpp"

#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cursor.hpp"
#include "core/diag.hpp"
#include "core/output.hpp"
#include "core/signals.hpp"

namespace ndj {

RecordReader::RecordReader(const InputOptions& opts, Output& out, Validation validation)
    : opts_(opts), out_(out), validation_(validation), bad_(opts) {}

RecordReader::~RecordReader() {
  if (fd_ > 0) ::close(fd_);
}

bool RecordReader::open_next() {
  if (reader_) {
    if (fd_ > 0) ::close(fd_);
    fd_ = -1;
    reader_.reset();
    bulk_ = {};
    ++index_;
  }
  const size_t n = opts_.files.empty() ? 1 : opts_.files.size();
  while (index_ < n) {
    std::string name = opts_.files.empty() ? "-" : opts_.files[index_];
    if (name == "-") {
      fd_ = 0;
      name_ = "<stdin>";
    } else {
      fd_ = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ < 0) {
        error(name + ": " + errno_text(errno));
        ++unreadable_;
        ++index_;
        continue;
      }
      name_ = name;
    }
    struct stat st;
    streaming_ = fstat(fd_, &st) == 0 && !S_ISREG(st.st_mode);
    if (streaming_) enlarge_pipe(fd_);
    reader_ = std::make_unique<LineReader>(fd_, name_, opts_.max_line);
    if (keep_held_) reader_->keep_held_lines();
    // The hooks write output. Their errors (a full disk, a closed pipe) are
    // held and rethrown once the line reader returns, or next() would take
    // them for read errors of this input.
    reader_->set_wait_hook([this] {
      try {
        int timeout = wait_hook_ ? wait_hook_() : -1;  // may write (a lingering batch)
        out_.flush();
        return timeout;
      } catch (...) {
        hook_error_ = std::current_exception();
        return kStopWaiting;
      }
    });
    if (!opts_.rejects.empty())
      reader_->set_overflow_sink([this](std::string_view part, bool last) {
        // The hook runs before the line's first bytes reach --rejects, so
        // the file keeps the input's order.
        try {
          if (!in_overflow_ && before_bad_line_ && before_bad_line_()) stop_pending_ = true;
        } catch (...) {
          hook_error_ = std::current_exception();
          stop_pending_ = true;
        }
        in_overflow_ = !last;
        if (!stop_pending_) bad_.quarantine_part(part, last);
      });
    return true;
  }
  return false;
}

RecordReader::Status RecordReader::next(Record& rec) {
  if (!reader_ && !open_next()) return Status::kEnd;
  Line line;
  for (;;) {
    LineReader::Status st;
    try {
      st = reader_->next(line);
    } catch (const Error& e) {
      if (hook_error_) std::rethrow_exception(std::exchange(hook_error_, nullptr));
      error(e.what());  // a read error ends this file, not the run
      ++unreadable_;
      st = LineReader::Status::kEof;
    }
    if (hook_error_) std::rethrow_exception(std::exchange(hook_error_, nullptr));
    switch (st) {
      case LineReader::Status::kEof:
        if (!open_next()) return Status::kEnd;
        continue;
      case LineReader::Status::kStopped:
        return Status::kStopped;
      case LineReader::Status::kTooLong:
        // Its bytes were already streamed to --rejects by the overflow sink.
        if (stop_pending_ || (before_bad_line_ && before_bad_line_())) return Status::kStrictStop;
        if (bad_.note(name_, line.number, too_long_reason(line.raw_size, opts_.max_line)))
          return Status::kStrictStop;
        continue;
      case LineReader::Status::kLine:
        break;
    }
    rec.text = line.text;
    rec.file = &name_;
    rec.line = line.number;
    rec.complete = line.complete;
    rec.is_mark = is_mark(line.text);
    if (rec.is_mark) return Status::kRecord;
    if (is_blank(line.text)) continue;
    // A pipe's last line without a newline is used when it is valid JSON
    // (printf '{}' | ndj-X); otherwise its writer stopped mid-line.
    if (!line.complete && streaming_ && parser_.validate(line.text)) {
      bad_.cut_short(name_, line.number);
      continue;
    }
    if (validation_ != Validation::kNone) {
      const char* why = validation_ == Validation::kDom ? parser_.parse(line.text) : validate(line);
      if (why) {
        if (before_bad_line_ && before_bad_line_()) return Status::kStrictStop;
        if (bad_.report(name_, line.number, bad_line_reason(why, line.complete), line.text))
          return Status::kStrictStop;
        continue;
      }
    }
    if (keep_ && !keep_(line.text)) continue;
    return Status::kRecord;
  }
}

// Stage 1 runs once over all the complete lines buffered (up to 4 MiB),
// not once per line; each line then gets the verdict it would get alone.
const char* RecordReader::validate(const Line& line) {
  const char* at = line.text.data();
  if (!line.complete) return parser_.validate(line.text);
  if (bulk_.empty() || bulk_fills_ != reader_->fills() || at < bulk_.data() ||
      at + line.text.size() >= bulk_.data() + bulk_.size()) {
    bulk_ = {};
    std::string_view rest = reader_->pending();
    const void* nl = rest.empty() ? nullptr : ::memrchr(rest.data(), '\n', rest.size());
    if (!nl) return parser_.validate(line.text);  // the buffer's last complete line
    bulk_ = std::string_view(at, static_cast<size_t>(static_cast<const char*>(nl) + 1 - at));
    bulk_fills_ = reader_->fills();
    parser_.index_lines(bulk_);
  }
  return parser_.validate_line(bulk_, static_cast<size_t>(at - bulk_.data()), line.text.size());
}

int RecordReader::exit_code() const {
  if (unreadable_) return kExitFailure;
  return bad_.exit_code();
}

std::optional<int> RecordReader::stop_exit_code(Status st) const {
  if (st == Status::kStrictStop) return kExitDataError;
  if (st == Status::kStopped && !streaming_) return interrupted_exit_code();
  return std::nullopt;
}

bool may_write_report(RecordReader& reader, std::string_view what) {
  reader.bad_lines().finish();
  const size_t n = reader.unreadable_inputs();
  if (n == 0) return true;
  error(std::string(what) + " not written: " + std::to_string(n) + (n == 1 ? " input" : " inputs") +
        " could not be read");
  return false;
}

}  // namespace ndj
