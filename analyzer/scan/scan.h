// The scan: discovers inputs, reads each one, analyses its arrays. Bad inputs
// become problems (reported as E901) and the scan goes on.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analyzer/kernels/cast_stats.h"

namespace dtlint {

struct ArrayResult {
  std::string path;
  std::optional<std::string> member;
  DType dtype = DType::Float64;
  std::string stored_dtype;
  std::vector<std::uint64_t> shape;
  std::uint64_t elements = 0;
  bool fortran_order = false;
  ArrayAnalysis analysis;
};

struct Problem {
  std::string path;
  std::string message;
};

struct ScanResult {
  std::uint64_t inputs = 0;  // files attempted, readable or not
  std::vector<ArrayResult> arrays;
  std::vector<Problem> problems;
};

struct ScanOptions {
  Semantics semantics = Semantics::NumPy;
  std::vector<CastRequest> requests;
  unsigned threads = 0;                            // 0: every core
  std::size_t chunk_bytes = std::size_t{4} << 20;  // the unit of work; memory ≈ threads × chunk
  bool progress = false;                           // a progress line on stderr (the CLI: only on a terminal)
};

// The files a scan of `paths` reads, in a deterministic order: named files as
// given, folders recursed (symlinked folders are not followed) and sorted.
// Paths that do not exist, and unreadable folders, are reported as problems.
std::vector<std::string> discover_inputs(std::span<const std::string> paths, std::vector<Problem>& problems);

// Reads and analyses every input. Arrays are split into chunks spread over the
// threads; the pages of a chunk are released once it is analysed, so memory
// stays near threads × chunk_bytes whatever the array's size. The result does
// not depend on the number of threads.
ScanResult scan_paths(std::span<const std::string> paths, const ScanOptions& options);

}  // namespace dtlint
