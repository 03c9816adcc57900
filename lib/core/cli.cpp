// CLI plumbing and the top-level error handler.
#include "core/cli.hpp"

#include <algorithm>
#include <iostream>
#include <new>

#include "core/diag.hpp"
#include "core/signals.hpp"
#include "core/timefmt.hpp"
#include "json/json_text.hpp"

#ifndef NDJ_VERSION
#define NDJ_VERSION "0.0.0"
#endif

namespace ndj {

void setup_app(CLI::App& app, const char* name) {
  app.name(name);
  app.set_version_flag("-V,--version", std::string(name) + " (ndj) " NDJ_VERSION);
  app.get_formatter()->column_width(26);
}

namespace {

// The value lists ride on a validator's name, which the spec reads back:
// "choices:a|b|c" or "suggestions:a|b|c".
constexpr std::string_view kChoices = "choices:", kSuggestions = "suggestions:";

std::string join(const std::vector<std::string>& values, std::string_view sep) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += sep;
    out += v;
  }
  return out;
}

// The list of a with_choices or with_suggestions validator; empty when the
// option has none.
std::vector<std::string> listed_values(CLI::Option* opt) {
  for (int i = 0;; ++i) {
    CLI::Validator* v = nullptr;
    try {
      v = opt->get_validator(i);
    } catch (const CLI::OptionNotFound&) {
      return {};
    }
    std::string_view name = v->get_name();
    for (std::string_view prefix : {kChoices, kSuggestions}) {
      if (name.substr(0, prefix.size()) != prefix) continue;
      std::vector<std::string> values;
      for (name.remove_prefix(prefix.size()); !name.empty();) {
        size_t bar = std::min(name.find('|'), name.size());
        values.emplace_back(name.substr(0, bar));
        name.remove_prefix(std::min(bar + 1, name.size()));
      }
      return values;
    }
  }
}

void append_json_strings(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, items[i]);
  }
  out += ']';
}

// How the shell completes a value (see completion_spec in cli.hpp).
std::string_view value_completion(const CLI::Option* opt, const std::string& value_name) {
  if (value_name == "FILE" || (opt->get_positional() && value_name == "PATH")) return "file";
  if (value_name == "DIR" || (opt->get_positional() && value_name == "REPO")) return "dir";
  return "nothing";
}

}  // namespace

CLI::Option* with_choices(CLI::Option* opt, std::vector<std::string> values) {
  std::string name = std::string(kChoices) + join(values, "|");
  return opt->check(CLI::Validator(
      [values](std::string& v) {
        for (const auto& c : values)
          if (v == c) return std::string();
        return "expected " + alternatives(values) + ", got '" + v + "'";
      },
      "", name));
}

CLI::Option* with_suggestions(CLI::Option* opt, std::vector<std::string> values) {
  return opt->check(CLI::Validator([](std::string&) { return std::string(); }, "",
                                   std::string(kSuggestions) + join(values, "|")));
}

std::string completion_spec(CLI::App& app) {
  std::string out;
  for (CLI::Option* opt : app.get_options([](CLI::Option*) { return true; })) {
    if (opt->get_group().empty()) continue;  // hidden
    std::vector<std::string> names;
    for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    if (opt->get_positional()) names.push_back(opt->get_name());
    out += "{\"names\":";
    append_json_strings(out, names);
    out += ",\"value\":";
    const bool flag = opt->get_expected_max() == 0;
    const std::string value_name = opt->get_positional() ? opt->get_name() : opt->get_type_name();
    if (flag) out += "null";
    else append_json_string(out, value_name);
    const std::vector<std::string> words = flag ? std::vector<std::string>{} : listed_values(opt);
    out += ",\"complete\":\"";
    out += flag ? "nothing" : !words.empty() ? "words" : value_completion(opt, value_name);
    out += "\",\"words\":";
    append_json_strings(out, words);
    out += ",\"list\":";
    out += opt->get_delimiter() == ',' ? "true" : "false";
    out += ",\"repeat\":";
    const bool repeat = opt->get_items_expected_max() > 1 ||
                        opt->get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
    out += repeat ? "true" : "false";
    out += ",\"positional\":";
    out += opt->get_positional() ? "true" : "false";
    out += ",\"description\":";
    append_json_string(out, opt->get_description());
    out += "}\n";
  }
  return out;
}

int parse_command_line(CLI::App& app, int argc, char** argv) {
  // A repeatable option takes one value per occurrence, as in curl and jq
  // (`--hash a --hash b FILE`): left greedy, CLI11 would swallow FILE.
  for (CLI::Option* opt : app.get_options())
    if (!opt->get_positional() && opt->get_items_expected_max() > 1)
      opt->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  // For the build (completions/gen), not for users: not a CLI11 option, so
  // that --help does not show it.
  if (argc == 2 && std::string_view(argv[1]) == "--completion-spec") {
    std::cout << completion_spec(app) << std::flush;
    return 0;
  }
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::cout << app.version() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }
}

int usage_error(const std::string& message) {
  error(message);
  std::string hint = "Try '" + program_name() + " --help'.\n";
  std::cerr << hint;
  return kExitUsage;
}

CLI::Option* add_duration_option(CLI::App& app, const std::string& name, int64_t& ns,
                                 const std::string& description) {
  return app
      .add_option_function<std::string>(
          name,
          [&ns, name](const std::string& v) {
            auto d = parse_duration(v);
            if (!d) throw CLI::ValidationError(name, "bad duration '" + v + "' (examples: 90d, 36h, 1h30m, 500ms)");
            ns = *d;
          },
          description)
      ->type_name("DURATION");
}

CLI::Option* add_size_option(CLI::App& app, const std::string& name, size_t& bytes,
                             const std::string& description) {
  return app
      .add_option_function<std::string>(
          name,
          [&bytes, name](const std::string& v) {
            auto s = parse_size(v);
            if (!s || *s == 0) throw CLI::ValidationError(name, "bad size '" + v + "' (examples: 1000, 512k, 1M)");
            bytes = *s;
          },
          description)
      ->type_name("SIZE");
}

CLI::Option* add_count_option(CLI::App& app, const std::string& name, size_t& n,
                              const std::string& description, size_t min) {
  return app
      .add_option_function<std::string>(
          name,
          [&n, name, min](const std::string& v) {
            size_t pos = 0;
            unsigned long long x = 0;
            try {
              x = std::stoull(v, &pos);
            } catch (const std::exception&) {
              pos = 0;
            }
            if (v.empty() || pos != v.size() || x < min || v[0] == '-')
              throw CLI::ValidationError(name, "expected a whole number" +
                                                   (min ? " of at least " + std::to_string(min) : std::string()) +
                                                   ", got '" + v + "'");
            n = static_cast<size_t>(x);
          },
          description)
      ->type_name("N");
}

CLI::Option* add_time_option(CLI::App& app, const std::string& name, TimeArg& time,
                             const std::string& description) {
  return app
      .add_option_function<std::string>(
          name,
          [&time, name](const std::string& v) {
            auto t = TimeArg::parse(v);
            if (!t) throw CLI::ValidationError(name, "bad time '" + v + "' (" + kTimeArgForms + ")");
            time = *t;
          },
          description)
      ->type_name("TIME");
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> items;
  if (s.empty()) return items;
  size_t start = 0;
  for (size_t comma; (comma = s.find(',', start)) != std::string_view::npos; start = comma + 1)
    items.emplace_back(s.substr(start, comma - start));
  items.emplace_back(s.substr(start));
  return items;
}

bool split_key_value(std::string_view s, std::string& key, std::string& value) {
  size_t eq = s.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == s.size()) return false;
  key = s.substr(0, eq);
  value = s.substr(eq + 1);
  return true;
}

bool valid_pattern_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return false;
  return true;
}

bool parse_name_regex(std::string_view option, std::string_view s, std::string& name, std::string& regex,
                      std::string& error) {
  if (split_key_value(s, name, regex) && valid_pattern_name(name)) return true;
  error = std::string(option) + " expects NAME=REGEX (NAME: letters, digits, '-', '_')";
  return false;
}

int tool_main(const char* name, const std::function<int()>& body) {
  set_program_name(name);
  install_signal_handlers();
  try {
    return body();
  } catch (const Error& e) {
    error(e.what());
    return e.code();
  } catch (const BrokenPipe&) {
    return kExitOk;
  } catch (const std::bad_alloc&) {
    error("out of memory");
    return kExitFailure;
  } catch (const std::exception& e) {
    error(e.what());
    return kExitFailure;
  }
}

}  // namespace ndj
