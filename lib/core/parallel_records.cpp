// Line batches and the --threads option.
#include "core/parallel_records.hpp"

#include <sched.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>

namespace ndj {

unsigned default_threads() {
  cpu_set_t set;
  unsigned n = 1;
  if (sched_getaffinity(0, sizeof set, &set) == 0) n = static_cast<unsigned>(CPU_COUNT(&set));
  return std::clamp(n, 1u, 8u);
}

void add_threads_option(CLI::App& app, unsigned& threads) {
  threads = default_threads();
  app.add_option("--threads", threads, "Worker threads, 1-64 (default: CPUs, max 8)")
      ->type_name("N")
      ->check(CLI::Range(1u, 64u).description(""));
}

void LineBatch::add(const Record& rec) {
  if (items_.empty()) file_ = *rec.file;
  const size_t need = size_ + rec.text.size() + 1 + kLinePadding;
  if (need > cap_) {
    size_t cap = std::max({need, 2 * cap_, kTargetBytes + (size_t{64} << 10)});
    auto buf = std::make_unique<char[]>(cap);
    if (size_) std::memcpy(buf.get(), buf_.get(), size_);
    buf_ = std::move(buf);
    cap_ = cap;
  }
  std::memcpy(buf_.get() + size_, rec.text.data(), rec.text.size());
  items_.push_back({size_, rec.text.size(), rec.line, rec.is_mark, rec.complete});
  size_ += rec.text.size();
  buf_[size_++] = '\n';
}

void LineBatch::clear() {
  size_ = 0;
  items_.clear();
  failures_.clear();
  // A batch that held one huge line gives its memory back.
  if (cap_ > 4 * kTargetBytes) {
    buf_.reset();
    cap_ = 0;
  }
}

}  // namespace ndj
