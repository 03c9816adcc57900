// Signal handlers: set a flag, let the tool finish the line in hand.
#include "core/signals.hpp"

#include <csignal>

namespace ndj {

namespace {
volatile std::sig_atomic_t g_signal = 0;

void on_stop(int sig) { g_signal = sig; }
}  // namespace

void install_signal_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking calls must return EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return g_signal != 0; }
int stop_signal() { return g_signal; }
int interrupted_exit_code() { return g_signal ? 128 + g_signal : 0; }

}  // namespace ndj
