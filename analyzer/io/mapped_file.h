// A read-only memory mapping of one regular file, owned for as long as any
// ArrayView built from it is alive.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/io/input_file.h"
#include "analyzer/io/shrink_guard.h"

namespace dtlint {

// Files up to this size are read into memory rather than mapped.
inline constexpr std::size_t kReadInsteadOfMapBytes = std::size_t{1} << 20;

class MappedFile {
  // Only open() may construct: it is the one place that vets the file first.
  struct PrivateKey {
    explicit PrivateKey() = default;
  };

 public:
  // Maps `file` read-only (following symlinks), opened by InputFile::open (a
  // path of any length). Refuses anything that is not a
  // regular file (FIFO, socket, device, directory) before any read could block.
  // Throws InputError(display_path, reason) on every failure; an empty file maps
  // to an empty span. Never writes, locks or modifies the file.
  static std::shared_ptr<const MappedFile> open(const std::filesystem::path& file,
                                                const std::string& display_path);
  // The same for a file already open (its size known before anything is mapped).
  static std::shared_ptr<const MappedFile> open(const InputFile& file, const std::string& display_path);

  MappedFile(PrivateKey, void* address, std::size_t size)
      : address_(address), size_(size), guard_(std::make_unique<ShrinkGuard>(address, size)) {}
  MappedFile(PrivateKey, std::vector<std::byte> contents)
      : address_(nullptr), size_(contents.size()), contents_(std::move(contents)) {}
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const std::byte> bytes() const {
    return address_ ? std::span<const std::byte>(static_cast<const std::byte*>(address_), size_)
                    : std::span<const std::byte>(contents_);
  }
  // True when the bytes are a file mapping (release_pages applies), false when
  // the file was small enough to be read into memory instead.
  bool mapped() const { return address_ != nullptr; }
  // The file became shorter than its mapping while it was being read: the bytes
  // past its new end read as zeros, and nothing read from it may be trusted.
  // (A file that is read instead of mapped fails to open when it shrinks.)
  bool shrank() const { return guard_ && guard_->shrank(); }

 private:
  void* address_;  // nullptr for small and empty files, which are read instead
  std::size_t size_;
  std::vector<std::byte> contents_;
  std::unique_ptr<ShrinkGuard> guard_;  // for mappings only; released before the unmapping
};

// What MappedFile::shrank says when it is true, as an E901 reason.
inline constexpr std::string_view kShrankReason = "the file shrank while it was being read";

namespace test_hooks {
// Called with each file's display path (the scan's: its path) right after it is mapped, before any of its
// bytes are read; nullptr (the default) for none. Tests truncate the file there, to show that a file
// shrinking under the scan cannot take the process down.
void set_after_mapping_hook(void (*hook)(const std::filesystem::path& file));
}  // namespace test_hooks

// An input's bytes as every reader takes them: opened once (mapped or read) by
// the scan, or held in memory by a test or a fuzzer.
struct InputBytes {
  std::span<const std::byte> bytes;
  std::shared_ptr<const void> owner;  // keeps `bytes` alive; readers share it with their views
  bool mapped = false;                // `bytes` is a file mapping: its pages may be released once read
};

// The bytes of `file`, owned by it.
InputBytes input_bytes(std::shared_ptr<const MappedFile> file);

// The first `count` bytes of a regular file (fewer if it is shorter), read with
// the same checks as MappedFile::open: special files are refused, never opened.
std::vector<std::byte> read_prefix(const std::filesystem::path& file, const std::string& display_path,
                                   std::size_t count);

// Tells the kernel that these mapped bytes have been read and will not be needed
// again, so that they stop counting against the process's resident memory (the
// page cache keeps them). Only whole pages inside the span are released.
void release_pages(std::span<const std::byte> bytes);

}  // namespace dtlint
