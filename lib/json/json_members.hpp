// Members added to a JSON object without re-serialising it: the record's
// bytes are copied and the new members written before its closing brace
// (ndj-tail --id-field and --source-field).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ndj {

// A member to set: `key` is the name as a JSON string literal (quotes
// included), `value` one JSON value's text.
struct RawMember {
  std::string_view key;
  std::string_view value;
};

inline constexpr size_t kMaxMembers = 8;

// Appends the object `text` to `out` with the members of `set` (at most
// kMaxMembers): a
// top-level member of the same name (written without escapes) has its value
// replaced in place, the others are added after the last member, or into
// `{}`. Every other byte of `text` is copied as it is. `text` must be
// valid JSON whose stage-1 index is idx[0, n) (JsonParser::validate).
// Returns false, appending nothing, if it is not an object.
bool append_with_members(std::string& out, std::string_view text, const uint32_t* idx, uint32_t n,
                         std::span<const RawMember> set);

}  // namespace ndj
