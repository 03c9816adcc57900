// Batcher: batch lines by count, size and age, marks held back.
#include "ship/batcher.hpp"

#include <algorithm>
#include <utility>

#include "core/output.hpp"
#include "core/records.hpp"
#include "expr/record_view.hpp"
#include "json/json.hpp"

namespace ndj {
namespace {

// "[" or {"<wrap>":[ -- built by append: GCC 12's -Wrestrict misfires on
// "{" + std::string&& at -O3.
std::string batch_prefix(const std::string& wrap) {
  if (wrap.empty()) return "[";
  std::string p = "{";
  p += json_string(wrap);
  p += ":[";
  return p;
}

}  // namespace

Batcher::Batcher(BatcherOptions o, Output& out)
    : o_(std::move(o)),
      out_(out),
      prefix_(batch_prefix(o_.wrap)),
      suffix_(o_.wrap.empty() ? "]\n" : "]}\n") {}

bool Batcher::fits(size_t n) const { return prefix_.size() + n + suffix_.size() - 1 <= o_.max_bytes; }

void Batcher::add(std::string_view key, std::string_view rec) {
  auto it = open_.find(key);
  if (it == open_.end()) it = open_batch(key);
  Batch* b = &it->second;
  size_t grown = b->text.size() + (b->records ? 1 : 0) + rec.size() + suffix_.size() - 1;
  if (b->records && grown > o_.max_bytes) {
    write_batch(it);
    it = open_batch(key);
    b = &it->second;
  }
  if (b->records) b->text.push_back(',');
  else b->first_seq = seq_;
  b->text.append(rec);
  ++seq_;
  if (++b->records >= o_.max_records) write_batch(it);
}

void Batcher::add_mark(std::string_view mark) {
  marks_.push_back({seq_, std::string(mark)});
  release_marks();
}

int Batcher::flush_due() {
  if (open_.empty()) return -1;
  TimeNs now = now_ns();
  TimeNs next = INT64_MAX;
  for (auto it = open_.begin(); it != open_.end();) {
    auto cur = it++;
    if (now - cur->second.opened_at >= o_.linger) write_batch(cur);
    else next = std::min(next, cur->second.opened_at + o_.linger);
  }
  release_marks();
  if (next == INT64_MAX) return -1;
  return static_cast<int>((next - now + 999'999) / 1'000'000);
}

void Batcher::flush_all() {
  while (!open_.empty()) write_oldest();
}

Batcher::Open::iterator Batcher::open_batch(std::string_view key) {
  if (open_.size() >= o_.max_open) write_oldest();
  auto [it, _] = open_.emplace(std::string(key), Batch{});
  it->second.text.reserve(std::min(o_.max_bytes, size_t{1} << 20));
  it->second.text = prefix_;
  it->second.opened_at = now_ns();
  return it;
}

void Batcher::write_oldest() {
  auto oldest = open_.begin();
  for (auto it = open_.begin(); it != open_.end(); ++it)
    if (it->second.first_seq < oldest->second.first_seq) oldest = it;
  write_batch(oldest);
}

void Batcher::write_batch(Open::iterator it) {
  it->second.text.append(suffix_);
  out_.write(it->second.text);
  open_.erase(it);
  release_marks();
}

void Batcher::release_marks() {
  if (marks_.empty()) return;
  uint64_t oldest_open = seq_;
  for (const auto& [k, b] : open_) oldest_open = std::min(oldest_open, b.first_seq);
  while (!marks_.empty() && marks_.front().seq <= oldest_open) {
    out_.write(marks_.front().text);
    out_.put('\n');
    marks_.pop_front();
  }
}

namespace {

// A JSON integer that the DOM would print back as the same bytes (no sign
// on zero, within int64).
bool canonical_integer(std::string_view s) {
  size_t i = s.size() > 1 && s[0] == '-' ? 1 : 0;
  if (s.size() - i > 18 || i == s.size() || (s[i] == '0' && s.size() > 1)) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

std::string_view group_key(RecordReader& reader, std::string_view text, const std::string& name, std::string& buf) {
  // The field from the structural index of the reader's validation: a
  // string without escapes, an integer or a literal is already the compact
  // JSON the key is. Other values are re-serialised from a DOM.
  auto tok = RecordView(text, reader.parser()).member(name);
  if (!tok) return "null";
  switch (tok->kind) {
    case JsonToken::Kind::kString:
      if (!tok->escaped) return {tok->raw.data() - 1, tok->raw.size() + 2};  // with its quotes
      break;
    case JsonToken::Kind::kNumber:
      if (canonical_integer(tok->raw)) return tok->raw;
      break;
    case JsonToken::Kind::kTrue:
    case JsonToken::Kind::kFalse:
    case JsonToken::Kind::kNull: return tok->raw;
    default: break;
  }
  JsonParser& parser = reader.parser();
  parser.parse(text);
  if (!parser.has_root()) {
    // A line with a number simdjson's DOM cannot hold: find the field on
    // demand and key by its token (composite values by their first byte).
    static simdjson::ondemand::parser od;
    simdjson::ondemand::document doc;
    simdjson::ondemand::value v;
    if (od.iterate(text.data(), text.size(), text.size() + kLinePadding).get(doc) ||
        doc.find_field_unordered(name).get(v))
      return "null";
    std::string_view raw = v.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
    return raw;
  }
  simdjson::dom::object obj;
  simdjson::dom::element v;
  if (parser.root().get(obj) || obj.at_key(name).get(v)) return "null";
  buf.clear();
  append_json(buf, v);
  return buf;
}

}  // namespace ndj
