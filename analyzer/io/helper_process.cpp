#include "analyzer/io/helper_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include "analyzer/input_error.h"

extern char** environ;

namespace dtlint {
namespace {

namespace fs = std::filesystem;

// A frame's worth in the pipe: fewer wake-ups while data streams (a hint; the default 64 KiB works).
constexpr int kPipeBytes = 1 << 20;

}  // namespace

HelperProcess::HelperProcess(const HelperCommand& command, std::unique_ptr<const HelperWording> wording,
                             std::string path)
    : path_(std::move(path)),
      wording_(std::move(wording)),
      quiet_timeout_(command.quiet_timeout),
      deadline_(command.deadline),
      started_(std::chrono::steady_clock::now()) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw InputError(path_, wording_->cannot_start("no pipe"));
  Descriptor read_end(pipe_fds[0]);
  Descriptor write_end(pipe_fds[1]);
  ::fcntl(write_end.get(), F_SETPIPE_SZ, kPipeBytes);
  // Both far from 0-3, so that no dup2 below overwrites the other's source.
  Descriptor input(command.input_fd >= 0 ? ::fcntl(command.input_fd, F_DUPFD_CLOEXEC, 10) : -1);
  Descriptor output(::fcntl(write_end.get(), F_DUPFD_CLOEXEC, 10));
  if ((command.input_fd >= 0 && input.get() < 0) || output.get() < 0)
    throw InputError(path_, wording_->cannot_start("no descriptor"));

  // A socket rather than a pipe, so that writing to a child that died is
  // an error (MSG_NOSIGNAL), never a SIGPIPE for the scanner.
  int request_fds[2] = {-1, -1};
  if (command.takes_requests && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, request_fds) != 0)
    throw InputError(path_, wording_->cannot_start("no socket"));
  Descriptor request_end(request_fds[0]);
  Descriptor child_requests(command.takes_requests ? ::fcntl(request_fds[1], F_DUPFD_CLOEXEC, 10) : -1);
  if (command.takes_requests) ::close(request_fds[1]);
  if (command.takes_requests && child_requests.get() < 0)
    throw InputError(path_, wording_->cannot_start("no descriptor"));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (command.takes_requests) {
    posix_spawn_file_actions_adddup2(&actions, child_requests.get(), 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, output.get(), 1);
  // The libraries may print (libhdf5's errors, the compiler's diagnostics): never to the user.
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  if (input.get() >= 0) posix_spawn_file_actions_adddup2(&actions, input.get(), 3);
  posix_spawn_file_actions_addclosefrom_np(&actions, input.get() >= 0 ? 4 : 3);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> all_arguments{command.program.string()};
  all_arguments.insert(all_arguments.end(), command.arguments.begin(), command.arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : all_arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const int error =
      ::posix_spawn(&pid_, command.program.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    pid_ = -1;
    throw InputError(path_, wording_->cannot_start(command.program.string() + ": " + std::strerror(error)));
  }
  output_ = read_end.release();
  requests_ = request_end.release();
}

HelperProcess::~HelperProcess() {
  ::close(output_);
  if (requests_ >= 0) ::close(requests_);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

bool HelperProcess::request(std::string_view name) {
  std::string message(4, '\0');
  for (std::size_t i = 0; i < 4; ++i) message[i] = static_cast<char>((name.size() >> (8 * i)) & 0xff);
  message += name;
  for (std::string_view rest = message; !rest.empty();) {
    const ssize_t sent = ::send(requests_, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    rest.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool HelperProcess::read_exact(std::span<std::byte> buffer, bool end_allowed) {
  std::size_t filled = 0;
  while (filled < buffer.size()) {
    std::chrono::milliseconds timeout = quiet_timeout_;
    bool deadline_near = false;
    if (deadline_.count() > 0) {
      const auto left = deadline_ - std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - started_);
      if (left.count() <= 0) fail_now(wording_->past_deadline(deadline_));
      if (left < timeout) {
        timeout = left;
        deadline_near = true;
      }
    }
    pollfd ready{output_, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(timeout.count()));
    if (polled < 0 && errno == EINTR) continue;
    if (polled == 0)
      fail_now(deadline_near ? wording_->past_deadline(deadline_) : wording_->quiet(quiet_timeout_));
    const ssize_t got = ::read(output_, buffer.data() + filled, buffer.size() - filled);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) {
      if (filled == 0 && end_allowed) return false;
      fail("its answer ends early");
    }
    filled += static_cast<std::size_t>(got);
    bytes_read_ += static_cast<std::uint64_t>(got);
  }
  return true;
}

void HelperProcess::fail(const std::string& what) {
  // A child that closed its output is usually exiting: give it a moment.
  for (int i = 0; i < 200 && pid_ > 0; ++i) {
    if (reap(WNOHANG)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(0);
    throw InputError(path_, wording_->malformed(what));
  }
  throw InputError(path_, wording_->ended(status_, what));
}

void HelperProcess::finish() {
  std::byte extra;
  if (read_exact(std::span<std::byte>(&extra, 1), true)) fail("more bytes after its end");
  for (int i = 0; i < 2000 && pid_ > 0; ++i) {
    if (reap(WNOHANG)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (pid_ > 0) fail_now(wording_->not_exited());
  if (!WIFEXITED(status_) || WEXITSTATUS(status_) != 0)
    throw InputError(path_, wording_->ended(status_, "it did not exit cleanly"));
}

void HelperProcess::fail_now(const std::string& reason) {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(0);
  }
  throw InputError(path_, reason);
}

bool HelperProcess::reap(int options) {
  int status = 0;
  pid_t done;
  while ((done = ::waitpid(pid_, &status, options)) < 0 && errno == EINTR) {
  }
  if (done != pid_) return false;
  status_ = status;
  pid_ = -1;
  return true;
}

std::vector<fs::path> helper_locations(std::string_view name, const fs::path& installed) {
  std::vector<fs::path> locations;
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    locations.push_back(executable.parent_path() / name);
    locations.push_back(executable.parent_path().parent_path() / "libexec/dtlint" / name);
  }
  locations.push_back(installed);
  return locations;
}

fs::path first_executable(std::span<const fs::path> candidates) {
  for (const fs::path& candidate : candidates) {
    struct stat status {};
    if (::stat(candidate.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

std::string duration_text(std::chrono::milliseconds time) {
  const auto ms = time.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace dtlint
