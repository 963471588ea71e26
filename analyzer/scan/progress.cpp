#include "analyzer/scan/progress.h"

#include <cstdio>
#include <string>

namespace dtlint {
namespace {

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) bytes /= 1000, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

}  // namespace

Progress::Progress(bool enabled, std::uint64_t files) : files_(files) {
  if (enabled) thread_ = std::thread([this] { run(); });
}

Progress::~Progress() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  thread_.join();
  if (printed_) std::fputs("\r\033[K", stderr);
}

void Progress::run() {
  std::unique_lock lock(mutex_);
  while (!stop_signal_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; })) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (seconds < 0.5) continue;
    print(seconds);
    printed_ = true;
  }
}

void Progress::print(double seconds) const {
  const auto done = static_cast<double>(bytes_done_.load(std::memory_order_relaxed));
  const auto total = static_cast<double>(bytes_total_.load(std::memory_order_relaxed));
  std::fprintf(stderr, "\r\033[Kdtlint: %s of %s, %llu of %llu files, %s/s", human_bytes(done).c_str(),
               human_bytes(total).c_str(), static_cast<unsigned long long>(files_done_.load()),
               static_cast<unsigned long long>(files_), human_bytes(done / seconds).c_str());
  std::fflush(stderr);
}

}  // namespace dtlint
