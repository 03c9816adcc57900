// Command-line plumbing shared by every tool: CLI11 set-up with -h/-V,
// errors remapped to exit 2, typed options for durations and sizes, and
// tool_main, the one place where errors become exit codes.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace ndj {

// Names the program, adds -V/--version, sets the help formatting.
void setup_app(CLI::App& app, const char* name);

// Parses argv. Returns -1 to go on, or the exit status to return now:
// 0 after --help/--version, 2 after a usage error (reported as
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
// A whole number of at least 1.
CLI::Option* add_count_option(CLI::App& app, const std::string& name, size_t& n,
                              const std::string& description);
CLI::Option* add_time_option(CLI::App& app, const std::string& name, int64_t& ns,
                             const std::string& description);

// Sets the program name, installs signal handlers and runs `body`,
// mapping ndj::Error to its code, BrokenPipe to a quiet 0, and any other
// exception to 1 with a message.
int tool_main(const char* name, const std::function<int()>& body);

}  // namespace ndj
