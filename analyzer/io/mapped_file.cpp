#include "analyzer/io/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>

#include "analyzer/input_error.h"

namespace dtlint {
namespace {

using MappingHook = void (*)(const std::filesystem::path& file);
std::atomic<MappingHook> after_mapping_hook{nullptr};  // tests only

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

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Opens a regular file for reading, refusing anything else before it could block.
FileDescriptor open_regular_file(const std::filesystem::path& file, const std::string& display_path,
                                 struct stat& status) {
  // Look before opening: opening a device can itself have effects (a tape
  // rewinds, a serial line hangs up), so non-regular files are refused by stat.
  if (::stat(file.c_str(), &status) != 0) {
    throw InputError(display_path, "cannot open: " + errno_message(errno));
  }
  require_regular(status.st_mode, display_path);

  // The path may be swapped between stat and open. O_NONBLOCK keeps a FIFO that
  // appeared in the meantime from blocking open() until a writer arrives, and
  // fstat on the descriptor is the check that counts.
  FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) throw InputError(display_path, "cannot open: " + errno_message(errno));
  if (::fstat(fd.get(), &status) != 0) {
    throw InputError(display_path, "cannot stat: " + errno_message(errno));
  }
  require_regular(status.st_mode, display_path);
  return fd;
}

}  // namespace

std::vector<std::byte> read_prefix(const std::filesystem::path& file, const std::string& display_path,
                                   std::size_t count) {
  struct stat status {};
  const FileDescriptor fd = open_regular_file(file, display_path, status);
  std::vector<std::byte> prefix(count);
  const ssize_t got = ::pread(fd.get(), prefix.data(), count, 0);
  if (got < 0) throw InputError(display_path, "cannot read: " + errno_message(errno));
  prefix.resize(static_cast<std::size_t>(got));
  return prefix;
}

std::shared_ptr<const MappedFile> MappedFile::open(const std::filesystem::path& file,
                                                   const std::string& display_path) {
  struct stat status {};
  const FileDescriptor fd = open_regular_file(file, display_path, status);

  if (status.st_size < 0 ||
      static_cast<std::uintmax_t>(status.st_size) > std::numeric_limits<std::size_t>::max()) {
    throw InputError(display_path,
                     "file size " + std::to_string(status.st_size) + " cannot be mapped into memory");
  }
  const auto size = static_cast<std::size_t>(status.st_size);
  // mmap rejects a zero length; an empty file is simply an empty span.
  if (size == 0) return std::make_shared<const MappedFile>(PrivateKey{}, nullptr, 0);
  // Small files are read: one read() costs less than mapping, faulting and
  // unmapping (which interrupts every other thread), and folders of many small
  // arrays are common.
  if (size <= kReadInsteadOfMapBytes) {
    std::vector<std::byte> contents(size);
    std::size_t done = 0;
    while (done < size) {
      const ssize_t got = ::read(fd.get(), contents.data() + done, size - done);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw InputError(display_path, "cannot read: " + errno_message(errno));
      if (got == 0) throw InputError(display_path, "the file shrank while it was being read");
      done += static_cast<std::size_t>(got);
    }
    return std::make_shared<const MappedFile>(PrivateKey{}, std::move(contents));
  }

  // MAP_PRIVATE + PROT_READ: the mapping can never write back to the input.
  // If another process truncates the file while it is mapped, reading the
  // vanished pages raises SIGBUS: the mapping's ShrinkGuard turns that into shrank().
  void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (address == MAP_FAILED) throw InputError(display_path, "cannot map: " + errno_message(errno));
  // Advisory only: readers stream through the data once, front to back.
  ::madvise(address, size, MADV_SEQUENTIAL);
  std::shared_ptr<const MappedFile> mapping;
  try {
    mapping = std::make_shared<const MappedFile>(PrivateKey{}, address, size);
  } catch (...) {
    ::munmap(address, size);
    throw;
  }
  if (const MappingHook hook = after_mapping_hook.load()) hook(file);
  return mapping;
}

MappedFile::~MappedFile() {
  guard_.reset();  // before the unmapping: the address range may be mapped again at once
  if (address_ != nullptr) ::munmap(address_, size_);
}

void test_hooks::set_after_mapping_hook(void (*hook)(const std::filesystem::path& file)) {
  after_mapping_hook = hook;
}

InputBytes input_bytes(std::shared_ptr<const MappedFile> file) {
  InputBytes input{file->bytes(), nullptr, file->mapped()};
  input.owner = std::move(file);
  return input;
}

void release_pages(std::span<const std::byte> bytes) {
  static const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<std::uintptr_t>(bytes.data());
  const std::uintptr_t first = (begin + page - 1) / page * page;
  const std::uintptr_t last = (begin + bytes.size()) / page * page;
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace dtlint
