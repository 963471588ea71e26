// Reader for HDF5 files (.h5, .hdf5: Keras 2 weights and whole models, any
// file of numeric datasets) and Keras 3 .keras archives (a zip holding
// model.weights.h5 beside config.json and metadata.json).
//
// libhdf5 is not hardened against hostile files, so the scanner never links
// it: a helper program, dtlint-hdf5 (hdf5/helper_main.cpp), reads the file in a
// child process with limits on memory and CPU time, and answers through a pipe
// in a length-prefixed protocol (hdf5/protocol.h) that is checked here strictly.
// A crash, a hang (killed after a quiet timeout), running out of memory or a
// malformed answer is one E901 for that file; the scan goes on.
//
// One child lists a file's datasets and sends the small ones inline (a Keras
// model's hundreds of small weights cost one process); a dataset past the
// inline budget is streamed when the scan reads it, a slab at a time, so
// memory stays bounded, by a serving child that takes one request at a time:
// streams read at once (by several scan threads) each have their own, never
// a shared pipe, and a child that finished one is kept for the file's next.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "analyzer/formats/container.h"
#include "analyzer/io/mapped_file.h"

namespace dtlint {

// Datasets are named by their HDF5 path without the leading '/'
// ("model_weights/dense/dense/kernel:0"; "layers/dense/vars/0" in a .keras
// file), in name order. Numeric datasets (IEEE float16/bfloat16/float32/
// float64 in either byte order, integers of 8 to 64 bits, h5py's bool) are
// arrays; compound, string, vlen, reference, opaque, virtual and external
// datasets are skipped members with the reason; a dataset the helper cannot
// read is an unreadable member. Throws InputError(path, reason) when the file
// as a whole cannot be read (including every failure of the helper while listing).
ContainerContents read_hdf5(const InputBytes& input, const std::string& path);

struct Hdf5HelperLimits {
  // The helper is stopped when it sends nothing for this long.
  std::chrono::milliseconds quiet_timeout{30'000};
  std::uint64_t memory_mib = 1024;  // RLIMIT_AS
  std::uint64_t cpu_seconds = 600;  // RLIMIT_CPU, per child
  // A Keras 2 model's model_config attribute longer than this is not read
  // (its policies are not checked; the weights are). At most 16 MiB.
  std::uint64_t model_config_bytes = std::uint64_t{16} << 20;
};

// Where the scanner looks for dtlint-hdf5, in order: beside the running
// executable (the build tree), in ../libexec/dtlint/ from it (a relocated
// install), and in the configured install location.
std::vector<std::filesystem::path> hdf5_helper_locations();

// Parses a helper's whole answer to a list request held in memory, with the
// same checks as an answer read from the child: for the fuzzer. `file_bytes`
// is the size of the file the answer is about. Throws InputError(path, reason).
ContainerContents parse_hdf5_listing(std::span<const std::byte> answer, const std::string& path,
                                     std::uint64_t file_bytes);

namespace test_hooks {
// Runs this program instead of the helper found by hdf5_helper_locations
// (an empty path: the search again).
void set_hdf5_helper(const std::filesystem::path& helper);
void set_hdf5_limits(const Hdf5HelperLimits& limits);
}  // namespace test_hooks

}  // namespace dtlint
