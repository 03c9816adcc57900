// Fuzz the line reader and JSON validation: any bytes, tiny buffers, a
// small --max-line; every byte must be accounted for (lines + skipped).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "json/json.hpp"
#include "core/line_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = memfd_create("fuzz", 0);
  if (fd < 0) return 0;
  if (write(fd, data, size) != static_cast<ssize_t>(size)) std::abort();
  lseek(fd, 0, SEEK_SET);
  ndj::LineReader reader(fd, "<fuzz>", 64);
  ndj::JsonParser parser;
  ndj::Line line;
  uint64_t consumed = 0, last_number = 0;
  for (;;) {
    auto st = reader.next(line);
    if (st == ndj::LineReader::Status::kEof) break;
    if (line.number != last_number + 1) std::abort();  // numbering has no gaps
    last_number = line.number;
    consumed += line.raw_size;
    if (st == ndj::LineReader::Status::kLine) {
      if (line.text.size() > 64) std::abort();
      parser.parse(line.text);
    }
  }
  if (consumed != size || reader.offset() != size) std::abort();
  close(fd);
  return 0;
}
