// Fuzz the cursor file loader and the mark parser: a corrupt file is an
// ndj::Error, never a crash, and a loaded cursor re-commits identically.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "atomic_file.hpp"
#include "cursor.hpp"
#include "diag.hpp"

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
    auto entries = cursor.load();
    cursor.commit({});
    auto again = cursor.load();
    if (again.size() != entries.size()) std::abort();
    for (size_t i = 0; i < entries.size(); ++i)
      if (again[i].pos.path != entries[i].pos.path || again[i].pos.offset != entries[i].pos.offset ||
          again[i].pos.fp != entries[i].pos.fp)
        std::abort();
  } catch (const ndj::Error&) {
  }
  return 0;
}
