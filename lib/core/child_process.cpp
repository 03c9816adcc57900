// Helper programs run with posix_spawn: no shell, so no quoting and no
// injection through repository names, branch names or patterns.
#include "core/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/diag.hpp"
#include "core/output.hpp"

extern char** environ;

namespace ndj {

namespace {

constexpr size_t kChunk = size_t{1} << 20;

int anonymous_temp_file() {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/ndj-stderr.XXXXXX";
  int fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) throw Error(kExitFailure, "cannot create a temporary file: " + errno_text(errno));
  unlink(path.c_str());
  return fd;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env)
    : program_(argv.at(0)), buf_(new char[kChunk]), cap_(kChunk) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw Error(kExitFailure, "cannot create a pipe: " + errno_text(errno));
  out_fd_ = fds[0];
  enlarge_pipe(out_fd_);  // fewer, larger reads: fewer context switches
  err_fd_ = anonymous_temp_file();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd_, 2);
  // Our SIGPIPE is ignored (and ignored signals survive exec): the child
  // gets the default dispositions back, so it dies quietly when we stop early.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e) {
    std::string_view var(*e);
    std::string_view name = var.substr(0, var.find('=') + 1);
    if (std::none_of(env.begin(), env.end(), [&](const std::string& v) { return v.rfind(name, 0) == 0; }))
      envp.push_back(*e);
  }
  for (const auto& v : env) envp.push_back(const_cast<char*>(v.c_str()));
  envp.push_back(nullptr);
  int rc = posix_spawnp(&pid_, program_.c_str(), &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    pid_ = -1;
    close(out_fd_);
    close(err_fd_);
    out_fd_ = err_fd_ = -1;
    throw Error(kExitFailure, "cannot run " + program_ + ": " + errno_text(rc));
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) wait(true);
  if (err_fd_ >= 0) close(err_fd_);
}

bool ChildProcess::fill() {
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  if (end_ == cap_) {
    // One record larger than the buffer (a huge commit message): grow.
    std::unique_ptr<char[]> bigger(new char[cap_ * 2]);
    std::memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    cap_ *= 2;
  }
  for (;;) {
    ssize_t n = read(out_fd_, buf_.get() + end_, cap_ - end_);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      return true;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    throw Error(kExitFailure, "reading the output of " + program_ + ": " + errno_text(errno));
  }
}

bool ChildProcess::next(std::string_view& record, char delim) {
  for (;;) {
    if (scan_ < end_) {
      const void* hit = std::memchr(buf_.get() + scan_, delim, end_ - scan_);
      if (hit) {
        size_t at = static_cast<size_t>(static_cast<const char*>(hit) - buf_.get());
        record = std::string_view(buf_.get() + begin_, at - begin_);
        begin_ = scan_ = at + 1;
        return true;
      }
      scan_ = end_;
    }
    if (eof_ || !fill()) {
      eof_ = true;
      if (begin_ == end_) return false;
      record = std::string_view(buf_.get() + begin_, end_ - begin_);
      begin_ = scan_ = end_;
      return true;
    }
  }
}

int ChildProcess::wait(bool stopped_early) {
  if (out_fd_ >= 0) {
    close(out_fd_);
    out_fd_ = -1;
  }
  if (pid_ <= 0) return 0;
  if (stopped_early) kill(pid_, SIGTERM);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) {
      pid_ = -1;
      throw Error(kExitFailure, "waiting for " + program_ + ": " + errno_text(errno));
    }
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  int sig = WTERMSIG(status);
  if (stopped_early && (sig == SIGTERM || sig == SIGPIPE)) return 0;
  return 128 + sig;
}

std::string ChildProcess::error_text(bool all_lines) const {
  std::string text;
  if (err_fd_ < 0) return text;
  char chunk[4096];
  off_t at = 0;
  for (;;) {
    ssize_t n = pread(err_fd_, chunk, sizeof chunk, at);
    if (n <= 0) break;
    text.append(chunk, static_cast<size_t>(n));
    at += n;
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (size_t nl = text.rfind('\n'); nl != std::string::npos && !all_lines) text.erase(0, nl + 1);
  return text;
}

namespace {

// Reads everything the child writes. Raw chunks, not records: the
// delimiter only bounds how much is appended at a time.
int drain(ChildProcess& child, std::string& out) {
  out.clear();
  std::string_view chunk;
  bool first = true;
  while (child.next(chunk, '\0')) {
    if (!first) out.push_back('\0');
    out.append(chunk);
    first = false;
  }
  return child.wait();
}

}  // namespace

int run_and_capture(const std::vector<std::string>& argv, std::string& out) {
  ChildProcess child(argv);
  return drain(child, out);
}

std::string run_and_capture(const std::vector<std::string>& argv) {
  ChildProcess child(argv);
  std::string out;
  if (int status = drain(child, out); status != 0) {
    std::string why = child.error_text();
    throw Error(kExitFailure, argv[0] + " failed" +
                                  (why.empty() ? " (exit " + std::to_string(status) + ")" : ": " + why));
  }
  return out;
}

}  // namespace ndj
