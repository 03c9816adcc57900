// Signal policy (DESIGN.md §1): SIGINT/SIGTERM ask the tool to stop at the
// next line boundary; SIGPIPE is ignored so a closed stdout shows as EPIPE.
#pragma once
#include <signal.h>

namespace ndj {

// Installs the handlers without SA_RESTART, so a blocking read or poll
// returns EINTR and the tool notices the request promptly.
void install_signal_handlers();

bool stop_requested();
// The signal that asked us to stop (0 if none).
int stop_signal();
// 128 + signal, the status a non-streaming tool exits with when stopped.
int interrupted_exit_code();

// Blocks the asynchronous signals in the calling thread (threads it starts
// inherit the mask) and restores the mask when destroyed: SIGINT/SIGTERM
// must reach the thread that waits for input, never a worker.
class BlockSignals {
 public:
  BlockSignals();
  ~BlockSignals();
  BlockSignals(const BlockSignals&) = delete;
  BlockSignals& operator=(const BlockSignals&) = delete;

 private:
  sigset_t old_;
};

}  // namespace ndj
