// lib/ship/: delivery (ndj-post, ndj-batch): batching with mark hold-back,
// HTTP POST with retries, acknowledge-then-commit, credentials, sync
// health. Includes core/, json/ and ship/ only; only ndj-post and
// ndj-batch include it.
//
// ndj-post's engine: bodies posted through HttpPoster, acknowledged in
// order by AckWindow, and the acknowledge-then-commit rule of DESIGN.md §2:
// a mark is committed into the cursor file only once every body before it
// was acknowledged. Also the sync health (--status) and the dead-letter
// file (--dead-letter) it keeps up to date.
#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ship/ack_window.hpp"
#include "core/cursor.hpp"
#include "ship/cursor_committer.hpp"
#include "ship/http_post.hpp"
#include "ship/sync_health.hpp"
#include "core/timefmt.hpp"

namespace ndj {

struct ShipperOptions {
  std::string cursor;       // --cursor ("" for none)
  std::string status;       // --status
  std::string dead_letter;  // --dead-letter: rejected bodies are kept there and shipping goes on
  bool verbose = false;     // a line per request, and cursor entries dropped
  int gzip = 0;             // bodies are gzipped at this level, 0: not (dead letters keep them plain)
  bool ndjson_body = false; // --body ndjson (dead letters keep the array)
  TimeNs retry_for = 0;     // named when a body is given up
  enum class Auth { kNone, kBearer, kBasic } auth = Auth::kNone;  // for 401 advice
  TimeNs commit_interval = 0;  // --commit-interval; 0: each mark is committed at once
  bool otlp = false;        // --otlp: a 2xx may reject part of the body (partialSuccess)
  bool text_body = false;   // bodies are text, not JSON (the Pushgateway): never split
  const Sink* sink = nullptr;  // the receiver; may name the record a rejection blames
};

class Shipper {
 public:
  Shipper(ShipperOptions o, HttpTarget target);
  Shipper(const Shipper&) = delete;
  Shipper& operator=(const Shipper&) = delete;

  // The exit status a failure decided (0 while none): 65 rejected without
  // --dead-letter, 75 retry budget spent, 77 refused.
  int fatal() const { return fatal_; }
  bool dead_lettered() const { return health_.dead_lettered > 0; }
  HttpPoster& poster() { return poster_; }

  // Committed once the bodies before it are acknowledged, within
  // --commit-interval, or by finish(): marks in between share one cursor
  // write.
  void add_mark(FilePosition pos) { window_.add_mark(std::move(pos)); }
  void post(Body payload, std::string label);
  // Drives the network for up to timeout_ms and settles what finished.
  void pump(int timeout_ms, int input_fd);
  // Once input is over (or a stop was asked): settles what is in flight.
  // After a signal, waiting retries are dropped and only transfers already
  // under way, each bounded by --timeout, are waited for.
  void drain();
  // Abandons what is still held and writes the final cursor and status.
  void finish();
  void write_status(bool force);

 private:
  void note_attempt(const Attempt& a);
  void settle(Settled& s);
  // A rejected body of several records is split and its parts posted in
  // its place (at the record the receiver blamed, else in halves), so that
  // the good records land and only the bad ones reach --dead-letter. False
  // for a body of one record (counted in dead_lettered_records), or one
  // that is not a list of records.
  bool split(Settled& s);
  // One part of body `seq` is settled; the body is, once all its parts are.
  void part_settled(uint64_t seq);
  // The original line: before gzip, and the array it was for --body ndjson.
  void append_dead_letter(const Settled& s);
  void count_partial_success(const Settled& s);
  // Hands the marks whose bodies are all acknowledged to the committer
  // (`final`: and commits them now, sweeping the cursor whatever the time).
  void commit_releasable(bool final = false);

  ShipperOptions o_;
  HttpPoster poster_;
  AckWindow window_;
  std::optional<CursorCommitter> cursor_;
  std::optional<DeadLetterFile> dead_letter_;
  SyncHealth health_;
  std::vector<Settled> done_;
  std::unordered_map<uint64_t, size_t> parts_;  // split bodies: their parts not yet settled
  int fatal_ = 0;
  TimeNs status_written_ = 0;
  bool status_dirty_ = false;
};

}  // namespace ndj
