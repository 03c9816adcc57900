// ndj-batch's lines checked on workers, batched in order.
#include "ship/batch_lines.hpp"

#include "core/diag.hpp"
#include "ship/batcher.hpp"

namespace ndj {

void LineChecker::check(KeyedLines& b, bool strict) {
  LineKeys& keys = b.result;
  keys.keys.clear();
  keys.ends.clear();
  const auto items = b.lines.items();
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string_view text = b.lines.text(items[i]);
    if (!items[i].mark) {
      if (const char* why = by_.empty() ? parser_.validate(text) : parser_.parse(text)) {
        b.lines.fail(i, 0, bad_line_reason(why, items[i].complete));
        if (strict) break;
      } else if (!by_.empty()) {
        keys.keys.append(key(text));
      }
    }
    if (!by_.empty()) keys.ends.push_back(keys.keys.size());
  }
}

std::string_view LineChecker::key(std::string_view text) {
  if (!parser_.has_root()) {
    // A line with a number simdjson's DOM cannot hold: find the field on
    // demand and key by its token (composite values by their first byte).
    simdjson::ondemand::document doc;
    simdjson::ondemand::value v;
    if (ondemand_.iterate(text.data(), text.size(), text.size() + kLinePadding).get(doc) ||
        doc.find_field_unordered(by_).get(v))
      return "null";
    std::string_view raw = v.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
    return raw;
  }
  simdjson::dom::object obj;
  simdjson::dom::element v;
  if (parser_.root().get(obj) || obj.at_key(by_).get(v)) return "null";
  buf_.clear();
  append_json(buf_, v);
  return buf_;
}

bool add_lines(const KeyedLines& b, Batcher& batcher, BadLines& bad, size_t max_bytes) {
  const auto items = b.lines.items();
  const auto failures = b.lines.failures();
  const LineKeys& keys = b.result;
  size_t next_failure = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (next_failure < failures.size() && failures[next_failure].item == i) {
      if (b.lines.report(bad, failures[next_failure++])) return false;
      continue;
    }
    const std::string_view text = b.lines.text(items[i]);
    if (items[i].mark) {
      batcher.add_mark(text);
      continue;
    }
    if (!batcher.fits(text.size())) {
      std::string why = "record of " + std::to_string(text.size()) +
                        " bytes cannot fit in a batch of --max-bytes " + std::to_string(max_bytes);
      if (bad.report(b.lines.file(), items[i].line, why, text)) return false;
      continue;
    }
    std::string_view key;
    if (!keys.ends.empty()) {
      const size_t begin = i ? keys.ends[i - 1] : 0;
      key = std::string_view(keys.keys).substr(begin, keys.ends[i] - begin);
    }
    batcher.add(key, text);
  }
  return true;
}

}  // namespace ndj
