// JSON validation and text helpers.
#include "json/json.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "json/json_check.hpp"
#include "json/json_structure.hpp"
#include "core/line_reader.hpp"

namespace ndj {

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING);

JsonParser::JsonParser() = default;

// The reason for a line simdjson rejected. simdjson's error codes depend on
// the path taken (a DOM parse, stage 1 alone, a stream of documents), so
// every tool names the fault as json_check() finds it, reading from the
// left: the same broken line gets the same reason in every tool.
// `simdjson_reason` serves if json_check() finds nothing wrong.
static const char* invalid_reason(std::string_view text, const char* simdjson_reason) {
  const char* why = json_check(text);
  return why ? why : simdjson_reason;
}

const char* JsonParser::parse(std::string_view text) {
  auto result = parser_.parse(text.data(), text.size(), /*realloc_if_needed=*/false);
  // This line's token offsets, also for the valid line the DOM cannot hold
  // (stage 1 indexed it whole before stage 2 met the number).
  idx_ = parser_.implementation ? parser_.implementation->structural_indexes.get() : nullptr;
  n_ = parser_.implementation ? parser_.implementation->n_structural_indexes : 0;
  has_backslash_ = std::memchr(text.data(), '\\', text.size()) != nullptr;
  if (result.error()) {
    has_root_ = false;
    const char* why = json_check(text);
    if (result.error() == simdjson::NUMBER_ERROR && why == nullptr) return nullptr;
    return why ? why : json_error_reason(result.error());
  }
  root_ = result.value_unsafe();
  has_root_ = true;
  return nullptr;
}

const char* JsonParser::validate(std::string_view text) {
  has_root_ = false;
  if (!parser_.implementation || text.size() > parser_.capacity()) {  // the first call allocates
    // Grow geometrically: line lengths creep up over a file.
    size_t want = std::max<size_t>(std::bit_ceil(text.size()), size_t{1} << 16);
    if (parser_.allocate(std::max(text.size(), std::min(want, parser_.max_capacity()))))
      return json_error_reason(simdjson::CAPACITY);
  }
  auto& impl = *parser_.implementation;
  auto err = impl.stage1(reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                         simdjson::stage1_mode::regular);
  if (err) return invalid_reason(text, json_error_reason(err));
  has_backslash_ = std::memchr(text.data(), '\\', text.size()) != nullptr;
  idx_ = impl.structural_indexes.get();
  n_ = impl.n_structural_indexes;
  if (const char* why = check_structure(text, idx_, n_, has_backslash_)) return invalid_reason(text, why);
  return nullptr;
}

// Why one pass over many lines gives each line the verdict and index of a
// pass over it alone: every line is followed by '\n', which stage 1 refuses
// inside a string (an unescaped control character) and which ends any
// escape or scalar before it. So either the buffer fails (a line with an
// unpaired quote or a bad byte: it is then validated line by line), or
// each line starts outside a string, and its tokens, UTF-8 and control
// character checks are those of the line alone. A trailing unpaired quote
// on the last line fails the buffer as an unclosed string.
void JsonParser::index_lines(std::string_view buffer) {
  bulk_ok_ = false;
  constexpr size_t kMaxBulk = size_t{64} << 20;  // a batch of huge lines goes line by line
  if (buffer.size() > kMaxBulk) return;
  if (!bulk_ || buffer.size() > bulk_->capacity()) {
    size_t want = std::max<size_t>(std::bit_ceil(buffer.size()), size_t{1} << 18);
    if (simdjson::get_active_implementation()->create_dom_parser_implementation(want, 1024, bulk_)) {
      bulk_.reset();
      return;
    }
  }
  if (bulk_->stage1(reinterpret_cast<const uint8_t*>(buffer.data()), buffer.size(), simdjson::stage1_mode::regular))
    return;
  bulk_ok_ = true;
  bulk_next_ = 0;
}

const char* JsonParser::validate_line(std::string_view buffer, size_t begin, size_t size) {
  std::string_view text = buffer.substr(begin, size);
  if (!bulk_ok_) return validate(text);
  const uint32_t* all = bulk_->structural_indexes.get();
  const uint32_t total = bulk_->n_structural_indexes;
  const size_t end = begin + size;
  // The line's first token (a line skipped since the last call is passed over).
  while (bulk_next_ < total && all[bulk_next_] < begin) ++bulk_next_;
  const bool backslash = std::memchr(text.data(), '\\', text.size()) != nullptr;
  // The value must end within the line, and the next token start past it.
  // Any fault goes the single-line way, for its exact reason.
  uint32_t used = 0;
  const uint32_t lo = bulk_next_;
  if (lo == total || all[lo] >= end || check_first_value(buffer, all + lo, total - lo, used) ||
      all[lo + used - 1] >= end || (lo + used < total && all[lo + used] < end) ||
      (backslash && !valid_escapes(text)))
    return validate(text);
  has_root_ = false;
  has_backslash_ = backslash;
  line_idx_.resize(used);
  const auto base = static_cast<uint32_t>(begin);
  std::transform(all + lo, all + lo + used, line_idx_.begin(), [base](uint32_t i) { return i - base; });
  bulk_next_ = lo + used;
  idx_ = line_idx_.data();
  n_ = used;
  return nullptr;
}

const char* json_error_reason(simdjson::error_code code) {
  using namespace simdjson;
  switch (code) {
    case EMPTY: return "empty document";
    case DEPTH_ERROR: return "nesting too deep (limit 1024)";
    case STRING_ERROR: return "bad string";
    case T_ATOM_ERROR: return "bad literal (expected true)";
    case F_ATOM_ERROR: return "bad literal (expected false)";
    case N_ATOM_ERROR: return "bad literal (expected null)";
    case NUMBER_ERROR: return "bad number";
    case NUMBER_OUT_OF_RANGE: return "number out of range";
    case UTF8_ERROR: return "invalid UTF-8";
    case UNESCAPED_CHARS: return "control character inside a string";
    case UNCLOSED_STRING: return "unclosed string";
    case TAPE_ERROR: return "bad structure (missing or extra comma, bracket or brace)";
    case INCOMPLETE_ARRAY_OR_OBJECT: return "truncated (unclosed array or object)";
    case CAPACITY: return "document too large";
    default: return error_message(code);
  }
}

void append_json(std::string& out, simdjson::dom::element e) {
  out.append(simdjson::minify(e));
}

}  // namespace ndj
