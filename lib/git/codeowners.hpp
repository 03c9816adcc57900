// CODEOWNERS files (GitHub's and GitLab's syntax): who owns each path of a
// repository, for ndj-git --teams.
//
// A rule is a gitignore-style pattern and its owners (@user, @org/team,
// @@role, an email address). `*` and `?` stay within a path segment, `**`
// spans segments, a leading `/` or a slash inside the pattern anchors it at
// the top, a pattern without one matches at any depth, a trailing `/`
// matches directories only, and a pattern that matches a directory owns
// everything under it. `\#` and `\ ` escape. The last matching rule wins;
// GitLab's `[Section]` headers (optionally `^[Section][N] @default owners`)
// each pick their own last match, and a path's owners are the union over the
// sections. A rule without owners in a section with default owners takes
// them; elsewhere it leaves its paths without owners, as on GitHub.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "git/deployment_walk.hpp"

namespace ndj {

class CodeOwners {
 public:
  // Reads `path`; Error(1) when it cannot be read. Lines it cannot parse
  // are reported as warnings "PATH:LINE: ..." and skipped, as GitHub does.
  static CodeOwners load(const std::string& path);
  // The same from the file's text; `name` is used in the warnings.
  static CodeOwners parse(std::string_view text, const std::string& name);

  // The owners of `path` (from the top of the tree, no leading slash), as
  // ids ordered as the owners' names: a sorted id list is sorted by name.
  // Worked out once per path.
  std::span<const uint32_t> owners_of(std::string_view path);
  const std::string& owner(uint32_t id) const { return owners_[id]; }

 private:
  struct Rule {
    std::string pattern;  // without the anchoring `/` and the trailing `/`
    bool anchored = false;
    bool dir_only = false;
    bool literal = false;  // no wildcards: compared as text
    uint32_t owner_set = 0;
  };
  struct Section {
    std::vector<Rule> rules;
  };

  bool matches(const Rule& r, std::string_view path) const;
  uint32_t intern_set(std::vector<uint32_t> ids);

  std::vector<std::string> owners_;
  std::vector<Section> sections_;
  std::vector<std::vector<uint32_t>> sets_;  // owner sets, set 0 empty
  ShaMap<uint32_t> set_ids_;                 // set's ids as bytes -> set
  ShaMap<uint32_t> cache_;                   // path -> owner set
  std::vector<uint32_t> scratch_;
};

// gitignore's glob: `*` and `?` do not match `/`, `**` between slashes (or
// at either end) matches any number of segments, `[...]` classes (`!` or
// `^` negates, `a-z` ranges), `\x` is x.
bool glob_matches(std::string_view pattern, std::string_view text);

}  // namespace ndj
