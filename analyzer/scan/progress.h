// A progress line on stderr for long scans: bytes, files and rate, and the file
// being read once one has taken a while (a huge or sparse file is visibly
// being read, not hanging). Only when asked (the CLI asks when stderr is a
// terminal), and only after half a second.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dtlint {

class Progress {
 public:
  // `out` is stderr but for tests.
  Progress(bool enabled, std::uint64_t files, std::FILE* out = stderr);
  ~Progress();  // clears the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void add_bytes(std::uint64_t bytes) { bytes_done_.fetch_add(bytes, std::memory_order_relaxed); }
  void add_total(std::uint64_t bytes) { bytes_total_.fetch_add(bytes, std::memory_order_relaxed); }
  void file_done() { files_done_.fetch_add(1, std::memory_order_relaxed); }

  // Work on one file (a chunk, a streamed member) from construction to
  // destruction. `file` must outlive the Progress.
  class Reading {
   public:
    Reading(Progress& progress, const std::string& file);
    ~Reading();
    Reading(const Reading&) = delete;
    Reading& operator=(const Reading&) = delete;

   private:
    Progress* progress_;  // nullptr when the line is off: nothing to track
    const std::string& file_;
  };
  Reading reading(const std::string& file) { return Reading(*this, file); }

  // A file read for longer than this is named on the line.
  static constexpr std::chrono::milliseconds kNameAfter{1000};

 private:
  // A file with work in progress, or that had some within kNameAfter: the
  // chunks of one file come and go, and the file counts from its first.
  struct FileInProgress {
    const std::string* file;
    std::chrono::steady_clock::time_point since, last_seen;
    unsigned active = 0;
  };

  void run();
  void print(double seconds);
  // ", reading FILE (12 s)" for the file read longest, once past kNameAfter,
  // in at most `room` characters; "" otherwise.
  std::string long_read(std::size_t room) const;

  const std::uint64_t files_;
  std::FILE* const out_;
  std::atomic<std::uint64_t> bytes_done_{0}, bytes_total_{0}, files_done_{0};
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mutex_;  // guards everything below
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  bool printed_ = false;
  std::vector<FileInProgress> in_progress_;
  std::thread thread_;
};

}  // namespace dtlint
