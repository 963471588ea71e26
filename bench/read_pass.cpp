// The baseline for bench/compare.py: one plain read pass over a file.
//
//   dtlint_read_pass FILE [FILE ...] [--threads N] [--pread]
//
// Maps FILE read-only (MADV_SEQUENTIAL), reads every byte once by summing it as
// uint64 words (N threads over contiguous ranges, default 1) and prints the
// elapsed seconds, from before the mmap to after the sum (so page faults count),
// and the checksum. No dtlint code: it is what "reading the data" costs.
// --pread reads each range with pread into one reused 4 MiB buffer per thread
// instead (the alternative to a mapping that a shrinking file cannot crash).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

// Sum of the bytes [begin, end) as little-endian uint64 words; a short tail is zero-padded.
std::uint64_t sum_words(const unsigned char* begin, const unsigned char* end) {
  std::uint64_t sum = 0;
  const unsigned char* p = begin;
  for (; end - p >= 8; p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    sum += word;
  }
  if (p < end) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, static_cast<std::size_t>(end - p));
    sum += word;
  }
  return sum;
}

int usage() {
  std::fprintf(stderr, "usage: dtlint_read_pass FILE [FILE ...] [--threads N] [--pread]\n");
  return 2;
}

// Opens `path` and returns its descriptor and size; nullopt (with a message) when it cannot.
std::optional<std::pair<int, std::size_t>> open_file(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::perror(path);
    return std::nullopt;
  }
  struct stat status {};
  if (::fstat(fd, &status) != 0 || status.st_size <= 0) {
    std::fprintf(stderr, "%s: cannot stat or empty\n", path);
    ::close(fd);
    return std::nullopt;
  }
  return std::pair(fd, static_cast<std::size_t>(status.st_size));
}

// Sums `size` bytes of `fd` with pread into one reused 4 MiB buffer per thread.
std::uint64_t pread_sum(int fd, std::size_t size, unsigned threads) {
  static constexpr std::size_t kBuffer = std::size_t{4} << 20;  // dtlint's chunk size
  std::vector<std::uint64_t> sums(threads, 0);
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t begin = size / kBuffer * t / threads * kBuffer;
    const std::size_t end = t + 1 == threads ? size : size / kBuffer * (t + 1) / threads * kBuffer;
    workers.emplace_back([&sums, fd, t, begin, end] {
      std::vector<unsigned char> buffer(kBuffer);
      for (std::size_t at = begin; at < end;) {
        const ssize_t got = ::pread(fd, buffer.data(), std::min(kBuffer, end - at), static_cast<off_t>(at));
        if (got <= 0) break;
        sums[t] += sum_words(buffer.data(), buffer.data() + got);
        at += static_cast<std::size_t>(got);
      }
    });
  }
  std::uint64_t checksum = 0;
  for (unsigned t = 0; t < threads; ++t) {
    workers[t].join();
    checksum += sums[t];
  }
  return checksum;
}

// Maps `size` bytes of `fd` (MADV_SEQUENTIAL) and sums them, threads over contiguous ranges.
std::optional<std::uint64_t> mapped_sum(int fd, std::size_t size, unsigned threads) {
  void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (address == MAP_FAILED) {
    std::perror("mmap");
    return std::nullopt;
  }
  ::madvise(address, size, MADV_SEQUENTIAL);
  const auto* bytes = static_cast<const unsigned char*>(address);
  // Contiguous ranges, each a whole number of words except the last.
  std::vector<std::uint64_t> sums(threads, 0);
  std::vector<std::thread> workers;
  const std::size_t words = (size + 7) / 8;
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t begin = std::min(size, words * t / threads * 8);
    const std::size_t end = t + 1 == threads ? size : std::min(size, words * (t + 1) / threads * 8);
    workers.emplace_back([&sums, bytes, t, begin, end] { sums[t] = sum_words(bytes + begin, bytes + end); });
  }
  std::uint64_t checksum = 0;
  for (unsigned t = 0; t < threads; ++t) {
    workers[t].join();
    checksum += sums[t];
  }
  ::munmap(address, size);
  return checksum;
}

}  // namespace

// Several files are read one after the other (a folder of .npy files against
// one checkpoint holding the same tensors), each with every thread.
int main(int argc, char** argv) {
  std::vector<const char*> paths;
  unsigned threads = 1;
  bool use_pread = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
      if (threads == 0) return usage();
    } else if (arg == "--pread") {
      use_pread = true;
    } else if (arg.rfind("--", 0) != 0) {
      paths.push_back(argv[i]);
    } else {
      return usage();
    }
  }
  if (paths.empty()) return usage();

  std::uint64_t checksum = 0;
  std::size_t total = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const char* path : paths) {
    const auto file = open_file(path);
    if (!file) return 1;
    const auto [fd, size] = *file;
    const std::optional<std::uint64_t> sum = use_pread
                                                 ? std::optional<std::uint64_t>(pread_sum(fd, size, threads))
                                                 : mapped_sum(fd, size, threads);
    ::close(fd);
    if (!sum) return 1;
    checksum += *sum;
    total += size;
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("%.6f s  checksum %016llx  (%zu bytes in %zu file%s, %u thread%s%s)\n", elapsed.count(),
              static_cast<unsigned long long>(checksum), total, paths.size(), paths.size() == 1 ? "" : "s",
              threads, threads == 1 ? "" : "s", use_pread ? ", pread" : "");
  return 0;
}
