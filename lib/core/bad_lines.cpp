// The input options, and reporting and quarantining invalid lines (kept
// apart from the record reader so a tool can use them without linking
// simdjson).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/diag.hpp"
#include "core/format.hpp"
#include "core/bad_lines.hpp"

namespace ndj {

void add_input_options(CLI::App& app, InputOptions& opts) {
  app.add_option("FILE", opts.files, "Input files (none or '-': stdin)")->type_name("");
  add_bad_line_options(app, opts);
}

void add_bad_line_options(CLI::App& app, InputOptions& opts, const InputOptionsHelp& help) {
  app.add_option("--rejects", opts.rejects, help.rejects)->type_name("FILE");
  app.add_flag("--strict", opts.strict, help.strict);
  add_size_option(app, "--max-line", opts.max_line, help.max_line);
  add_count_option(app, "--max-errors", opts.max_errors, "Bad lines reported per input (100; 0: all)", 0);
}

BadLines::BadLines(const InputOptions& opts)
    : rejects_path_(opts.rejects), strict_(opts.strict), max_errors_(opts.max_errors) {}

BadLines::~BadLines() {
  finish();
  if (rejects_fd_ >= 0) ::close(rejects_fd_);
}

void BadLines::append_rejects(std::string_view data) {
  if (rejects_path_.empty()) return;
  if (rejects_fd_ < 0) {
    // Never through a link: whoever can write the directory could aim one
    // at any file.
    rejects_fd_ = open_no_follow(rejects_path_, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (rejects_fd_ < 0) throw Error(kExitFailure, rejects_path_ + ": " + errno_text(errno));
  }
  while (!data.empty()) {
    ssize_t n = ::write(rejects_fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(kExitFailure, rejects_path_ + ": write failed: " + errno_text(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

bool BadLines::note(std::string_view file, uint64_t line, std::string_view reason) {
  ++count_;
  if (last_input_ >= inputs_.size() || inputs_[last_input_].name != file) {
    last_input_ = 0;
    while (last_input_ < inputs_.size() && inputs_[last_input_].name != file) ++last_input_;
    if (last_input_ == inputs_.size()) inputs_.push_back({std::string(file)});
  }
  InputCount& in = inputs_[last_input_];
  if (max_errors_ == 0 || in.shown < max_errors_) {
    ++in.shown;
    line_error(file, line, reason);
  } else {
    ++in.hidden;
  }
  return strict_;
}

void BadLines::finish() {
  for (const InputCount& in : inputs_) {
    if (in.hidden == 0) continue;
    std::string text = in.name + ": ... and " + grouped_digits(in.hidden) + " more bad line" +
                       (in.hidden == 1 ? "" : "s") + " (--max-errors " + std::to_string(max_errors_);
    if (!rejects_path_.empty()) text += "; all are in " + rejects_path_;
    error(text + ")");
  }
  inputs_.clear();
}

bool BadLines::report(std::string_view file, uint64_t line, std::string_view reason,
                      std::string_view raw) {
  note(file, line, reason);
  if (!rejects_path_.empty()) {
    std::string buf;
    buf.reserve(raw.size() + 1);
    buf.append(raw).push_back('\n');
    append_rejects(buf);
  }
  return strict_;
}

void BadLines::cut_short(std::string_view file, uint64_t line) {
  cut_short_ = true;
  line_error(file, line, "input ended mid-line (the writer stopped?); the partial line is not used");
}

std::string too_long_reason(uint64_t raw_size, size_t max_line) {
  return "line too long (" + std::to_string(raw_size) + " bytes, --max-line is " + std::to_string(max_line) + ")";
}

int BadLines::exit_code() const {
  if (count_ > 0) return kExitDataError;
  return cut_short_ ? kExitTempFail : kExitOk;
}

void BadLines::quarantine_part(std::string_view part, bool last) {
  append_rejects(part);
  if (last) append_rejects("\n");
}

}  // namespace ndj
