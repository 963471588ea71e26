// libFuzzer target: the .npz reader on arbitrary bytes, then every member read
// through to the end (streamed members inflated chunk by chunk).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/formats/npz.h"
#include "analyzer/input_error.h"

namespace {

// The reader takes a path: the bytes go into an in-memory file (memfd), whose
// /proc/self/fd path maps like any regular file.
class MemoryFile {
 public:
  MemoryFile(const std::uint8_t* data, std::size_t size) : fd_(::memfd_create("fuzz.npz", MFD_CLOEXEC)) {
    for (std::size_t done = 0; fd_ >= 0 && done < size;) {
      const ssize_t wrote = ::write(fd_, data + done, size - done);
      if (wrote <= 0) break;
      done += static_cast<std::size_t>(wrote);
    }
  }
  ~MemoryFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const MemoryFile file(data, size);
  try {
    const dtlint::ContainerContents contents = dtlint::open_npz(file.path(), "fuzz.npz");
    std::vector<std::byte> buffer(4096);
    for (const dtlint::ArrayView& view : contents.arrays) {
      if (!view.stream) continue;
      try {
        std::uint64_t total = 0;
        for (std::size_t got; (got = view.stream->read(buffer)) != 0;) {
          total += got;
          if (total > (std::uint64_t{64} << 20)) break;  // keep each run short
        }
      } catch (const dtlint::InputError&) {
      }
    }
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
