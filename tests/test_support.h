// Shared helpers for the tests: running the dtlint binary, temporary folders.
#pragma once

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

#include "analyzer/input_error.h"

namespace dtlint::testing_support {

inline const std::string kSourceDir = DTLINT_SOURCE_DIR;

// What a scan of examples/ says on stderr: its C/C++ file has no compile
// command (a build without the Clang front end notes the file as skipped instead).
#ifdef DTLINT_CLANG_HELPER
inline const std::string kExamplesNotice =
    "dtlint: 1 C/C++ file is not in a compilation database (no compile_commands.json found): parsed with "
    "-std=c++17 defaults; pass -p BUILD_DIR\n";
#else
inline const std::string kExamplesNotice;
#endif

// Built with sanitizers (-DDTLINT_SANITIZE): code runs several times slower and
// freed memory is held in quarantine, so bounds on time and memory mean less.
#ifdef DTLINT_SANITIZED
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif

// A bound on wall time for a test that guards against a cost growing with its
// input (not a benchmark): generous, and ten times that under sanitizers.
inline double time_limit(double seconds) {
  return kSanitizedBuild ? 10 * seconds : seconds;
}

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  long max_rss_kib = 0;  // the command's own peak resident memory (its shell's and its children's)
};

// A fresh, empty folder under the system's temporary folder, removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("dtlint-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A .npy file as NumPy writes it: version 1.0, the header dict padded with
// spaces and a '\n' so that the data starts at a multiple of 64, then `data`
// (the element bytes, as given).
inline std::string npy_bytes(std::string_view descr, std::string_view shape, std::string_view data,
                             bool fortran = false) {
  std::string dict = "{'descr': '" + std::string(descr) +
                     "', 'fortran_order': " + (fortran ? "True" : "False") +
                     ", 'shape': " + std::string(shape) + ", }";
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += static_cast<char>(dict.size() & 0xFF);
  out += static_cast<char>(dict.size() >> 8);
  return out + dict + std::string(data);
}

// Writes `text` to `path`, creating its folders.
inline void write_text(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Runs the rest of a scope from another working directory, as the CLI would be run there.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const std::filesystem::path& dir) : previous_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~WorkingDirectory() { std::filesystem::current_path(previous_); }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;

 private:
  std::filesystem::path previous_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs the dtlint binary with `args` (a shell-quoted string) from `cwd`.
// `env` (e.g. "NAME=value") is prepended to the command's environment.
inline CommandResult run_dtlint(const std::string& args, const std::string& cwd = kSourceDir,
                                const std::string& env = "") {
  TempDir tmp;
  const std::string out = tmp / "stdout", err = tmp / "stderr";
  const std::string command = "cd '" + cwd + "' && " + env + " '" + std::string(DTLINT_BINARY) + "' " + args +
                              " >'" + out + "' 2>'" + err + "' </dev/null";
  // The shell runs in a child of a child, so that the peak memory measured is
  // this command's alone, not that of every command the suite ran before
  // (getrusage(RUSAGE_CHILDREN) keeps the largest of them).
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return {};
  const pid_t measurer = ::fork();
  if (measurer == 0) {
    ::close(pipe_fds[0]);
    const int status = std::system(command.c_str());
    rusage usage{};
    ::getrusage(RUSAGE_CHILDREN, &usage);
    const long report[2] = {WIFEXITED(status) ? WEXITSTATUS(status) : -1, usage.ru_maxrss};
    const ssize_t written = ::write(pipe_fds[1], report, sizeof report);
    ::_exit(written == sizeof report ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  long report[2] = {-1, 0};
  if (measurer > 0 && ::read(pipe_fds[0], report, sizeof report) != sizeof report) report[0] = -1;
  ::close(pipe_fds[0]);
  if (measurer > 0) ::waitpid(measurer, nullptr, 0);
  CommandResult result;
  result.exit_code = static_cast<int>(report[0]);
  result.max_rss_kib = report[1];
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

// Passes when `action` throws an InputError for `display_path` whose reason
// contains `phrase`; the phrase pins down which check fired.
inline testing::AssertionResult fails_with(const std::function<void()>& action, std::string_view display_path,
                                           std::string_view phrase) {
  try {
    action();
  } catch (const InputError& error) {
    if (error.path() != display_path) {
      return testing::AssertionFailure()
             << "InputError path '" << error.path() << "', expected '" << display_path << "'";
    }
    if (error.reason().find(phrase) == std::string::npos) {
      return testing::AssertionFailure()
             << "reason \"" << error.reason() << "\" does not contain \"" << phrase << "\"";
    }
    return testing::AssertionSuccess() << error.reason();
  } catch (const std::exception& error) {
    return testing::AssertionFailure() << "threw a non-InputError: " << error.what();
  }
  return testing::AssertionFailure() << "no error; expected one containing \"" << phrase << "\"";
}

}  // namespace dtlint::testing_support
