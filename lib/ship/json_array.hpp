// Splitting a JSON array line into its elements without re-serialising
// them, e.g. a batch from ndj-batch into an NDJSON request body.
#pragma once
#include <string>
#include <string_view>

namespace ndj {

// Appends each element of the JSON array `text` to `out`, byte for byte,
// one per line ("\n" after each). `text` must already be valid JSON (the
// scan only tracks strings and nesting); returns false if it is not an
// array. Whitespace around elements is dropped.
bool append_array_as_ndjson(std::string_view text, std::string& out);

}  // namespace ndj
