// Signal policy (DESIGN.md §1): SIGINT/SIGTERM ask the tool to stop at the
// next line boundary; SIGPIPE is ignored so a closed stdout shows as EPIPE.
#pragma once

namespace ndj {

// Installs the handlers without SA_RESTART, so a blocking read or poll
// returns EINTR and the tool notices the request promptly.
void install_signal_handlers();

bool stop_requested();
// The signal that asked us to stop (0 if none).
int stop_signal();
// 128 + signal, the status a non-streaming tool exits with when stopped.
int interrupted_exit_code();

}  // namespace ndj
