// Stream names from globs and stems, record ids from positions.
#include "tail/record_tags.hpp"

#include <fnmatch.h>

#include <charconv>

#include "core/atomic_file.hpp"

namespace ndj {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// The path without what logrotate adds: ".gz", then ".N" or "-DATE".
std::string without_rotation(std::string path) {
  if (path.ends_with(".gz")) path.resize(path.size() - 3);
  size_t cut = path.find_last_of(".-");
  if (cut != std::string::npos && cut > path.rfind('/') + 1 && all_digits(std::string_view(path).substr(cut + 1)))
    path.resize(cut);
  return path;
}

const StreamRule* match(const std::string& path, const std::vector<StreamRule>& rules) {
  std::string name = base_name(path);
  for (const auto& r : rules) {
    bool full = r.glob.find('/') != std::string::npos;
    if (::fnmatch(r.glob.c_str(), (full ? path : name).c_str(), full ? FNM_PATHNAME : 0) == 0) return &r;
  }
  return nullptr;
}

}  // namespace

std::optional<StreamRule> parse_stream_rule(std::string_view arg, std::string& why) {
  size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == arg.size()) {
    why = "expected NAME=GLOB";
    return std::nullopt;
  }
  StreamRule r{std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1))};
  if (r.glob.find('/') != std::string::npos && r.glob[0] != '/') r.glob = absolute_path(r.glob);
  return r;
}

std::string stream_of(const std::string& path, const std::vector<StreamRule>& rules) {
  std::string abs = absolute_path(path);
  if (const StreamRule* r = match(abs, rules)) return r->name;
  std::string plain = without_rotation(abs);
  if (plain != abs)
    if (const StreamRule* r = match(plain, rules)) return r->name;
  std::string name = base_name(abs);
  return name.substr(0, name.find('.', 1));
}

void append_record_id(std::string& out, std::string_view fp, uint64_t offset) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, offset).ptr;
  out.push_back('"');
  out.append(fp).push_back('-');
  out.append(digits, end).push_back('"');
}

}  // namespace ndj
