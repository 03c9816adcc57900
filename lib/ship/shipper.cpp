// Shipper: settles each request, commits marks once acknowledged, keeps
// --status and --dead-letter.
#include "ship/shipper.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>

#include "core/atomic_file.hpp"
#include "core/diag.hpp"
#include "core/gzip.hpp"
#include "core/signals.hpp"
#include "ship/json_array.hpp"

namespace ndj {

Shipper::Shipper(ShipperOptions o, HttpTarget target) : o_(std::move(o)), poster_(std::move(target)) {
  if (!o_.cursor.empty()) {
    cursor_.emplace(o_.cursor, o_.commit_interval);
    CursorState state = cursor_->file().load_state();
    health_.lost_bytes = state.lost_bytes;
    health_.lost = std::move(state.lost);
  }
  if (!o_.dead_letter.empty()) dead_letter_.emplace(o_.dead_letter);
  health_.otlp = o_.otlp;
  poster_.on_attempt = [this](const Attempt& a) { note_attempt(a); };
}

void Shipper::drain() {
  while (poster_.held() > 0 && !fatal_) {
    if (stop_requested()) poster_.drop_waiting();
    pump(200, -1);
  }
}

void Shipper::finish() {
  poster_.abandon_all();
  commit_releasable(true);
  write_status(true);
}

void Shipper::post(Body payload, std::string label) {
  poster_.post(window_.add_body(), std::move(payload), std::move(label));
}

void Shipper::pump(int timeout_ms, int input_fd) {
  poster_.pump(timeout_ms, input_fd, done_);
  for (auto& s : done_) settle(s);
  done_.clear();
  commit_releasable();
  if (status_dirty_) write_status(false);
}

void Shipper::write_status(bool force) {
  if (o_.status.empty()) return;
  TimeNs now = now_ns();
  // Every request, but at most ten times a second: each write is an fsync.
  if (!force && now - status_written_ < kNsPerSec / 10) return;
  status_written_ = now;
  status_dirty_ = false;
  write_file_atomic(o_.status, health_.json(window_.unsettled()));
}

void Shipper::note_attempt(const Attempt& a) {
  status_dirty_ = true;
  ++health_.requests;
  health_.bytes += a.bytes;
  std::string what = a.status ? "HTTP " + std::to_string(a.status) : a.error;
  if (a.retry_in >= 0) ++health_.retries;
  if (a.status < 200 || a.status > 299) {
    health_.last_error = what;
    health_.last_error_at = now_ns();
  } else {
    health_.last_success_at = now_ns();
  }
  if (!o_.verbose) return;
  std::string line = *a.label + ": " + what + ", " + std::to_string(a.latency / 1'000'000) + " ms, " +
                     std::to_string(a.bytes) + " bytes, attempt " + std::to_string(a.number);
  if (a.retry_in >= 0) line += ", retry in " + format_duration(a.retry_in / 1'000'000 * 1'000'000);
  error(line);
}

void Shipper::settle(Settled& s) {
  using Kind = Settled::Kind;
  if (s.kind == Kind::kAcked) {
    ++health_.acked;
    if (o_.otlp) count_partial_success(s);
    part_settled(s.seq);
    return;
  }
  if (s.kind == Kind::kRejected && dead_letter_) {
    if (split(s)) return;
    append_dead_letter(s);
    ++health_.dead_lettered;
    part_settled(s.seq);
    error(s.label + ": rejected by the receiver (" + s.reason + "), kept in " + o_.dead_letter);
    return;
  }
  if (fatal_) return;
  std::string msg = s.label + ": " + s.reason;
  if (s.kind == Kind::kRejected) {
    fatal_ = kExitDataError;
    msg += ": the receiver rejected the body; stopped, nothing committed past it (--dead-letter FILE keeps such bodies and goes on)";
  } else if (s.kind == Kind::kGaveUp) {
    fatal_ = kExitTempFail;
    msg += ": still failing after --retry-for " + format_duration(o_.retry_for) +
           "; nothing committed past the last acknowledged body";
  } else {
    fatal_ = kExitNoPerm;
    // Unless the receiver's own words said what to do:
    if (s.explained) msg += ": refused";
    else if ((s.status == 401 || s.status == 407) && o_.auth == ShipperOptions::Auth::kBasic) msg += ": the credentials were refused: check --user/--password-file";
    else if ((s.status == 401 || s.status == 407) && o_.auth == ShipperOptions::Auth::kNone) msg += ": the endpoint wants a token: use --token-file or --token-env";
    else if (s.status == 401 || s.status == 407) msg += ": the credentials were refused: check --token-file/--token-env";
    else if (s.status == 403) msg += ": the token is not allowed to post here: check its permissions";
    else if (s.status == 404) msg += ": no such endpoint: check the URL";
    else if (s.status >= 300 && s.status < 400) msg += ": redirects are not followed: use the final URL";
    else if (s.status) msg += ": not an answer ndj-post can act on";
    else msg += " (for a private CA use --cacert FILE)";
  }
  error(msg);
}

bool Shipper::split(Settled& s) {
  if (o_.text_body) return false;
  std::string plain;
  if (o_.gzip) gzip_decompress(s.payload.view(), plain);
  std::string_view body = o_.gzip ? std::string_view(plain) : s.payload.view();
  auto records = body_records(body, o_.ndjson_body);
  if (!records || records->size() < 2) {
    if (records && records->size() == 1) ++health_.dead_lettered_records;
    return false;
  }
  size_t n = records->size();
  std::vector<size_t> cuts{0};
  auto blamed = o_.sink ? o_.sink->blamed_record(s.response) : std::nullopt;
  if (blamed && *blamed <= n) {
    // The records before the blamed one were read: they are good.
    if (*blamed > 1) cuts.push_back(*blamed - 1);
    if (*blamed < n) cuts.push_back(*blamed);
  } else {
    cuts.push_back(n / 2);
  }
  cuts.push_back(n);
  ++health_.split;
  // The base label: the input line, without the records of a part.
  std::string base = s.label.substr(0, s.label.find(" record"));
  std::string payload;
  for (size_t k = 0; k + 1 < cuts.size(); ++k) {
    std::string part = body_of(*records, cuts[k], cuts[k + 1], o_.ndjson_body);
    if (o_.gzip) gzip_compress(part, payload, o_.gzip);
    else payload = std::move(part);
    size_t first = s.first + cuts[k];
    size_t last = s.first + cuts[k + 1];
    std::string label = base + (last == first + 1 ? " record " + std::to_string(last)
                                                    : " records " + std::to_string(first + 1) + "-" + std::to_string(last));
    poster_.post(s.seq, std::move(payload), std::move(label), first);
    payload = std::string();
  }
  // This body was one part of seq: it is now cuts.size() - 1 of them.
  auto [it, added] = parts_.try_emplace(s.seq, 1);
  it->second += cuts.size() - 2;
  if (o_.verbose) error(s.label + ": rejected (" + s.reason + "): split in " + std::to_string(cuts.size() - 1) + " to find the bad records");
  return true;
}

void Shipper::part_settled(uint64_t seq) {
  auto it = parts_.find(seq);
  if (it != parts_.end()) {
    if (--it->second > 0) return;
    parts_.erase(it);
  }
  window_.settle(seq);
}

// OTLP/HTTP's answer to a body it took in part: {"partialSuccess":
// {"rejectedSpans":N,"errorMessage":...}} (or rejectedLogRecords,
// rejectedDataPoints; the counts are int64, written as strings). Those
// items are gone, and retrying would not bring them: counted, warned about
// and, with --dead-letter, the body kept there.
void Shipper::count_partial_success(const Settled& s) {
  simdjson::dom::parser parser;
  simdjson::dom::object partial;
  if (parser.parse(s.response).get_object().at_key("partialSuccess").get(partial)) return;
  int64_t rejected = 0;
  for (const char* key : {"rejectedSpans", "rejectedLogRecords", "rejectedDataPoints"}) {
    simdjson::dom::element v;
    if (partial.at_key(key).get(v)) continue;
    int64_t n = 0;
    std::string_view text;
    if (v.get(n) && !v.get(text)) std::from_chars(text.data(), text.data() + text.size(), n);
    rejected += std::max<int64_t>(n, 0);
  }
  std::string_view message;
  if (partial.at_key("errorMessage").get(message)) message = {};
  if (!rejected && message.empty()) return;
  ++health_.partial_successes;
  health_.otlp_rejected += rejected;
  std::string line = s.label + ": the receiver took the body in part: " + std::to_string(rejected) + " item(s) rejected";
  if (!message.empty()) line += " (" + std::string(message.substr(0, 200)) + ")";
  if (dead_letter_) {
    append_dead_letter(s);
    line += ", kept in " + o_.dead_letter;
  }
  warn(line);
}

void Shipper::append_dead_letter(const Settled& s) {
  std::string body(s.payload.view());
  if (o_.gzip) gzip_decompress(s.payload.view(), body);
  if (o_.ndjson_body) {
    if (!body.empty() && body.back() == '\n') body.pop_back();
    for (char& c : body)
      if (c == '\n') c = ',';
    body = "[" + body + "]";
  }
  dead_letter_->append(s.status, s.label, s.response, body);
}

void Shipper::commit_releasable(bool final) {
  auto released = window_.take_releasable();
  if (!cursor_) return;
  cursor_->add(std::move(released));
  if (final) cursor_->finish();
  CommitReport report = cursor_->take_report();
  if (report.state) {
    health_.lost_bytes = report.state->lost_bytes;
    health_.lost = std::move(report.state->lost);
  }
  if (o_.verbose)
    for (const auto& path : report.dropped) error(path + ": gone after it was shipped; dropped from the cursor");
}

}  // namespace ndj
