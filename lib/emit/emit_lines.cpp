// ndj-emit's writing of lines and of validated standard input.
#include "emit/emit_lines.hpp"

#include <sys/stat.h>

#include "core/cursor.hpp"
#include "core/diag.hpp"
#include "core/line_reader.hpp"
#include "core/locked_append.hpp"
#include "core/output.hpp"
#include "core/signals.hpp"
#include "json/json.hpp"
#include "json/json_check.hpp"

namespace ndj {

void write_lines(const EmitTarget& target, Output& out, std::string_view lines) {
  if (target.path.empty()) {
    out.write(lines);
    out.flush();
  } else {
    append_locked(target.path, lines, target.lock_timeout_ms);
  }
}

int append_validated_lines(int fd, const InputOptions& input, const EmitTarget& target, Output& out) {
  constexpr size_t kBlock = size_t{1} << 20;
  std::string block;
  auto flush_block = [&] {
    if (block.empty()) return;
    write_lines(target, out, block);
    block.clear();
  };
  BadLines bad(input);
  LineReader reader(fd, "<stdin>", input.max_line);
  reader.set_wait_hook([&] {
    flush_block();
    return -1;
  });
  if (!input.rejects.empty())
    reader.set_overflow_sink([&](std::string_view part, bool last) { bad.quarantine_part(part, last); });
  struct stat st;
  const bool streaming = fstat(fd, &st) == 0 && !S_ISREG(st.st_mode);
  Line line;
  for (;;) {
    LineReader::Status status = reader.next(line);
    if (status == LineReader::Status::kEof) break;
    if (status == LineReader::Status::kStopped) {
      flush_block();
      return streaming ? kExitOk : interrupted_exit_code();
    }
    if (status == LineReader::Status::kTooLong) {
      if (bad.note(reader.name(), line.number, too_long_reason(line.raw_size, input.max_line))) break;
      continue;
    }
    if (is_mark(line.text) || is_blank(line.text)) continue;  // marks: pipeline bookkeeping
    if (const char* why = json_check(line.text)) {
      if (streaming && !line.complete) {
        bad.cut_short(reader.name(), line.number);
        continue;
      }
      if (bad.report(reader.name(), line.number, bad_line_reason(why, line.complete), line.text)) break;
      continue;
    }
    block.append(line.text).push_back('\n');
    if (block.size() >= kBlock) flush_block();
  }
  flush_block();
  return bad.exit_code();
}

}  // namespace ndj
