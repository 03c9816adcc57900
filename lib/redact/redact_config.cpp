// ndj-redact's --config file: per-stream rule sets in JSON.
#include "redact/redact_config.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>

#include "core/atomic_file.hpp"
#include "core/cli.hpp"
#include "core/diag.hpp"
#include "json/json.hpp"
#include "redact/gitleaks_rules.hpp"

namespace ndj {

const Choices<bool> kOthersChoices{{{"drop", false}, {"hash", true}}};

bool parse_rule_path(std::string_view text, bool must_end_with_key, JsonPath& path,
                     std::string& error) {
  if (!parse_json_path(text, path, error)) return false;
  if (must_end_with_key && !path.ends_with_key()) {
    error = "path must end with a field name";
    return false;
  }
  return true;
}

namespace {

using simdjson::dom::element;

class ConfigReader {
 public:
  explicit ConfigReader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw Error(kExitUsage, file_ + ": " + key + ": " + why);
  }

  std::string_view string(element e, const std::string& key) const {
    std::string_view s;
    if (e.get(s)) fail(key, "expected a string");
    return s;
  }

  std::vector<JsonPath> paths(element e, const std::string& key, bool must_end_with_key) const {
    simdjson::dom::array arr;
    if (e.get(arr)) fail(key, "expected an array of paths");
    std::vector<JsonPath> out;
    size_t i = 0;
    for (element item : arr) {
      std::string k = key + "[" + std::to_string(i++) + "]";
      JsonPath p;
      std::string why;
      if (!parse_rule_path(string(item, k), must_end_with_key, p, why)) fail(k, why);
      out.push_back(std::move(p));
    }
    return out;
  }

  RedactRules rules(element e, const std::string& key) const {
    simdjson::dom::object obj;
    if (e.get(obj)) fail(key, "expected an object");
    RedactRules r;
    bool full = false;
    bool others_given = false;
    for (auto [k, v] : obj) {
      std::string name = key + "." + std::string(k);
      if (k == "payload_mode") {
        std::string_view mode = string(v, name);
        if (mode == "full") full = true;
        else if (mode != "metadata-only") fail(name, "expected \"metadata-only\" or \"full\"");
      } else if (k == "hash") {
        r.hash = paths(v, name, true);
      } else if (k == "drop") {
        r.drop = paths(v, name, true);
      } else if (k == "keep") {
        r.keep = paths(v, name, true);
      } else if (k == "mask_in") {
        r.mask_in = paths(v, name, false);
      } else if (k == "others") {
        auto hash = kOthersChoices.parse(string(v, name));
        if (!hash) fail(name, "expected \"drop\" or \"hash\"");
        r.others_hash = *hash;
        others_given = true;
      } else if (k == "algo") {
        auto a = kDigestAlgos.parse(string(v, name));
        if (!a) fail(name, "expected " + alternatives(kDigestAlgos.names()));
        r.algo = *a;
      } else if (k == "mask") {
        simdjson::dom::array arr;
        if (v.get(arr)) fail(name, "expected an array of kinds");
        size_t i = 0;
        for (element item : arr) {
          std::string ik = name + "[" + std::to_string(i++) + "]";
          std::string kind(string(item, ik));
          if (!known_mask_name(kind)) fail(ik, "unknown kind '" + kind + "'");
          r.mask.push_back(kind);
        }
      } else if (k == "rules") {
        add_rules_file(std::string(string(v, name)), r);
      } else if (k == "mask_regex") {
        simdjson::dom::object pats;
        if (v.get(pats)) fail(name, "expected an object of NAME: REGEX");
        for (auto [pn, pv] : pats) {
          std::string pk = name + "." + std::string(pn);
          if (!valid_pattern_name(pn)) fail(pk, "name must be letters, digits, '-' or '_'");
          r.mask_regex.push_back({std::string(pn), std::string(string(pv, pk))});
        }
      } else {
        fail(name, "unknown key");
      }
    }
    if (full && (!r.hash.empty() || !r.keep.empty()))
      fail(key, "payload_mode \"full\" sends free text: it takes no hash or keep list");
    if (others_given && r.keep.empty()) fail(key + ".others", "needs a keep list");
    if (!r.mask_in.empty() && r.mask.empty() && r.mask_regex.empty())
      fail(key + ".mask_in", "needs mask or mask_regex");
    return r;
  }

 private:
  const std::string& file_;
};

}  // namespace

RedactConfig parse_redact_config(std::string_view json, const std::string& file) {
  simdjson::dom::parser parser;
  simdjson::padded_string text(json);
  element root;
  if (auto err = parser.parse(text).get(root))
    throw Error(kExitUsage, file + ": invalid JSON: " + json_error_reason(err));
  ConfigReader reader(file);
  simdjson::dom::object obj;
  if (root.get(obj)) reader.fail("(top level)", "expected an object");
  RedactConfig config;
  bool have_default = false;
  for (auto [k, v] : obj) {
    std::string key(k);
    if (k == "stream_field") {
      config.stream_field = std::string(reader.string(v, key));
      if (config.stream_field.empty()) reader.fail(key, "empty field name");
    } else if (k == "default") {
      config.default_rules = reader.rules(v, key);
      have_default = true;
    } else if (k == "streams") {
      simdjson::dom::object streams;
      if (v.get(streams)) reader.fail(key, "expected an object of stream rules");
      for (auto [name, rules] : streams)
        config.streams.emplace(std::string(name), reader.rules(rules, "streams." + std::string(name)));
    } else {
      reader.fail(key, "unknown key");
    }
  }
  // Fail closed: a record of a stream nobody listed needs a rule too.
  if (!have_default) reader.fail("default", "missing (the rules for records of unlisted streams)");
  return config;
}

void add_rules_file(const std::string& path, RedactRules& r) {
  auto text = read_file(path);
  if (!text) throw Error(kExitFailure, path + ": " + errno_text(errno));
  GitleaksConfig file = parse_gitleaks_config(*text, path);
  for (const auto& w : file.warnings) warn(w);
  if (file.use_default) r.mask.push_back("all");
  const auto& builtins = builtin_secret_rules();
  for (const auto& id : file.disabled) {
    if (std::any_of(builtins.begin(), builtins.end(), [&](const SecretRule& b) { return b.id == id; }))
      r.mask.push_back("-" + id);
    else
      warn(path + ": extend.disabledRules: '" + id + "' is not a rule of ndj-redact");
  }
  for (auto& rule : file.rules) r.rules.push_back(std::move(rule));
}

}  // namespace ndj
