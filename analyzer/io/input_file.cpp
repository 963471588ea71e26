#include "analyzer/io/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <limits>
#include <string_view>
#include <system_error>
#include <utility>

#include "analyzer/input_error.h"

namespace dtlint {
namespace {

// std::strerror is not thread-safe and the scan opens files on many threads.
std::string errno_message(int error) {
  return std::generic_category().message(error);
}

std::string_view file_type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "directory";
  if (S_ISFIFO(mode)) return "FIFO";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  return "unknown file type";
}

void require_regular(mode_t mode, const std::string& display_path) {
  if (!S_ISREG(mode)) {
    throw InputError(display_path, "not a regular file (" + std::string(file_type_name(mode)) + ")");
  }
}

// The folder that holds the file a path names, as a descriptor (closed on
// destruction; AT_FDCWD for a short path), and the file's name in it.
// The kernel refuses a path of PATH_MAX bytes or more (ENAMETOOLONG), but a
// folder walk finds files at any depth: a longer path is opened a run of whole
// folder names at a time, each shorter than PATH_MAX, relative to the one
// before. Names resolve as they would in one call (links followed, ".."
// physical), since the kernel resolves a path one name at a time anyway.
class ParentFolder {
 public:
  explicit ParentFolder(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    if (path.size() < PATH_MAX || slash == std::string::npos) {
      name_ = path;
      return;
    }
    name_ = path.substr(slash + 1);
    std::string_view folders = std::string_view(path).substr(0, slash + 1);
    while (!folders.empty()) {
      std::size_t cut = folders.size();
      if (cut >= PATH_MAX) {
        const std::size_t last = folders.rfind('/', PATH_MAX - 2);
        cut = last == std::string_view::npos ? 0 : last + 1;
      }
      if (cut == 0) {  // one name longer than PATH_MAX: no file system allows it
        close();
        fd_ = -1;
        errno = ENAMETOOLONG;
        return;
      }
      const std::string run(folders.substr(0, cut));
      // O_PATH: passing through a folder needs only search permission, as in one call.
      const int next = ::openat(fd_, run.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      const int error = errno;
      close();
      fd_ = next;
      if (next < 0) {
        errno = error;
        return;
      }
      folders.remove_prefix(cut);
    }
  }
  ~ParentFolder() { close(); }
  ParentFolder(const ParentFolder&) = delete;
  ParentFolder& operator=(const ParentFolder&) = delete;

  bool opened() const { return fd_ != -1; }  // else errno says why
  int fd() const { return fd_; }
  const char* name() const { return name_.c_str(); }

 private:
  void close() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd_ = AT_FDCWD;
  std::string name_;
};

}  // namespace

int stat_path(const std::filesystem::path& file, struct stat& status) {
  const ParentFolder folder(file.string());
  if (!folder.opened()) return -1;
  return ::fstatat(folder.fd(), folder.name(), &status, 0);
}

int open_path(const std::filesystem::path& file, int flags) {
  const ParentFolder folder(file.string());
  if (!folder.opened()) return -1;
  return ::openat(folder.fd(), folder.name(), flags);
}

InputFile InputFile::open(const std::filesystem::path& file, const std::string& display_path) {
  // Look before opening: opening a device can itself have effects (a tape
  // rewinds, a serial line hangs up), so non-regular files are refused by stat.
  struct stat status {};
  const ParentFolder folder(file.string());  // paths of any length
  if (!folder.opened() || ::fstatat(folder.fd(), folder.name(), &status, 0) != 0)
    throw InputError(display_path, "cannot open: " + errno_message(errno));
  require_regular(status.st_mode, display_path);
  // The path may be swapped between stat and open. O_NONBLOCK keeps a FIFO that
  // appeared in the meantime from blocking open() until a writer arrives, and
  // fstat on the descriptor is the check that counts.
  const int fd = ::openat(folder.fd(), folder.name(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw InputError(display_path, "cannot open: " + errno_message(errno));
  InputFile opened(fd, 0, 0, 0, display_path);  // closes fd if a check below throws
  if (::fstat(fd, &status) != 0) throw InputError(display_path, "cannot stat: " + errno_message(errno));
  require_regular(status.st_mode, display_path);
  opened.size_ = static_cast<std::uint64_t>(status.st_size);
  opened.device_ = status.st_dev;
  opened.inode_ = status.st_ino;
  return opened;
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

InputFile::InputFile(InputFile&& other) noexcept
    : fd_(other.fd_),
      size_(other.size_),
      device_(other.device_),
      inode_(other.inode_),
      display_path_(std::move(other.display_path_)) {
  other.fd_ = -1;
}

std::string InputFile::read_all(std::size_t max_bytes) const {
  const auto too_large = [&](std::uint64_t bytes) {
    return InputError(display_path_, "larger than " + byte_size_text(max_bytes) + " (" +
                                         std::to_string(bytes) +
                                         " bytes); dtlint reads such files only up to that size");
  };
  if (size_ > max_bytes) throw too_large(size_);
  std::string text(static_cast<std::size_t>(size_) + 1, '\0');  // one byte more: a file that grew is seen
  std::size_t filled = 0;
  while (true) {
    if (filled == text.size()) {
      if (text.size() > max_bytes) throw too_large(text.size());
      text.resize(std::min(max_bytes + 1, text.size() * 2));
    }
    const ssize_t got = ::pread(fd_, text.data() + filled, text.size() - filled, static_cast<off_t>(filled));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputError(display_path_, "cannot read: " + errno_message(errno));
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  if (filled > max_bytes) throw too_large(filled);
  text.resize(filled);
  return text;
}

std::string read_text_file(const std::filesystem::path& file, const std::string& display_path,
                           std::size_t max_bytes) {
  return InputFile::open(file, display_path).read_all(max_bytes);
}

std::string byte_size_text(std::uint64_t bytes) {
  if (bytes >= (std::uint64_t{1} << 30) && bytes % (std::uint64_t{1} << 30) == 0)
    return std::to_string(bytes >> 30) + " GiB";
  if (bytes >= (std::uint64_t{1} << 20) && bytes % (std::uint64_t{1} << 20) == 0)
    return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  std::size_t at = 0;
  std::uint64_t value = 0;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_add_overflow(value, static_cast<std::uint64_t>(text[at] - '0'), &value)) {
      return std::nullopt;
    }
  }
  if (at == 0) return std::nullopt;
  std::string_view unit = text.substr(at);
  if (unit.size() > 1 && unit.front() == ' ') unit.remove_prefix(1);  // "16 MiB", as byte_size_text writes
  constexpr std::string_view kPrefixes = "KMGT";
  unsigned shift = 0;
  if (!unit.empty() && unit != "B" && unit != "bytes") {
    const char prefix = static_cast<char>(unit.front() & ~0x20);  // upper case
    const std::size_t power = kPrefixes.find(prefix);
    if (power == std::string_view::npos) return std::nullopt;
    unit.remove_prefix(1);
    if (!unit.empty() && unit != "iB" && unit != "B") return std::nullopt;
    shift = 10 * static_cast<unsigned>(power + 1);
  }
  if (shift > 0 && value > (std::numeric_limits<std::uint64_t>::max() >> shift)) return std::nullopt;
  return value << shift;
}

}  // namespace dtlint
