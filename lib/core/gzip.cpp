// zlib with a gzip header (windowBits 15 + 16).
#include "core/gzip.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>

#include "core/diag.hpp"

namespace ndj {

void gzip_compress(std::string_view in, std::string& out, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error(kExitFailure, "gzip: cannot initialise zlib");
  out.resize(deflateBound(&z, static_cast<uLong>(in.size())));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error(kExitFailure, "gzip: compression failed");
}

bool gzip_decompress(std::string_view in, std::string& out) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return false;
  out.clear();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    size_t used = out.size();
    out.resize(used + std::max<size_t>(in.size() * 4, 4096));
    z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    z.avail_out = static_cast<uInt>(out.size() - used);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(out.size() - z.avail_out);
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END;
}

void gunzip_file(const std::string& path, const std::function<bool(std::string_view)>& sink) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) throw Error(kExitFailure, path + ": " + errno_text(errno));
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) {
    ::close(fd);
    throw Error(kExitFailure, path + ": cannot initialise zlib");
  }
  auto fail = [&](const std::string& why) {
    inflateEnd(&z);
    ::close(fd);
    throw Error(kExitFailure, path + ": " + why);
  };
  constexpr size_t kIn = size_t{1} << 18, kOut = size_t{1} << 20;
  std::unique_ptr<unsigned char[]> in(new unsigned char[kIn]), out(new unsigned char[kOut]);
  bool member_open = false;  // inside a gzip member that has not ended yet
  for (;;) {
    ssize_t n = ::read(fd, in.get(), kIn);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read failed: " + errno_text(errno));
    if (n == 0) break;
    z.next_in = in.get();
    z.avail_in = static_cast<uInt>(n);
    while (z.avail_in > 0) {
      z.next_out = out.get();
      z.avail_out = static_cast<uInt>(kOut);
      int rc = inflate(&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
        fail(std::string("not a valid gzip file (") + (z.msg ? z.msg : "inflate failed") + ")");
      member_open = rc != Z_STREAM_END;
      size_t got = kOut - z.avail_out;
      if (got && !sink({reinterpret_cast<const char*>(out.get()), got})) {
        inflateEnd(&z);
        ::close(fd);
        return;
      }
      if (rc == Z_STREAM_END) inflateReset(&z);  // another member may follow
      else if (rc == Z_BUF_ERROR && got == 0) break;
    }
  }
  if (member_open) fail("gzip data ends early (truncated file?)");
  inflateEnd(&z);
  ::close(fd);
}

int gunzip_to_temp(const std::string& path) {
  const char* dir = std::getenv("TMPDIR");
  std::string tmpdir = dir && *dir ? dir : "/tmp";
  int fd = ::open(tmpdir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {  // file systems without O_TMPFILE: a named file, unlinked at once
    std::string name = tmpdir + "/ndj-gunzip.XXXXXX";
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) throw Error(kExitFailure, tmpdir + ": cannot create a temporary file: " + errno_text(errno));
    ::unlink(name.c_str());
  }
  try {
    gunzip_file(path, [&](std::string_view data) {
      while (!data.empty()) {
        ssize_t w = ::write(fd, data.data(), data.size());
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) throw Error(kExitFailure, tmpdir + ": writing the decompressed " + path + " failed: " + errno_text(errno));
        data.remove_prefix(static_cast<size_t>(w));
      }
      return true;
    });
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}

}  // namespace ndj
