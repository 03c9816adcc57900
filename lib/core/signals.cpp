// Signal handlers: set a flag, let the tool finish the line in hand; and
// the signal mask of worker threads.
#include "core/signals.hpp"

#include <csignal>
#include <initializer_list>

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

BlockSignals::BlockSignals() {
  sigset_t all;
  sigfillset(&all);
  // Faults must still be delivered to the thread that caused them.
  for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) sigdelset(&all, s);
  pthread_sigmask(SIG_BLOCK, &all, &old_);
}

BlockSignals::~BlockSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

}  // namespace ndj
