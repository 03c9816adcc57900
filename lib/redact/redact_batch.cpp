// Redacting batches of lines on workers, writing them in order.
#include "redact/redact_batch.hpp"

#include "core/diag.hpp"
#include "core/output.hpp"

namespace ndj {

void redact_batch(RecordRedactor& redactor, WorkBatch<Redacted>& b, bool strict) {
  std::string& out = b.result.out;
  out.clear();
  const auto items = b.lines.items();
  redactor.begin_batch(b.lines.all_text());
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string_view text = b.lines.text(items[i]);
    if (items[i].mark) {
      out.append(text).push_back('\n');
      continue;
    }
    if (const char* why = redactor.redact(text, out)) {
      const bool not_object = std::string_view(why).starts_with("not an object");
      b.lines.fail(i, out.size(), bad_line_reason(why, items[i].complete, not_object ? "record " : "invalid JSON: "));
      if (strict) break;
      continue;
    }
    out.push_back('\n');
  }
  b.result.report = {};
  redactor.take_report(b.result.report);
}

bool write_redacted(const WorkBatch<Redacted>& b, BadLines& bad, Output& out, RedactReport* report) {
  if (report) report->add(b.result.report);
  const std::string_view redacted = b.result.out;
  size_t written = 0;
  for (const auto& f : b.lines.failures()) {
    out.write(redacted.substr(written, f.pos - written));
    written = f.pos;
    if (b.lines.report(bad, f)) return false;
  }
  out.write(redacted.substr(written));
  return true;
}

}  // namespace ndj
