// gzip (RFC 1952): in memory, for Content-Encoding: gzip request bodies, and
// from files, for logs that logrotate compressed before they were shipped.
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace ndj {

// Replaces `out` with the gzip member of `in`. Level 1 by default: telemetry
// JSON shrinks several times even at the fastest level, and the sender must
// keep up with the pipe. Throws Error(1) if zlib fails (out of memory).
void gzip_compress(std::string_view in, std::string& out, int level = 1);

// Replaces `out` with the decompressed data; false if `in` is not gzip.
bool gzip_decompress(std::string_view in, std::string& out);

// Decompresses the gzip file at `path` (all its members, as gzip -d does)
// and hands the data to `sink` in pieces until it returns false or the data
// ends. Throws Error(1) "PATH: reason" if the file cannot be read or is not
// gzip; a truncated file is an error only after what it held was handed on.
void gunzip_file(const std::string& path, const std::function<bool(std::string_view)>& sink);

// The decompressed content of the gzip file at `path` in an anonymous
// temporary file (in $TMPDIR, else /tmp; gone when closed): a descriptor
// open for reading at offset 0. Throws Error(1).
int gunzip_to_temp(const std::string& path);

}  // namespace ndj
