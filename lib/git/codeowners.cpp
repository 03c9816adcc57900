// CODEOWNERS: rules parsed once into sections of precompiled patterns; a
// path's owners are worked out once and cached, since a history touches
// the same paths again and again.
#include "git/codeowners.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>

#include "core/diag.hpp"

namespace ndj {

namespace {

// One `[...]` class at the start of `p` against `ch`; `len` gets the
// class's length. False with len 0 when the class is not closed (the `[`
// is then a plain character).
bool class_matches(std::string_view p, char ch, size_t& len) {
  size_t i = 1;
  bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
  if (negate) ++i;
  bool hit = false;
  for (bool first = true; i < p.size() && (first || p[i] != ']'); first = false) {
    char lo = p[i] == '\\' && i + 1 < p.size() ? p[++i] : p[i];
    ++i;
    char hi = lo;
    if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
      hi = p[i + 1] == '\\' && i + 2 < p.size() ? p[i + 2] : p[i + 1];
      i += p[i + 1] == '\\' ? 3 : 2;
    }
    hit |= lo <= ch && ch <= hi;
  }
  if (i >= p.size()) {
    len = 0;
    return false;
  }
  len = i + 1;
  return hit != negate && ch != '/';
}

// Owners are @user, @org/team, @@role or an email address.
bool is_owner(std::string_view t) {
  if (t.size() > 1 && t[0] == '@') return true;
  size_t at = t.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < t.size();
}

// Whitespace-separated tokens; `\` escapes the next character (kept, for
// the glob); a token starting with `#` starts a comment.
std::vector<std::string> tokens(std::string_view line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i == line.size() || line[i] == '#') break;
    std::string t;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) {
      if (line[i] == '\\' && i + 1 < line.size()) t.push_back(line[i++]);
      t.push_back(line[i++]);
    }
    out.push_back(std::move(t));
  }
  return out;
}

struct ParsedRule {
  std::string pattern;
  std::vector<std::string> owners;
};

}  // namespace

bool glob_matches(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0;
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      const bool twice = pi + 1 < p.size() && p[pi + 1] == '*';
      const bool segment_start = pi == 0 || p[pi - 1] == '/';
      if (twice && segment_start && pi + 2 == p.size()) return true;  // `**` at the end: everything below
      if (twice && segment_start && p[pi + 2] == '/') {
        // `**/`: no segment, or any number of them.
        std::string_view rest = p.substr(pi + 3);
        if (glob_matches(rest, t.substr(ti))) return true;
        for (size_t k = ti; k < t.size(); ++k)
          if (t[k] == '/' && glob_matches(rest, t.substr(k + 1))) return true;
        return false;
      }
      std::string_view rest = p.substr(pi + (twice ? 2 : 1));
      for (size_t k = ti;; ++k) {
        if (glob_matches(rest, t.substr(k))) return true;
        if (k == t.size() || t[k] == '/') return false;
      }
    }
    if (ti == t.size()) return false;
    if (c == '?') {
      if (t[ti] == '/') return false;
    } else if (c == '[') {
      size_t len = 0;
      bool hit = class_matches(p.substr(pi), t[ti], len);
      if (len) {
        if (!hit) return false;
        pi += len;
        ++ti;
        continue;
      }
      if (t[ti] != '[') return false;
    } else {
      if (c == '\\' && pi + 1 < p.size()) c = p[++pi];
      if (c != t[ti]) return false;
    }
    ++pi;
    ++ti;
  }
  return ti == t.size();
}

CodeOwners CodeOwners::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(kExitFailure, path + ": " + errno_text(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(kExitFailure, path + ": " + errno_text(errno));
  return parse(text.str(), path);
}

CodeOwners CodeOwners::parse(std::string_view text, const std::string& name) {
  std::vector<std::vector<ParsedRule>> sections(1);  // the rules before any [Section]
  std::map<std::string, size_t> section_index;      // by lower-case name: repeated names are one section
  std::vector<std::string> defaults;                 // of the current section header
  size_t current = 0;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line_no == 1 && line.rfind("\xef\xbb\xbf", 0) == 0) line.remove_prefix(3);
    auto bad = [&](const std::string& why) {
      warn(name + ":" + std::to_string(line_no) + ": " + why + "; line ignored");
    };
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    if (line.empty() || line[0] == '#') continue;

    // [Section], ^[Optional section], [Section][2], each with default owners.
    std::string_view head = line[0] == '^' ? line.substr(1) : line;
    if (!head.empty() && head[0] == '[') {
      size_t close = head.find(']');
      size_t end = close == std::string_view::npos ? close : close + 1;
      if (end != std::string_view::npos && end < head.size() && head[end] == '[') {
        size_t n_close = head.find(']', end);
        end = n_close == std::string_view::npos ? n_close : n_close + 1;
      }
      const bool header = end != std::string_view::npos &&
                          (end == head.size() || std::isspace(static_cast<unsigned char>(head[end])));
      if (header || line[0] == '^') {
        if (!header || close == 1) {
          bad(close == 1 ? "a section needs a name" : "unterminated section header");
          continue;
        }
        std::vector<std::string> owners = tokens(head.substr(end));
        auto not_owner = std::find_if_not(owners.begin(), owners.end(), [](const auto& o) { return is_owner(o); });
        if (not_owner != owners.end()) {
          bad("'" + *not_owner + "' is not an owner (@user, @org/team or an email address)");
          continue;
        }
        std::string key(head.substr(1, close - 1));
        for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        auto [it, fresh] = section_index.try_emplace(key, sections.size());
        if (fresh) sections.emplace_back();
        current = it->second;
        defaults = std::move(owners);
        continue;
      }
    }

    std::vector<std::string> t = tokens(line);
    ParsedRule rule{t[0], {t.begin() + 1, t.end()}};
    auto not_owner = std::find_if_not(rule.owners.begin(), rule.owners.end(), [](const auto& o) { return is_owner(o); });
    if (not_owner != rule.owners.end()) {
      bad("'" + *not_owner + "' is not an owner (@user, @org/team or an email address)");
      continue;
    }
    if (rule.owners.empty()) rule.owners = defaults;
    sections[current].push_back(std::move(rule));
  }

  CodeOwners co;
  for (const auto& section : sections)
    for (const auto& r : section) co.owners_.insert(co.owners_.end(), r.owners.begin(), r.owners.end());
  std::sort(co.owners_.begin(), co.owners_.end());
  co.owners_.erase(std::unique(co.owners_.begin(), co.owners_.end()), co.owners_.end());
  co.sets_.emplace_back();
  co.set_ids_.emplace(std::string(), 0);
  for (const auto& section : sections) {
    Section s;
    for (const auto& r : section) {
      Rule rule;
      std::string_view p = r.pattern;
      rule.anchored = p[0] == '/';
      if (rule.anchored) p.remove_prefix(1);
      rule.dir_only = p.size() > 1 && p.back() == '/' && p[p.size() - 2] != '\\';
      if (rule.dir_only) p.remove_suffix(1);
      rule.anchored |= p.find('/') != std::string_view::npos;  // as in gitignore: a slash inside anchors
      rule.pattern = p;
      rule.literal = p.find_first_of("*?[\\") == std::string_view::npos;
      std::vector<uint32_t> ids;
      for (const auto& o : r.owners)
        ids.push_back(static_cast<uint32_t>(std::lower_bound(co.owners_.begin(), co.owners_.end(), o) - co.owners_.begin()));
      rule.owner_set = co.intern_set(std::move(ids));
      if (!p.empty()) s.rules.push_back(std::move(rule));
    }
    co.sections_.push_back(std::move(s));
  }
  return co;
}

uint32_t CodeOwners::intern_set(std::vector<uint32_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string key(reinterpret_cast<const char*>(ids.data()), ids.size() * sizeof(uint32_t));
  auto [it, fresh] = set_ids_.try_emplace(std::move(key), static_cast<uint32_t>(sets_.size()));
  if (fresh) sets_.push_back(std::move(ids));
  return it->second;
}

// A rule matches a path when it matches the path or one of the directories
// above it (which owns what is under it), except that `dir/*` owns only
// the files directly in dir, as GitHub and GitLab read it.
bool CodeOwners::matches(const Rule& r, std::string_view path) const {
  const bool files_only = r.pattern == "*" || (r.pattern.size() > 1 && r.pattern.ends_with("/*"));
  size_t segment = 0;
  for (size_t end = path.find('/');; end = path.find('/', end + 1)) {
    const bool dir = end != std::string_view::npos;
    const size_t stop = dir ? end : path.size();
    if ((!r.dir_only || dir) && (!files_only || !dir)) {
      std::string_view text = r.anchored ? path.substr(0, stop) : path.substr(segment, stop - segment);
      if (r.literal ? text == r.pattern : glob_matches(r.pattern, text)) return true;
    }
    if (!dir) return false;
    segment = end + 1;
  }
}

std::span<const uint32_t> CodeOwners::owners_of(std::string_view path) {
  if (auto it = cache_.find(path); it != cache_.end()) return sets_[it->second];
  scratch_.clear();
  for (const Section& s : sections_) {
    for (auto r = s.rules.rbegin(); r != s.rules.rend(); ++r) {
      if (!matches(*r, path)) continue;
      const auto& set = sets_[r->owner_set];
      scratch_.insert(scratch_.end(), set.begin(), set.end());
      break;
    }
  }
  uint32_t set = intern_set(scratch_);
  cache_.emplace(std::string(path), set);
  return sets_[set];
}

}  // namespace ndj
