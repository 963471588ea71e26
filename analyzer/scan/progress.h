// A progress line on stderr for long scans: bytes, files and rate. Only when
// asked (the CLI asks when stderr is a terminal), and only after half a second.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace dtlint {

class Progress {
 public:
  Progress(bool enabled, std::uint64_t files);
  ~Progress();  // clears the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void add_bytes(std::uint64_t bytes) { bytes_done_.fetch_add(bytes, std::memory_order_relaxed); }
  void add_total(std::uint64_t bytes) { bytes_total_.fetch_add(bytes, std::memory_order_relaxed); }
  void file_done() { files_done_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void run();
  void print(double seconds) const;

  const std::uint64_t files_;
  std::atomic<std::uint64_t> bytes_done_{0}, bytes_total_{0}, files_done_{0};
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  bool printed_ = false;
  std::thread thread_;
};

}  // namespace dtlint
