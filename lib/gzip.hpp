// gzip (RFC 1952) in memory, for Content-Encoding: gzip request bodies.
#pragma once
#include <string>
#include <string_view>

namespace ndj {

// Replaces `out` with the gzip member of `in`. Level 1 by default: telemetry
// JSON shrinks several times even at the fastest level, and the sender must
// keep up with the pipe. Throws Error(1) if zlib fails (out of memory).
void gzip_compress(std::string_view in, std::string& out, int level = 1);

// Replaces `out` with the decompressed data; false if `in` is not gzip.
bool gzip_decompress(std::string_view in, std::string& out);

}  // namespace ndj
