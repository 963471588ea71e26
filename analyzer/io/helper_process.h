// A helper program run as a child process: the scanner's way to use a library
// it does not trust with hostile input (libhdf5 for dtlint-hdf5, Clang for
// dtlint-clang). The child is started with posix_spawn (never a fork of this
// multithreaded process), answers through a pipe read with a quiet timeout
// and an optional deadline, and is killed and reaped when the object goes.
// Every failure is explained as what happened to the child, in the words its
// reader chooses (HelperWording).
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dtlint {

// An owned file descriptor.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// How one helper's failures are said; each returns the whole message of the
// InputError thrown for the input being read.
class HelperWording {
 public:
  virtual ~HelperWording() = default;
  // The child could not be started (`why`: "no pipe", "…: No such file or directory").
  virtual std::string cannot_start(std::string_view why) const = 0;
  // The child sent nothing for the quiet timeout; it was killed.
  virtual std::string quiet(std::chrono::milliseconds timeout) const = 0;
  // The child did not finish before its deadline; it was killed.
  virtual std::string past_deadline(std::chrono::milliseconds deadline) const = 0;
  // The child's answer broke the protocol (`what`) while it was still running; it was killed.
  virtual std::string malformed(std::string_view what) const = 0;
  // The child kept running after its whole answer; it was killed.
  virtual std::string not_exited() const = 0;
  // The child ended (`wait_status` as waitpid gives it) with its answer
  // broken or incomplete (`what`), or not cleanly.
  virtual std::string ended(int wait_status, std::string_view what) const = 0;
};

struct HelperCommand {
  std::filesystem::path program;
  std::vector<std::string> arguments;  // after argv[0] (the program's path)
  int input_fd = -1;                   // given to the child as descriptor 3 when >= 0
  // The child's standard input is a socket for request() when set, else /dev/null.
  bool takes_requests = false;
  std::chrono::milliseconds quiet_timeout{30'000};
  std::chrono::milliseconds deadline{0};  // wall clock for the whole run; 0: none
};

class HelperProcess {
 public:
  // Throws InputError(path, wording->cannot_start(…)) when the child cannot be started.
  HelperProcess(const HelperCommand& command, std::unique_ptr<const HelperWording> wording, std::string path);
  virtual ~HelperProcess();  // readers derive their own (formats/hdf5.cpp)
  HelperProcess(const HelperProcess&) = delete;
  HelperProcess& operator=(const HelperProcess&) = delete;

  // Asks a serving child for `name` (a u32 little-endian length and the
  // bytes); false when it can no longer take requests.
  bool request(std::string_view name);
  // Fills `buffer`, or throws the child's failure. With `end_allowed`, a clean
  // end of the answer before the first byte returns false.
  bool read_exact(std::span<std::byte> buffer, bool end_allowed = false);
  // Throws the failure: the protocol broke (`what`) or the answer ended,
  // said as what happened to the child when it died or failed.
  [[noreturn]] void fail(const std::string& what);
  // Waits for a child that has sent its whole answer; throws when more bytes
  // follow or it does not exit cleanly.
  void finish();
  // Bytes read from this child so far.
  std::uint64_t bytes_read() const { return bytes_read_; }

 private:
  [[noreturn]] void fail_now(const std::string& reason);
  bool reap(int options);

  std::string path_;
  std::unique_ptr<const HelperWording> wording_;
  std::chrono::milliseconds quiet_timeout_, deadline_;
  std::chrono::steady_clock::time_point started_;
  pid_t pid_ = -1;
  int output_ = -1;
  int requests_ = -1;
  std::uint64_t bytes_read_ = 0;
  int status_ = 0;
};

// Where the scanner looks for a helper program called `name`, in order:
// beside the running executable (the build tree), in ../libexec/dtlint/ from
// it (a relocated install), and `installed` (the configured install location).
std::vector<std::filesystem::path> helper_locations(std::string_view name,
                                                    const std::filesystem::path& installed);

// The first of `candidates` that is an executable file; empty when none is.
std::filesystem::path first_executable(std::span<const std::filesystem::path> candidates);

// "30 s", "250 ms".
std::string duration_text(std::chrono::milliseconds time);

}  // namespace dtlint
