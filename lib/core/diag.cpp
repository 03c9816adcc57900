// Diagnostics: one message format for every tool.
#include "core/diag.hpp"

#include <cstring>
#include <unistd.h>

namespace ndj {

namespace {
std::string g_name = "ndj";

void emit(const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(2, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report to
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}
}  // namespace

void set_program_name(std::string_view name) { g_name = std::string(name); }
const std::string& program_name() { return g_name; }

void error(std::string_view message) {
  std::string s;
  s.reserve(g_name.size() + message.size() + 3);
  s.append(g_name).append(": ").append(message).push_back('\n');
  emit(s);
}

void warn(std::string_view message) {
  std::string s = g_name + ": warning: ";
  s.append(message).push_back('\n');
  emit(s);
}

void line_error(std::string_view file, uint64_t line, std::string_view message) {
  std::string s = g_name + ": ";
  s.append(file).append(":").append(std::to_string(line)).append(": ").append(message);
  s.push_back('\n');
  emit(s);
}

std::string errno_text(int err) { return std::strerror(err); }

std::string bad_line_reason(std::string_view why, bool complete, std::string_view prefix) {
  std::string reason(prefix);
  reason += why;
  if (!complete) reason += " (last line has no newline: truncated?)";
  return reason;
}

}  // namespace ndj
