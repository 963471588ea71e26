// Opening a file that dtlint only reads: a configuration, a baseline, a data
// file. One place decides what may be opened — regular files only, checked
// before the open and again on the descriptor, never a FIFO, socket, device
// or directory, so that no input can block the scan or feed it forever — and
// how much of it may be read.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace dtlint {

// An open, regular, read-only file; closed when destroyed.
class InputFile {
 public:
  // Follows symlinks; a path longer than PATH_MAX (found by a folder walk) is
  // opened relative to its folders. Throws InputError(display_path, reason): "cannot open: …",
  // "not a regular file (FIFO)", "not a regular file (directory)", ….
  static InputFile open(const std::filesystem::path& file, const std::string& display_path);

  ~InputFile();
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  int descriptor() const { return fd_; }
  std::uint64_t size() const { return size_; }  // at open
  dev_t device() const { return device_; }
  ino_t inode() const { return inode_; }

  // The whole file, refused with InputError when it is (or grows) larger than
  // `max_bytes`: "larger than 16 MiB (… bytes)".
  std::string read_all(std::size_t max_bytes) const;

 private:
  InputFile(int fd, std::uint64_t size, dev_t device, ino_t inode, std::string display_path)
      : fd_(fd), size_(size), device_(device), inode_(inode), display_path_(std::move(display_path)) {}
  int fd_;
  std::uint64_t size_;
  dev_t device_;
  ino_t inode_;
  std::string display_path_;
};

// stat(2) of a path of any length (longer than PATH_MAX too, as InputFile::open
// takes them); -1 with errno set on failure.
int stat_path(const std::filesystem::path& file, struct stat& status);
// open(2) of a path of any length; -1 with errno set on failure.
int open_path(const std::filesystem::path& file, int flags);

// read_all of a text file dtlint only reads (configurations, baselines).
std::string read_text_file(const std::filesystem::path& file, const std::string& display_path,
                           std::size_t max_bytes);

// "16 MiB", "512 KiB", "300 bytes".
std::string byte_size_text(std::uint64_t bytes);

// A size as people write it, for --max-file-size and max_file_size: a whole
// number of bytes, optionally followed by K, M, G or T (powers of 1024, also
// spelt KiB, MiB, GiB, TiB; lower case too), e.g. "500M", "10G", "1048576",
// "16 MiB". nullopt when it is none of these or does not fit in 64 bits.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace dtlint
