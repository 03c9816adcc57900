// Fuzz the members ndj-tail --id-field adds without re-serialising, and the
// answers ClickHouse sends ndj-post (untrusted: a receiver's text): for any
// valid JSON object the result is valid JSON with the member set and every
// other byte kept; non-objects are refused; the answer readers never crash.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/line_reader.hpp"
#include "json/json.hpp"
#include "json/json_members.hpp"
#include "ship/sink_clickhouse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  ndj::ClickHouseSink ch;
  ch.classify(500, s);
  ch.blamed_record(s);
  ch.explain(s);

  static ndj::JsonParser parser, check;
  std::string padded(s);
  padded.append(ndj::kLinePadding, ' ');
  std::string_view text(padded.data(), size);
  if (parser.validate(text)) return 0;
  const ndj::RawMember set[] = {{"\"id\"", "\"0123456789abcdef-42\""}, {"\"source\"", "\"app\""}};
  std::string out;
  bool is_object = text.find_first_not_of(" \t\r\n") != std::string_view::npos &&
                   text[text.find_first_not_of(" \t\r\n")] == '{';
  bool ok = ndj::append_with_members(out, text, parser.structural_indexes(), parser.structural_count(), set);
  if (ok != is_object) std::abort();
  if (!ok) return out.empty() ? 0 : (std::abort(), 0);
  std::string back = out;
  back.append(ndj::kLinePadding, ' ');
  if (check.parse(std::string_view(back.data(), out.size()))) std::abort();
  if (check.has_root()) {
    simdjson::dom::object o;
    if (check.root().get_object().get(o)) std::abort();
    std::string_view id, source;
    if (o["id"].get(id) || id != "0123456789abcdef-42") std::abort();
    if (o["source"].get(source) || source != "app") std::abort();
  }
  return 0;
}
