// CODEOWNERS: the glob, then a table of patterns and paths for every rule
// of the syntax (anchors, directories, depth, `*`, `**`, escapes, comments,
// owners, last match wins, GitLab sections and their default owners).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "git/codeowners.hpp"

using namespace ndj;

namespace {

std::string owners(CodeOwners& co, std::string_view path) {
  std::string s;
  for (uint32_t id : co.owners_of(path)) s += (s.empty() ? "" : " ") + co.owner(id);
  return s;
}

struct Case {
  const char* file;  // CODEOWNERS text
  const char* path;
  const char* owners;  // space-separated, sorted; "" for none
};

}  // namespace

TEST_CASE("glob: * and ? stay in a segment, ** spans segments, classes, escapes") {
  CHECK(glob_matches("*.js", "app.js"));
  CHECK_FALSE(glob_matches("*.js", "src/app.js"));
  CHECK(glob_matches("a?c", "abc"));
  CHECK_FALSE(glob_matches("a?c", "a/c"));
  CHECK(glob_matches("**/x", "x"));
  CHECK(glob_matches("**/x", "a/b/x"));
  CHECK(glob_matches("a/**/b", "a/b"));
  CHECK(glob_matches("a/**/b", "a/x/y/b"));
  CHECK_FALSE(glob_matches("a/**/b", "a/x/y/c"));
  CHECK(glob_matches("a/**", "a/x/y"));
  CHECK_FALSE(glob_matches("a/**", "a"));
  CHECK(glob_matches("[a-c]x", "bx"));
  CHECK_FALSE(glob_matches("[!a-c]x", "bx"));
  CHECK(glob_matches("[^a-c]x", "dx"));
  CHECK(glob_matches("\\#x", "#x"));
  CHECK(glob_matches("a\\ b", "a b"));
  CHECK(glob_matches("[ab", "[ab"));  // an unclosed class is text
  CHECK_FALSE(glob_matches("a*", "a/b"));
}

TEST_CASE("CODEOWNERS: a table of rules and paths") {
  const std::vector<Case> cases = {
      // `*` owns everything; a later rule wins over it.
      {"* @org/all\n*.js @org/js\n", "README.md", "@org/all"},
      {"* @org/all\n*.js @org/js\n", "web/src/app.js", "@org/js"},
      // Last match wins, whatever the patterns' specificity.
      {"/api/ @org/api\n*.go @org/go\n", "api/main.go", "@org/go"},
      {"*.go @org/go\n/api/ @org/api\n", "api/main.go", "@org/api"},
      // A leading slash anchors at the top.
      {"/docs/ @org/docs\n", "docs/a.md", "@org/docs"},
      {"/docs/ @org/docs\n", "src/docs/a.md", ""},
      // Without a slash, a name at any depth (file or directory).
      {"docs @org/docs\n", "src/docs/a.md", "@org/docs"},
      {"docs @org/docs\n", "docs", "@org/docs"},
      {"Makefile @org/build\n", "tools/x/Makefile", "@org/build"},
      // A trailing slash: directories only, at any depth, with all below.
      {"build/ @org/build\n", "build", ""},
      {"build/ @org/build\n", "a/build/x/y.o", "@org/build"},
      // A slash inside anchors it (gitignore).
      {"src/api @org/api\n", "src/api/x.go", "@org/api"},
      {"src/api @org/api\n", "lib/src/api/x.go", ""},
      // dir/* owns only the files directly in dir.
      {"/docs/* @org/docs\n", "docs/a.md", "@org/docs"},
      {"/docs/* @org/docs\n", "docs/guide/a.md", ""},
      // ** at the start: any depth; in the middle: zero or more directories;
      // at the end: everything inside.
      {"**/logs @org/ops\n", "logs/a", "@org/ops"},
      {"**/logs @org/ops\n", "deep/er/logs/a", "@org/ops"},
      {"/docs/**/*.md @org/docs\n", "docs/a.md", "@org/docs"},
      {"/docs/**/*.md @org/docs\n", "docs/x/y/a.md", "@org/docs"},
      {"/docs/**/*.md @org/docs\n", "docs/x/y/a.txt", ""},
      {"/data/** @org/data\n", "data/x/y", "@org/data"},
      // Comments, blank lines, inline comments, escaped # and spaces.
      {"# * @org/nobody\n\n  \n*.md @org/docs # the docs\n", "a.md", "@org/docs"},
      {"\\#notes @org/notes\n", "#notes", "@org/notes"},
      {"my\\ file @org/space\n", "my file", "@org/space"},
      // Owners: users, teams, roles, email addresses; several, sorted, unique.
      {"* @zed @org/b jane@example.com @@maintainer @org/b\n", "x", "@@maintainer @org/b @zed jane@example.com"},
      // A rule without owners leaves its paths without owners.
      {"* @org/all\n/generated/\n", "generated/x.go", ""},
      // GitLab sections: each picks its own last match, owners add up.
      {"* @org/all\n[Docs]\n*.md @org/docs\n[Review]\n/docs/ @org/review\n", "docs/a.md",
       "@org/all @org/docs @org/review"},
      {"* @org/all\n[Docs]\n*.md @org/docs\n", "a.go", "@org/all"},
      // Default owners of a section, and a rule of its own overriding them.
      {"[Docs] @org/docs\ndocs/\nblog/ @org/blog\n", "docs/a", "@org/docs"},
      {"[Docs] @org/docs\ndocs/\nblog/ @org/blog\n", "blog/a", "@org/blog"},
      // Optional sections and approval counts; names case-insensitive, repeated
      // sections are one (the last match over both parts wins).
      {"^[Docs][2] @org/docs\n*.md\n[docs]\n*.md @org/other\n", "a.md", "@org/other"},
      // A line starting with a class is a pattern, not a section.
      {"[ab]*.txt @org/ab\n", "a1.txt", "@org/ab"},
      // A bad line is skipped (with a warning), the rest still applies.
      {"* @org/all\n*.md nobody\n", "a.md", "@org/all"},
  };
  for (const auto& c : cases) {
    INFO(c.file << "path: " << c.path);
    CodeOwners co = CodeOwners::parse(c.file, "CODEOWNERS");
    CHECK(owners(co, c.path) == c.owners);
    CHECK(owners(co, c.path) == c.owners);  // again, from the cache
  }
}
