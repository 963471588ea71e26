// The scanner's side of C/C++ sources (DESIGN §6): one run of the Clang
// helper dtlint-clang per translation unit (protocol.h), up to --threads at
// once, its frames read as untrusted input, the cast sites merged in unit
// order, mapped to the paths as the user named them, deduplicated, sorted,
// given their source lines, and their constants simulated through the cast
// kernels. A helper that crashes, hangs, runs out of memory or writes
// malformed frames is an E901 for its unit; the scan goes on.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analyzer/scan/discovery.h"
#include "analyzer/source/cast_site.h"

namespace dtlint {

struct SourceScanOptions {
  // -p: a folder holding compile_commands.json, or the file; none: searched
  // in each scanned folder and its build/ (find_compile_database).
  std::optional<std::filesystem::path> build_dir;
  unsigned threads = 1;
  std::chrono::milliseconds deadline{300'000};  // wall clock per unit
  std::uint64_t memory_mib = 4096;              // the helper's address space
  std::uint64_t cpu_seconds = 300;              // the helper's CPU time
  // Called after each unit, from any thread (progress).
  std::function<void()> unit_done;
};

struct SourceScanResult {
  std::vector<CastSite> sites;    // sorted by (path, line, column, kind, target, source), each once
  std::vector<Problem> problems;  // E901: a unit whose helper failed, a broken compile database
  std::vector<Skipped> skipped;   // DT204: units with compiler errors; every file when the helper is missing
  std::vector<std::string> notices;  // for stderr: files parsed with the defaults
  std::uint64_t units = 0;           // helper runs
};

// Parses `source_files` (Discovery::source_files: the paths reports show)
// found under `scanned_paths` (as the user named them).
SourceScanResult scan_sources(std::span<const std::string> source_files,
                              std::span<const std::string> scanned_paths, const SourceScanOptions& options);

// For --show-files: what the scan would do with each of `source_files`, in
// their order ("C/C++ source (compile command from build/compile_commands.json)").
std::vector<std::string> source_file_plans(std::span<const std::string> source_files,
                                           std::span<const std::string> scanned_paths,
                                           const std::optional<std::filesystem::path>& build_dir);

// One unit's answer, as the helper sent it (file names absolute, as Clang names them).
struct ClangUnitAnswer {
  std::vector<CastSite> sites;  // location.path absolute; no line texts, no simulation
  std::uint32_t compiler_errors = 0;
  std::string first_error;              // escaped, at most 300 bytes shown
  std::vector<std::string> files_read;  // the files under the roots the unit read
  std::optional<std::string> fatal;     // the unit could not be parsed: why (escaped)
};

// Decodes a helper's whole output held in memory with the checks applied to a
// child's: for tests and the fuzzer. Throws InputError(path, reason).
ClangUnitAnswer parse_clang_answer(std::span<const std::byte> answer, const std::string& path);

// Where the scanner looks for dtlint-clang (helper_locations).
std::vector<std::filesystem::path> clang_helper_locations();

namespace test_hooks {
// Runs this program instead of the dtlint-clang found by clang_helper_locations
// (an empty path: the search again; a path that does not exist: as if none were built).
void set_clang_helper(const std::filesystem::path& helper);
}  // namespace test_hooks

}  // namespace dtlint
