// Command-line plumbing shared by every tool: CLI11 set-up with -h/-V,
// errors remapped to exit 2, typed options for durations and sizes, and
// tool_main, the one place where errors become exit codes.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/choices.hpp"
#include "core/local_time.hpp"

namespace ndj {

// Names the program, adds -V/--version, sets the help formatting.
void setup_app(CLI::App& app, const char* name);

// Enumerated values, written once for validation and completion (the
// option's description names them for --help).
// with_choices: the option takes one of `values` (each item, for an option
// split at commas), checked while parsing ("--from: expected start or end,
// got 'x'"). with_suggestions: the shell completes `values`, other values
// may be valid too (checked by the tool).
CLI::Option* with_choices(CLI::Option* opt, std::vector<std::string> values);
template <class E>
CLI::Option* with_choices(CLI::Option* opt, const Choices<E>& choices) {
  return with_choices(opt, choices.names());
}
CLI::Option* with_suggestions(CLI::Option* opt, std::vector<std::string> values);

// One JSON line per option and operand of `app`, in definition order:
// {"names":[...],"value":NAME or null for a flag,"complete":"file", "dir",
// "words" or "nothing","words":[...],"list":true for a comma-separated
// list,"repeat":true when it may be given again,"positional":true for an
// operand,"description":"..."}. A value named FILE completes file names,
// DIR directory names; so do the operands FILE and PATH (files) and REPO
// (a directory).
std::string completion_spec(CLI::App& app);

// Parses argv. Returns -1 to go on, or the exit status to return now:
// 0 after --help/--version, 0 after `ndj-X --completion-spec` (alone: it
// prints completion_spec(app), which the build's completions/gen turns into
// the bash and zsh completions), 2 after a usage error (reported as
// "ndj-X: reason" and "Try 'ndj-X --help'.").
int parse_command_line(CLI::App& app, int argc, char** argv);

// Reports a usage error detected after parsing (bad combination of options)
// and returns 2.
int usage_error(const std::string& message);

// Options whose values are durations ("1h30m") or sizes ("1M"), validated
// while parsing so a bad value is a usage error naming the option.
CLI::Option* add_duration_option(CLI::App& app, const std::string& name, int64_t& ns,
                                 const std::string& description);
CLI::Option* add_size_option(CLI::App& app, const std::string& name, size_t& bytes,
                             const std::string& description);
// A whole number of at least `min` (1 unless 0 means something).
CLI::Option* add_count_option(CLI::App& app, const std::string& name, size_t& n,
                              const std::string& description, size_t min = 1);
// A TimeArg, checked while parsing; the tool resolves it afterwards, with
// its --tz and --now.
CLI::Option* add_time_option(CLI::App& app, const std::string& name, TimeArg& time,
                             const std::string& description);

// Option values made of parts.
// A `FIELD,...` list split at every comma: "" gives no item, and empty
// items are kept ("a,,b" gives "a", "", "b"; "a," gives "a", "").
std::vector<std::string> split_list(std::string_view s);
// `K=V`, split at the first '=': false when there is none, or K or V is
// empty (V may hold more '=').
bool split_key_value(std::string_view s, std::string& key, std::string& value);
// A pattern name: 1 to 64 letters, digits, '-' and '_' (printed inside
// "[REDACTED:NAME]").
bool valid_pattern_name(std::string_view name);
// `NAME=REGEX` for `option` (ndj-redact's --mask-regex): split_key_value
// with a valid_pattern_name; otherwise false with the usage error text in
// `error`. The regex is not compiled here.
bool parse_name_regex(std::string_view option, std::string_view s, std::string& name, std::string& regex,
                      std::string& error);

// Sets the program name, installs signal handlers and runs `body`,
// mapping ndj::Error to its code, BrokenPipe to a quiet 0, and any other
// exception to 1 with a message.
int tool_main(const char* name, const std::function<int()>& body);

}  // namespace ndj
