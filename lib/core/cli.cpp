// CLI plumbing and the top-level error handler.
#include "core/cli.hpp"

#include <new>

#include "core/diag.hpp"
#include "core/signals.hpp"
#include "core/timefmt.hpp"

#ifndef NDJ_VERSION
#define NDJ_VERSION "0.0.0"
#endif

namespace ndj {

void setup_app(CLI::App& app, const char* name) {
  app.name(name);
  app.set_version_flag("-V,--version", std::string(name) + " (ndj) " NDJ_VERSION);
  app.get_formatter()->column_width(26);
}

int parse_command_line(CLI::App& app, int argc, char** argv) {
  // A repeatable option takes one value per occurrence, as in curl and jq
  // (`--hash a --hash b FILE`): left greedy, CLI11 would swallow FILE.
  for (CLI::Option* opt : app.get_options())
    if (!opt->get_positional() && opt->get_items_expected_max() > 1)
      opt->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
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

CLI::Option* add_time_option(CLI::App& app, const std::string& name, int64_t& ns,
                             const std::string& description) {
  return app
      .add_option_function<std::string>(
          name,
          [&ns, name](const std::string& v) {
            auto t = parse_rfc3339(v);
            if (!t) throw CLI::ValidationError(name, "bad time '" + v + "' (RFC 3339, e.g. 2026-11-22T10:00:00Z)");
            ns = *t;
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
