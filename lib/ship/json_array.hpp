// Splitting a JSON array line into its elements without re-serialising
// them, e.g. a batch from ndj-batch into an NDJSON request body, or a
// rejected body into the parts it is bisected into.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

// The elements of the JSON array `text`, byte for byte, whitespace around
// them dropped. `text` must already be valid JSON (the scan only tracks
// strings and nesting); nullopt if it is not an array.
std::optional<std::vector<std::string_view>> array_elements(std::string_view text);

// Appends each element of the JSON array `text` to `out`, one per line
// ("\n" after each); returns false if it is not an array.
bool append_array_as_ndjson(std::string_view text, std::string& out);

// The records of a request body: the lines of an NDJSON body, or the
// elements of a JSON array body; nullopt for any other body (one JSON
// object: it cannot be split).
std::optional<std::vector<std::string_view>> body_records(std::string_view body, bool ndjson);

// A body of the same form holding records[first, last).
std::string body_of(const std::vector<std::string_view>& records, size_t first, size_t last, bool ndjson);

}  // namespace ndj
