#include "analyzer/scan/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "analyzer/formats/untrusted_text.h"

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

// The terminal's width, so that the line never wraps (a wrapped line is not
// cleared by the next one); 80 when it cannot be told.
std::size_t terminal_columns(std::FILE* out) {
  winsize size{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

Progress::Progress(bool enabled, std::uint64_t files, std::FILE* out) : files_(files), out_(out) {
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
  if (printed_) std::fputs("\r\033[K", out_);
}

Progress::Reading::Reading(Progress& progress, const std::string& file)
    : progress_(progress.thread_.joinable() ? &progress : nullptr), file_(file) {
  if (progress_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(progress_->mutex_);
  std::vector<FileInProgress>& files = progress_->in_progress_;
  // Files idle for a while are done (or waiting): forget them.
  std::erase_if(files,
                [&](const FileInProgress& f) { return f.active == 0 && now - f.last_seen > kNameAfter; });
  auto it =
      std::find_if(files.begin(), files.end(), [&](const FileInProgress& f) { return *f.file == file; });
  if (it == files.end()) it = files.insert(files.end(), FileInProgress{&file, now, now, 0});
  ++it->active;
}

Progress::Reading::~Reading() {
  if (progress_ == nullptr) return;
  std::lock_guard lock(progress_->mutex_);
  for (FileInProgress& f : progress_->in_progress_) {
    if (*f.file == file_) {
      --f.active;
      f.last_seen = std::chrono::steady_clock::now();
      return;
    }
  }
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

std::string Progress::long_read(std::size_t room) const {
  const auto now = std::chrono::steady_clock::now();
  const FileInProgress* longest = nullptr;
  for (const FileInProgress& f : in_progress_) {
    if (f.active > 0 && now - f.since >= kNameAfter && (longest == nullptr || f.since < longest->since)) {
      longest = &f;
    }
  }
  if (longest == nullptr) return "";
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - longest->since).count();
  const std::string before = ", reading ", after = " (" + std::to_string(seconds) + " s)";
  // The name escaped (it must not drive the terminal), then cut to its end, which names the file.
  std::string name = escape_untrusted(*longest->file, std::string::npos);
  constexpr std::size_t kShortest = 12;
  if (before.size() + after.size() + kShortest > room) return "";
  const std::size_t fits = room - before.size() - after.size();
  if (name.size() > fits) name = "..." + name.substr(name.size() - (fits - 3));
  return before + name + after;
}

void Progress::print(double seconds) {
  const auto done = static_cast<double>(bytes_done_.load(std::memory_order_relaxed));
  const auto total = static_cast<double>(bytes_total_.load(std::memory_order_relaxed));
  char line[160];
  std::snprintf(line, sizeof line, "dtlint: %s of %s, %llu of %llu files, %s/s", human_bytes(done).c_str(),
                human_bytes(total).c_str(), static_cast<unsigned long long>(files_done_.load()),
                static_cast<unsigned long long>(files_), human_bytes(done / seconds).c_str());
  const std::string text = line;
  const std::size_t columns = terminal_columns(out_) - 1;  // the last column would wrap on some terminals
  const std::string reading = text.size() < columns ? long_read(columns - text.size()) : "";
  std::fprintf(out_, "\r\033[K%s%s", text.c_str(), reading.c_str());
  std::fflush(out_);
}

}  // namespace dtlint
