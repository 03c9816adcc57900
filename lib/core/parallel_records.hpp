// Records processed on worker threads and handed back in input order: the
// reader copies lines into batches, workers turn each batch into a result
// (redacted bytes, extracted events), and the calling thread consumes the
// results batch by batch, in the order the lines came, so output, bad-line
// reports and --strict behave exactly as in a single-threaded run.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/records.hpp"
#include "core/signals.hpp"

namespace CLI {
class App;
}

namespace ndj {

// The CPUs this process may run on (sched_getaffinity), at most 8.
unsigned default_threads();
// Adds --threads N (default: default_threads()).
void add_threads_option(CLI::App& app, unsigned& threads);

// Lines of one input file, copied out of the reader's buffer. Every line is
// followed by at least kLinePadding readable bytes, as simdjson needs.
class LineBatch {
 public:
  struct Item {
    size_t begin;
    size_t size;
    uint64_t line;
    bool mark;
    bool complete;
  };
  // A line a worker found bad: `pos` is the worker's own bookmark (the
  // output size before the line, for instance).
  struct Failure {
    size_t item;
    size_t pos;
    std::string reason;
  };
  static constexpr size_t kTargetBytes = size_t{256} << 10;

  LineBatch() = default;
  LineBatch(const LineBatch&) = delete;
  LineBatch& operator=(const LineBatch&) = delete;

  bool empty() const { return items_.empty(); }
  bool full() const { return size_ >= kTargetBytes; }
  // True when `rec` comes from another file than the lines already here.
  bool other_file(const Record& rec) const { return !empty() && *rec.file != file_; }
  void add(const Record& rec);
  void clear();

  const std::string& file() const { return file_; }
  std::span<const Item> items() const { return items_; }
  std::string_view text(const Item& item) const { return {buf_.get() + item.begin, item.size}; }
  // Every line, each followed by '\n', then kLinePadding readable bytes.
  std::string_view all_text() const { return {buf_.get(), size_}; }
  std::string_view text(size_t i) const { return text(items_[i]); }

  void fail(size_t item, size_t pos, std::string reason) { failures_.push_back({item, pos, std::move(reason)}); }
  std::span<const Failure> failures() const { return failures_; }
  // Reports a failure's line; true when the tool must stop (--strict).
  bool report(BadLines& bad, const Failure& f) const {
    const Item& item = items_[f.item];
    return bad.report(file_, item.line, f.reason, text(item));
  }

 private:
  std::unique_ptr<char[]> buf_;
  size_t size_ = 0;
  size_t cap_ = 0;
  std::vector<Item> items_;
  std::vector<Failure> failures_;
  std::string file_;
};

template <class Result>
struct WorkBatch {
  LineBatch lines;
  Result result;
};

// Batches run by `work` on worker threads (on the calling thread when
// there is one thread), consumed in submission order on the calling
// thread. A worker's exception is rethrown when its batch's turn comes.
template <class Batch>
class OrderedWorkers {
 public:
  using Work = std::function<void(Batch&, unsigned worker)>;
  // Returns false to stop: later batches are dropped unconsumed.
  using Consume = std::function<bool(Batch&)>;

  OrderedWorkers(unsigned threads, Work work, Consume consume)
      : threads_(threads), work_(std::move(work)), consume_(std::move(consume)),
        slots_(threads > 1 ? 2 * threads + 2 : 1) {}
  ~OrderedWorkers() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    work_ready_.notify_all();
    for (auto& t : workers_) t.join();
  }
  OrderedWorkers(const OrderedWorkers&) = delete;
  OrderedWorkers& operator=(const OrderedWorkers&) = delete;

  // The batch to fill next; owned by the caller until submit().
  Batch& filling() { return slot(fill_).batch; }

  // Queues the filling batch and consumes every finished batch at the head
  // of the queue, waiting when no slot is left to fill. Returns false once
  // a consume call has returned false.
  bool submit() {
    if (stopped_) return false;
    if (threads_ <= 1) {
      Slot& s = slot(fill_);
      work_(s.batch, 0);
      return finish(s);
    }
    if (workers_.empty()) start();
    {
      std::lock_guard lock(mu_);
      ++fill_;
    }
    work_ready_.notify_one();
    return consume_ready(fill_ - head_ == slots_.size());
  }

  // Waits for every queued batch and consumes it.
  bool drain() {
    while (!stopped_ && head_ != fill_) consume_ready(true);
    return !stopped_;
  }

 private:
  struct Slot {
    Batch batch;
    bool done = false;
    std::exception_ptr error;
  };
  Slot& slot(uint64_t i) { return slots_[i % slots_.size()]; }

  void start() {
    BlockSignals blocked;
    for (unsigned id = 0; id < threads_; ++id) workers_.emplace_back([this, id] { run_worker(id); });
  }

  void run_worker(unsigned id) {
    for (;;) {
      uint64_t i;
      {
        std::unique_lock lock(mu_);
        work_ready_.wait(lock, [&] { return stop_ || next_ != fill_; });
        if (stop_) return;
        i = next_++;
      }
      Slot& s = slot(i);
      try {
        work_(s.batch, id);
      } catch (...) {
        s.error = std::current_exception();
      }
      {
        std::lock_guard lock(mu_);
        s.done = true;
      }
      head_done_.notify_one();
    }
  }

  // Consumes finished batches at the head; with `wait`, waits for the head
  // batch first.
  bool consume_ready(bool wait) {
    while (!stopped_ && head_ != fill_) {
      Slot& s = slot(head_);
      {
        std::unique_lock lock(mu_);
        if (!s.done) {
          if (!wait) break;
          head_done_.wait(lock, [&] { return s.done; });
        }
        s.done = false;
      }
      wait = false;
      ++head_;
      if (!finish(s)) return false;
    }
    return !stopped_;
  }

  bool finish(Slot& s) {
    if (s.error) {
      stopped_ = true;
      std::rethrow_exception(std::exchange(s.error, nullptr));
    }
    if (!consume_(s.batch)) stopped_ = true;
    s.batch.lines.clear();
    return !stopped_;
  }

  unsigned threads_;
  Work work_;
  Consume consume_;
  std::vector<Slot> slots_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_ready_, head_done_;
  // Batches [head_, fill_) are queued; [next_, fill_) wait for a worker.
  uint64_t head_ = 0, next_ = 0, fill_ = 0;  // fill_ and next_ under mu_
  bool stop_ = false;                        // under mu_
  bool stopped_ = false;                     // calling thread only
};

// Reads every record of `reader` into batches for `work` and consumes them
// in order. Every batch read so far is consumed before the reader waits for
// input (so a follower's records are never held back) and before it reports
// a bad line of its own (so reports stay in line order). The reader's wait
// hook is taken over. Returns the reader's last status (kStrictStop when a
// consume call stopped the run).
template <class Result>
RecordReader::Status run_batches(RecordReader& reader, unsigned threads,
                                 std::function<void(WorkBatch<Result>&, unsigned)> work,
                                 std::function<bool(WorkBatch<Result>&)> consume) {
  OrderedWorkers<WorkBatch<Result>> pool(threads, std::move(work), std::move(consume));
  bool stopped = false;
  auto submit = [&] {
    if (!pool.filling().lines.empty() && !pool.submit()) stopped = true;
  };
  auto catch_up = [&] {
    submit();
    if (!stopped && !pool.drain()) stopped = true;
    return stopped;
  };
  reader.set_wait_hook([&] { return catch_up() ? kStopWaiting : -1; });
  reader.set_before_bad_line(catch_up);
  Record rec;
  RecordReader::Status st = RecordReader::Status::kEnd;  // set by the first next()
  while (!stopped && (st = reader.next(rec)) == RecordReader::Status::kRecord) {
    if (pool.filling().lines.other_file(rec)) submit();
    if (stopped) break;
    pool.filling().lines.add(rec);
    if (pool.filling().lines.full()) submit();
  }
  if (!stopped) catch_up();
  reader.set_wait_hook({});
  reader.set_before_bad_line({});
  return stopped ? RecordReader::Status::kStrictStop : st;
}

}  // namespace ndj
