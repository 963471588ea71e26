// The baseline for bench/compare.py: one plain read pass over a file.
//
//   dtlint_read_pass FILE [--threads N] [--pread]
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
  std::fprintf(stderr, "usage: dtlint_read_pass FILE [--threads N] [--pread]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = nullptr;
  unsigned threads = 1;
  bool use_pread = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      threads = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
      if (threads == 0) return usage();
    } else if (arg == "--pread") {
      use_pread = true;
    } else if (!path && arg.rfind("--", 0) != 0) {
      path = argv[i];
    } else {
      return usage();
    }
  }
  if (!path) return usage();

  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::perror(path);
    return 1;
  }
  struct stat status {};
  if (::fstat(fd, &status) != 0 || status.st_size <= 0) {
    std::fprintf(stderr, "%s: cannot stat or empty\n", path);
    return 1;
  }
  const auto size = static_cast<std::size_t>(status.st_size);

  const auto start = std::chrono::steady_clock::now();
  if (use_pread) {
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
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    ::close(fd);
    std::printf("%.6f s  checksum %016llx  (%zu bytes, %u thread%s, pread)\n", elapsed.count(),
                static_cast<unsigned long long>(checksum), size, threads, threads == 1 ? "" : "s");
    return 0;
  }
  void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (address == MAP_FAILED) {
    std::perror("mmap");
    return 1;
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
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

  ::munmap(address, size);
  ::close(fd);
  std::printf("%.6f s  checksum %016llx  (%zu bytes, %u thread%s)\n", elapsed.count(),
              static_cast<unsigned long long>(checksum), size, threads, threads == 1 ? "" : "s");
  return 0;
}
