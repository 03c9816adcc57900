// ndj-batch: group NDJSON records into batches, one JSON array per line,
// holding checkpoint marks until every record before them is written.
#include <deque>
#include <map>
#include <string>

#include "core/cli.hpp"
#include "core/cursor.hpp"
#include "core/diag.hpp"
#include "core/output.hpp"
#include "core/records.hpp"
#include "core/signals.hpp"
#include "core/timefmt.hpp"

namespace ndj {
namespace {

struct Options {
  InputOptions input;
  size_t max_records = 1000;
  size_t max_bytes = size_t{1} << 20;
  int64_t linger = kNsPerSec;
  std::string by;
  std::string wrap;
  size_t max_open = 1000;
};

int parse_args(int argc, char** argv, Options& o) {
  CLI::App app{"Group NDJSON records into batches: one JSON array per output line."};
  setup_app(app, "ndj-batch");
  add_input_options(app, o.input);
  add_count_option(app, "-n,--max-records", o.max_records, "Records per batch (default 1000)");
  add_size_option(app, "--max-bytes", o.max_bytes, "Largest batch line, in bytes (default 1M)");
  add_duration_option(app, "--linger", o.linger,
                      "Write a partial batch this old when idle (1s)");
  app.add_option("--by", o.by, "One open batch per value of this top-level field")
      ->type_name("FIELD");
  app.add_option("--wrap", o.wrap, "Write {\"KEY\":[...]} instead of [...]")->type_name("KEY");
  add_count_option(app, "--max-open", o.max_open, "With --by: most open batches (default 1000)");
  if (int rc = parse_command_line(app, argc, argv); rc >= 0) return rc;
  return -1;
}

// One batch under construction: the output line minus its closing bytes.
struct Batch {
  std::string text;
  size_t records = 0;
  uint64_t first_seq = 0;  // sequence number of its oldest record
  TimeNs opened_at = 0;
};

class Batcher {
 public:
  Batcher(const Options& o, Output& out) : o_(o), out_(out) {
    if (o.wrap.empty()) {
      prefix_ = "[";
      suffix_ = "]\n";
    } else {
      prefix_ = "{" + json_string(o.wrap) + ":[";
      suffix_ = "]}\n";
    }
  }

  // Smallest batch line that holds a record of n bytes.
  size_t single_size(size_t n) const { return prefix_.size() + n + suffix_.size() - 1; }

  void add(std::string_view key, std::string_view rec) {
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

  // A mark is released once no open batch holds a record from before it.
  void add_mark(std::string_view mark) {
    marks_.push_back({seq_, std::string(mark)});
    release_marks();
  }

  // Writes batches older than the linger; returns ms until the next is due.
  int flush_due() {
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

  void flush_all() {
    while (!open_.empty()) write_oldest();
  }

 private:
  using Open = std::map<std::string, Batch, std::less<>>;

  Open::iterator open_batch(std::string_view key) {
    if (open_.size() >= o_.max_open) write_oldest();
    auto [it, _] = open_.emplace(std::string(key), Batch{});
    it->second.text.reserve(std::min(o_.max_bytes, size_t{1} << 20));
    it->second.text = prefix_;
    it->second.opened_at = now_ns();
    return it;
  }

  void write_oldest() {
    auto oldest = open_.begin();
    for (auto it = open_.begin(); it != open_.end(); ++it)
      if (it->second.first_seq < oldest->second.first_seq) oldest = it;
    write_batch(oldest);
  }

  void write_batch(Open::iterator it) {
    it->second.text.append(suffix_);
    out_.write(it->second.text);
    open_.erase(it);
    release_marks();
  }

  void release_marks() {
    if (marks_.empty()) return;
    uint64_t oldest_open = seq_;
    for (const auto& [k, b] : open_) oldest_open = std::min(oldest_open, b.first_seq);
    while (!marks_.empty() && marks_.front().seq <= oldest_open) {
      out_.write(marks_.front().text);
      out_.put('\n');
      marks_.pop_front();
    }
  }

  struct PendingMark {
    uint64_t seq;  // records before the mark: those with a smaller seq
    std::string text;
  };

  const Options& o_;
  Output& out_;
  std::string prefix_, suffix_;
  Open open_;
  std::deque<PendingMark> marks_;
  uint64_t seq_ = 0;
};

// The compact JSON of the top-level field `name`, or "null" when absent.
std::string_view group_key(const RecordReader& reader, std::string_view text, const std::string& name,
                           std::string& buf) {
  if (!reader.has_root()) {
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
  if (reader.root().get(obj) || obj.at_key(name).get(v)) return "null";
  buf.clear();
  append_json(buf, v);
  return buf;
}

int run(const Options& o) {
  Output out;
  RecordReader reader(o.input, out,
                      o.by.empty() ? RecordReader::Validation::kSyntax : RecordReader::Validation::kDom);
  Batcher batcher(o, out);
  reader.set_wait_hook([&] { return batcher.flush_due(); });
  std::string keybuf;
  Record rec;
  RecordReader::Status st;
  while ((st = reader.next(rec)) == RecordReader::Status::kRecord) {
    if (rec.is_mark) {
      batcher.add_mark(rec.text);
      continue;
    }
    if (batcher.single_size(rec.text.size()) > o.max_bytes) {
      std::string why = "record of " + std::to_string(rec.text.size()) +
                        " bytes cannot fit in a batch of --max-bytes " + std::to_string(o.max_bytes);
      if (reader.bad_lines().report(*rec.file, rec.line, why, rec.text)) {
        st = RecordReader::Status::kStrictStop;
        break;
      }
      continue;
    }
    batcher.add(o.by.empty() ? std::string_view{} : group_key(reader, rec.text, o.by, keybuf), rec.text);
  }
  batcher.flush_all();
  out.flush();
  if (st == RecordReader::Status::kStrictStop) return kExitDataError;
  if (st == RecordReader::Status::kStopped && !reader.streaming()) return interrupted_exit_code();
  return reader.exit_code();
}

}  // namespace
}  // namespace ndj

int main(int argc, char** argv) {
  return ndj::tool_main("ndj-batch", [&] {
    ndj::Options o;
    if (int rc = ndj::parse_args(argc, argv, o); rc >= 0) return rc;
    return ndj::run(o);
  });
}
