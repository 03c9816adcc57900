// Fuzz the cursor file loader and the mark parser: a corrupt file is an
// ndj::Error, never a crash, and a loaded cursor re-commits identically.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/atomic_file.hpp"
#include "core/cursor.hpp"
#include "core/diag.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/ndj-fuzz-XXXXXX";
    return std::string(mkdtemp(tmpl));
  }();
  std::string text(reinterpret_cast<const char*>(data), size);
  ndj::parse_mark(text);
  std::string path = dir + "/cursor.json";
  ndj::write_file_atomic(path, text);
  ndj::CursorFile cursor(path);
  try {
    auto state = cursor.load_state();
    cursor.update([](ndj::CursorState&) { return true; });  // written out as ndj writes it
    auto again = cursor.load_state();
    if (again.files.size() != state.files.size() || again.lost.size() != state.lost.size() ||
        again.lost_bytes != state.lost_bytes)
      std::abort();
    for (size_t i = 0; i < state.files.size(); ++i) {
      const auto &a = again.files[i], &b = state.files[i];
      if (!(a.pos == b.pos) || a.size != b.size || a.seen != b.seen) std::abort();
    }
    for (size_t i = 0; i < state.lost.size(); ++i)
      if (again.lost[i].path != state.lost[i].path || again.lost[i].bytes != state.lost[i].bytes ||
          again.lost[i].offset != state.lost[i].offset)
        std::abort();
  } catch (const ndj::Error&) {
  }
  return 0;
}
