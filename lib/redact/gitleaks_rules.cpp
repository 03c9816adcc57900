// Reading a gitleaks configuration file with toml++.
#include "redact/gitleaks_rules.hpp"

#include <re2/re2.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "core/diag.hpp"

namespace ndj {

namespace {

class Reader {
 public:
  Reader(const std::string& file, GitleaksConfig& out) : file_(file), out_(out) {}

  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw Error(kExitUsage, file_ + ": " + key + ": " + why);
  }
  void warn(const std::string& key, const std::string& what) {
    out_.warnings.push_back(file_ + ": " + key + ": " + what);
  }

  // Every key of `t` must be one of `known`.
  void known_keys(const toml::table& t, const std::string& where, std::initializer_list<std::string_view> known) {
    for (const auto& [k, v] : t) {
      (void)v;
      if (std::find(known.begin(), known.end(), k.str()) == known.end())
        fail(where.empty() ? std::string(k.str()) : where + "." + std::string(k.str()),
             "unknown key (known: " + join(known) + ")");
    }
  }

  static re2::RE2::Options quiet() {
    re2::RE2::Options o;
    o.set_log_errors(false);
    return o;
  }

  // RE2 (the syntax gitleaks' Go regexes share); returns its groups.
  int check_regex(const std::string& regex, const std::string& key) const {
    re2::RE2 re(regex, quiet());
    if (!re.ok()) fail(key, re.error());
    if (regex.find("\\A") != std::string::npos || regex.find("\\z") != std::string::npos)
      fail(key, "\\A and \\z are not supported (use ^ and $: strings are scanned line by line)");
    return re.NumberOfCapturingGroups();
  }

  std::string string(const toml::node& n, const std::string& key) const {
    auto s = n.value<std::string>();
    if (!n.is_string() || !s) fail(key, "expected a string");
    return *s;
  }

  const toml::table& table(const toml::node& n, const std::string& key) const {
    const toml::table* t = n.as_table();
    if (!t) fail(key, "expected a table");
    return *t;
  }

  // Calls each(table, "KEY[i]") for the tables of an array of tables;
  // `expected` says what else is an error.
  template <class Each>
  void tables(const toml::node& n, const std::string& key, const char* expected, Each each) const {
    const toml::array* arr = n.as_array();
    if (!arr) fail(key, expected);
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string k = key + "[" + std::to_string(i) + "]";
      each(table((*arr)[i], k), k);
    }
  }

  std::vector<std::string> strings(const toml::node& n, const std::string& key) const {
    const toml::array* a = n.as_array();
    if (!a) fail(key, "expected an array of strings");
    std::vector<std::string> v;
    for (size_t i = 0; i < a->size(); ++i) v.push_back(string((*a)[i], key + "[" + std::to_string(i) + "]"));
    return v;
  }

  SecretAllowlist allowlist(const toml::table& t, const std::string& key, std::vector<std::string>* targets) {
    known_keys(t, key, {"description", "condition", "regexTarget", "regexes", "stopwords", "paths", "commits",
                        "targetRules"});
    SecretAllowlist a;
    if (const auto* n = t.get("condition")) {
      std::string c = string(*n, key + ".condition");
      if (c != "OR" && c != "AND") fail(key + ".condition", "expected \"OR\" or \"AND\"");
      a.all = c == "AND";
    }
    if (const auto* n = t.get("regexTarget")) {
      std::string target = string(*n, key + ".regexTarget");
      if (target == "secret") a.target = SecretAllowlist::Target::kSecret;
      else if (target == "match") a.target = SecretAllowlist::Target::kMatch;
      else if (target == "line") a.target = SecretAllowlist::Target::kLine;
      else fail(key + ".regexTarget", "expected \"secret\", \"match\" or \"line\"");
    }
    if (const auto* n = t.get("regexes")) a.regexes = strings(*n, key + ".regexes");
    for (size_t i = 0; i < a.regexes.size(); ++i) check_regex(a.regexes[i], key + ".regexes[" + std::to_string(i) + "]");
    if (const auto* n = t.get("stopwords")) a.stopwords = strings(*n, key + ".stopwords");
    for (const char* k : {"paths", "commits"}) {
      const auto* n = t.get(k);
      if (!n) continue;
      strings(*n, key + "." + k);
      if (a.all) {
        warn(key + "." + k, "records have no file paths or commits, so this AND allowlist never applies");
        a.regexes.clear();
        a.stopwords.clear();
        a.all = false;
      } else {
        warn(key + "." + k, "ignored: records have no file paths or commits");
      }
    }
    if (const auto* n = t.get("targetRules")) {
      if (!targets) fail(key + ".targetRules", "only a global allowlist names its rules");
      *targets = strings(*n, key + ".targetRules");
    }
    return a;
  }

  SecretRule rule(const toml::table& t, const std::string& key) {
    known_keys(t, key, {"id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags",
                        "allowlist", "allowlists", "skipReport"});
    SecretRule r;
    const auto* id = t.get("id");
    if (!id) fail(key, "a rule needs an id");
    r.id = string(*id, key + ".id");
    if (r.id.empty()) fail(key + ".id", "empty");
    for (char c : r.id)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
        fail(key + ".id", "'" + r.id + "': letters, digits, '-', '_' and '.' only");
    r.kind = r.id;
    if (const auto* n = t.get("path")) {
      string(*n, key + ".path");
      if (!t.get("regex")) {
        warn(key, "'" + r.id + "' matches file paths only: skipped");
        r.regex.clear();
        return r;
      }
      warn(key + ".path", "ignored: the rule applies to every record");
    }
    const auto* regex = t.get("regex");
    if (!regex) fail(key, "'" + r.id + "' has no regex");
    r.regex = string(*regex, key + ".regex");
    int groups = check_regex(r.regex, key + ".regex");
    if (re2::RE2::FullMatch("", re2::RE2(r.regex, quiet()))) fail(key + ".regex", "matches the empty string");
    if (const auto* n = t.get("secretGroup")) {
      auto v = n->value<int64_t>();
      if (!n->is_integer() || !v || *v < 0 || *v > 99) fail(key + ".secretGroup", "expected an integer 0-99");
      r.secret_group = static_cast<int>(*v);
      if (r.secret_group > groups)
        fail(key + ".secretGroup", std::to_string(r.secret_group) + " but the regex has " + std::to_string(groups) +
                                       " groups");
    }
    if (const auto* n = t.get("entropy")) {
      auto v = n->value<double>();
      if (!(n->is_floating_point() || n->is_integer()) || !v || *v < 0 || *v > 8)
        fail(key + ".entropy", "expected a number 0-8 (bits a byte)");
      r.entropy = *v;
    }
    if (const auto* n = t.get("keywords")) r.keywords = strings(*n, key + ".keywords");
    for (auto& k : r.keywords)
      if (k.empty()) fail(key + ".keywords", "empty keyword");
    if (const auto* n = t.get("tags")) strings(*n, key + ".tags");
    if (const auto* n = t.get("description")) string(*n, key + ".description");
    if (const auto* n = t.get("skipReport")) {
      if (!n->is_boolean()) fail(key + ".skipReport", "expected true or false");
      if (n->value<bool>().value_or(false)) warn(key + ".skipReport", "ignored: a match is masked all the same");
    }
    if (const auto* n = t.get("allowlist"))
      r.allowlists.push_back(allowlist(table(*n, key + ".allowlist"), key + ".allowlist", nullptr));
    if (const auto* n = t.get("allowlists"))
      tables(*n, key + ".allowlists", "expected an array of tables", [&](const toml::table& a, const std::string& k) {
        r.allowlists.push_back(allowlist(a, k, nullptr));
      });
    return r;
  }

  void read(const toml::table& root) {
    known_keys(root, "", {"title", "description", "minVersion", "extend", "rules", "allowlist", "allowlists"});
    for (const char* k : {"title", "description", "minVersion"})
      if (const auto* n = root.get(k)) string(*n, k);
    if (const auto* n = root.get("extend")) {
      const toml::table* e = &table(*n, "extend");
      known_keys(*e, "extend", {"useDefault", "path", "url", "disabledRules"});
      if (e->get("path") || e->get("url"))
        fail(e->get("path") ? "extend.path" : "extend.url",
             "not supported: put the rules of the base file in this one");
      if (const auto* u = e->get("useDefault")) {
        if (!u->is_boolean()) fail("extend.useDefault", "expected true or false");
        out_.use_default = u->value<bool>().value_or(false);
      }
      if (const auto* d = e->get("disabledRules")) out_.disabled = strings(*d, "extend.disabledRules");
    }
    if (const auto* n = root.get("rules"))
      tables(*n, "rules", "expected [[rules]] tables", [&](const toml::table& t, const std::string& key) {
        SecretRule r = rule(t, key);
        if (r.regex.empty()) return;
        for (const auto& other : out_.rules)
          if (other.id == r.id) fail(key + ".id", "'" + r.id + "' is defined twice");
        out_.rules.push_back(std::move(r));
      });
    // Global allowlists apply to the file's rules (or those they name).
    std::vector<std::pair<SecretAllowlist, std::vector<std::string>>> global;
    auto add_global = [&](const toml::table& a, const std::string& key) {
      std::vector<std::string> targets;
      global.emplace_back(allowlist(a, key, &targets), targets);
    };
    if (const auto* n = root.get("allowlist")) add_global(table(*n, "allowlist"), "allowlist");
    if (const auto* n = root.get("allowlists")) tables(*n, "allowlists", "expected [[allowlists]] tables", add_global);
    for (const auto& [list, targets] : global) {
      for (const auto& t : targets)
        if (std::none_of(out_.rules.begin(), out_.rules.end(), [&](const SecretRule& r) { return r.id == t; }))
          warn("allowlists", "targetRules names '" + t + "', which is not a rule of this file");
      for (auto& r : out_.rules)
        if (targets.empty() || std::find(targets.begin(), targets.end(), r.id) != targets.end())
          r.allowlists.push_back(list);
    }
  }

 private:
  static std::string join(std::initializer_list<std::string_view> words) {
    std::string s;
    for (auto w : words) {
      if (!s.empty()) s += ", ";
      s += w;
    }
    return s;
  }

  const std::string& file_;
  GitleaksConfig& out_;
};

}  // namespace

GitleaksConfig parse_gitleaks_config(std::string_view text, const std::string& file) {
  GitleaksConfig config;
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw Error(kExitUsage, file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                                std::string(e.description()));
  }
  Reader(file, config).read(root);
  if (config.rules.empty() && !config.use_default)
    throw Error(kExitUsage, file + ": no rules (give [[rules]] or [extend] useDefault = true)");
  return config;
}

}  // namespace ndj
