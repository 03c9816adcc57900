// What ndj-tail --id-field and --source-field add to each record: the
// record's id (its file's fingerprint and its byte offset: the identity the
// cursor uses, so a record sent again after a crash has the same id) and
// the name of its stream (--stream NAME=GLOB, else the file's stem).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ndj {

// --stream NAME=GLOB: files matching GLOB belong to stream NAME. A GLOB
// with a '/' is matched against the file's absolute path (relative GLOBs
// are made absolute when parsed), one without against its name.
struct StreamRule {
  std::string name;
  std::string glob;
};
// nullopt and `why` set if `arg` is not NAME=GLOB.
std::optional<StreamRule> parse_stream_rule(std::string_view arg, std::string& why);

// The stream of the file at `path`: the first rule whose GLOB matches it,
// or, when none does, the first one matching its name without a rotation
// suffix (.gz, .1, -20261207); else the stem: its name up to the first '.'
// (app.ndjson.1 and app.ndjson are both "app").
std::string stream_of(const std::string& path, const std::vector<StreamRule>& rules);

// Appends "FP-OFFSET", the id of the record starting at `offset` in the
// file whose fingerprint (hex, needing no escapes) is `fp`, as a JSON
// string literal.
void append_record_id(std::string& out, std::string_view fp, uint64_t offset);

}  // namespace ndj
