// Line reader: 4 MiB reads into a reused buffer with simdjson padding after
// every line, line numbers, CRLF and first-line BOM handling, a maximum line
// length, and a hook that runs before the reader blocks on input.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

struct Line {
  // The line without its "\n" or "\r\n" (and without a leading BOM on line 1).
  // At least kLinePadding readable bytes follow text.end(), as simdjson needs.
  std::string_view text;
  uint64_t number = 0;
  // False only for a last line that ended at EOF without a newline.
  bool complete = true;
  // Bytes the line occupied in the input, newline and BOM included.
  uint64_t raw_size = 0;
  // Those bytes, as read (for tools that rewrite a file byte for byte);
  // set for kLine lines with complete = true, empty otherwise.
  std::string_view raw;
};

inline constexpr size_t kLinePadding = 64;  // >= SIMDJSON_PADDING
inline constexpr size_t kDefaultMaxLine = size_t{16} << 20;
inline constexpr int kStopWaiting = -2;

class LineReader {
 public:
  enum class Status {
    kLine,     // a line is in `line`
    kTooLong,  // a line longer than max_line was skipped; `line.number` and
               // `line.raw_size` describe it, `line.text` is empty
    kEof,
    kStopped,  // SIGINT/SIGTERM arrived while waiting for input, or the
               // wait hook returned kStopWaiting
  };

  // Does not own fd. `name` is used in diagnostics ("<stdin>" for stdin).
  LineReader(int fd, std::string name, size_t max_line = kDefaultMaxLine);

  Status next(Line& line);

  // Called when the next read would block (pipes, terminals, sockets;
  // never for regular files). Returns the poll timeout in milliseconds (-1:
  // wait for ever); when that timeout expires the hook is called again.
  // Returning kStopWaiting makes next() return kStopped at once (a sink
  // that has failed must not wait for more input).
  void set_wait_hook(std::function<int()> hook) { wait_hook_ = std::move(hook); }
  // Receives the bytes of an over-long line as they are skipped (so they can
  // be quarantined); `last` marks the end of the line.
  void set_overflow_sink(std::function<void(std::string_view, bool last)> sink) {
    overflow_sink_ = std::move(sink);
  }

  // Lines handed out stay intact after next() for as long as the caller
  // holds buffer(): a buffer still held elsewhere is set aside at the next
  // refill instead of being compacted, and one no longer held is reused.
  // ndj-post sends request bodies straight out of the input buffer this way.
  void keep_held_lines() { keep_held_ = true; }
  // The buffer the last line lies in.
  std::shared_ptr<const char[]> buffer() const { return buf_; }

  const std::string& name() const { return name_; }
  // Bytes consumed so far (complete lines and skipped lines).
  uint64_t offset() const { return offset_; }
  // The bytes read but not yet handed out, after the last line next()
  // returned. They stay where they are, and so do the lines handed out
  // before them, until the next read (fills() then changes).
  std::string_view pending() const { return {buf_.get() + begin_, end_ - begin_}; }
  uint64_t fills() const { return fills_; }

 private:
  enum class Fill { kData, kEof, kStopped };
  Fill fill();
  // Moves the partial line to the front of a buffer no one else holds.
  void compact();
  bool wait_readable();

  int fd_;
  std::string name_;
  size_t max_line_;
  bool regular_file_ = false;
  bool eof_ = false;
  bool skipping_ = false;  // inside an over-long line
  uint64_t skipped_ = 0;
  uint64_t line_no_ = 0;
  uint64_t offset_ = 0;
  uint64_t fills_ = 0;
  std::shared_ptr<char[]> buf_;
  std::vector<std::shared_ptr<char[]>> spare_;  // set aside, of cap_ bytes
  bool keep_held_ = false;
  size_t cap_ = 0;    // usable bytes (padding excluded)
  size_t begin_ = 0;  // first unconsumed byte
  size_t end_ = 0;    // end of valid data
  size_t scan_ = 0;   // where to continue searching for '\n'
  std::function<int()> wait_hook_;
  std::function<void(std::string_view, bool)> overflow_sink_;
};

}  // namespace ndj
