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
#include "analyzer/io/input_file.h"

namespace dtlint {
namespace {

using MappingHook = void (*)(const std::filesystem::path& file);
std::atomic<MappingHook> after_mapping_hook{nullptr};  // tests only

// std::strerror is not thread-safe and the scan opens files on many threads.
std::string errno_message(int error) {
  return std::generic_category().message(error);
}

}  // namespace

std::vector<std::byte> read_prefix(const std::filesystem::path& file, const std::string& display_path,
                                   std::size_t count) {
  const InputFile input = InputFile::open(file, display_path);
  std::vector<std::byte> prefix(count);
  std::size_t done = 0;
  while (done < count) {
    const ssize_t got =
        ::pread(input.descriptor(), prefix.data() + done, count - done, static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw InputError(display_path, "cannot read: " + errno_message(errno));
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  prefix.resize(done);
  return prefix;
}

std::shared_ptr<const MappedFile> MappedFile::open(const std::filesystem::path& file,
                                                   const std::string& display_path) {
  return open(InputFile::open(file, display_path), display_path);  // regular files only, paths of any length
}

std::shared_ptr<const MappedFile> MappedFile::open(const InputFile& input, const std::string& display_path) {
  const int fd = input.descriptor();

  if (input.size() > std::numeric_limits<std::size_t>::max()) {
    throw InputError(display_path,
                     "file size " + std::to_string(input.size()) + " cannot be mapped into memory");
  }
  const auto size = static_cast<std::size_t>(input.size());
  // mmap rejects a zero length; an empty file is simply an empty span.
  if (size == 0) return std::make_shared<const MappedFile>(PrivateKey{}, nullptr, 0);
  // Small files are read: one read() costs less than mapping, faulting and
  // unmapping (which interrupts every other thread), and folders of many small
  // arrays are common.
  if (size <= kReadInsteadOfMapBytes) {
    std::vector<std::byte> contents(size);
    std::size_t done = 0;
    while (done < size) {
      const ssize_t got = ::read(fd, contents.data() + done, size - done);
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
  void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
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
  if (const MappingHook hook = after_mapping_hook.load()) hook(display_path);
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
