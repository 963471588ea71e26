// The scan: discovers inputs, reads each one, analyses its arrays. Bad inputs
// become problems (reported as E901) and the scan goes on.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analyzer/formats/array_view.h"
#include "analyzer/kernels/cast_stats.h"
#include "analyzer/location.h"
#include "analyzer/pipeline/declaration.h"
#include "analyzer/scan/discovery.h"
#include "analyzer/source/cast_site.h"
#include "analyzer/source/source_scan.h"

namespace dtlint {

struct ArrayResult {
  Location location;
  DType dtype = DType::Float64;
  std::string stored_dtype;
  std::vector<std::uint64_t> shape;
  std::uint64_t elements = 0;
  bool fortran_order = false;
  ArrayAnalysis analysis;
  std::optional<SharedStorage> shared_storage;  // a checkpoint's storage viewed by other tensors too
  // The declared casts simulated on this array (configuration and model-file declarations).
  std::vector<BoundCast> declared;
};

// Code an input would run when loaded, refused and never run (DT203).
struct RefusedCode {
  Location location;
  std::string reason;
};

struct ScanResult {
  std::uint64_t inputs = 0;               // files attempted, readable or not
  std::vector<ArrayResult> arrays;        // empty when a sink took them
  std::vector<Problem> problems;          // E901
  std::vector<Skipped> skipped;           // DT204
  std::vector<RefusedCode> code_refused;  // DT203
  // The C/C++ sources' cast sites (CX rules): each once however many units
  // reach it, in (path, line, column) order.
  std::vector<CastSite> cast_sites;
  // For the person running the scan (stderr), e.g. that C/C++ files were parsed with defaults.
  std::vector<std::string> notices;
};

// Takes each finished array, in input order and then member order, whatever
// the number of threads; called on the scanning thread, one array at a time.
using ArraySink = std::function<void(ArrayResult&& array)>;

struct ScanOptions {
  Semantics semantics = Semantics::NumPy;
  std::vector<CastRequest> requests;
  // The requests for one input file, when they depend on its path (per-path
  // configuration); when empty, `requests` applies to every input.
  std::function<std::vector<CastRequest>(const std::string& file)> requests_for;
  DiscoveryOptions discovery;
  unsigned threads = 0;                            // 0: every core
  std::size_t chunk_bytes = std::size_t{4} << 20;  // the unit of work; memory ≈ threads × chunk
  bool progress = false;                           // a progress line on stderr (the CLI: only on a terminal)
  // Called once after discovery, before any input is read: e.g. to refuse an
  // output path that names an input before a report is written to it, or to
  // load the plan files found and add the files their declarations cover
  // (appended to found.files; a file already there must not be added again).
  std::function<void(Discovery& found)> discovered;
  // Files larger than this are not read, only noted (DT204): a bound for huge
  // or sparse inputs (--max-file-size). None: every file is read.
  std::optional<std::uint64_t> max_file_size;
  // The bound for one input file, when it depends on its path (nested
  // configurations); when empty, `max_file_size` applies to every input. Called once per file, from any
  // thread.
  std::function<std::optional<std::uint64_t>(const std::string& file)> max_file_size_for;
  // The declarations bound to one input file (pipeline entries, model
  // configs), as discovery names it; each matching array is simulated with
  // their casts as well. Called once per file, from any thread.
  std::function<std::vector<FileDeclaration>(const std::string& file)> declarations_for;
  // After an array's first pass, simulate the power-of-two rescalings that
  // would make its float16/float8 casts fit (ArrayAnalysis::scaled, see
  // scale_candidates) in a second pass over the array. Requests marked
  // amax_scale get that pass whatever this says.
  bool simulate_scales = true;
  // The C/C++ sources' scan (Discovery::source_files), after the arrays: -p,
  // the helper's limits. Its `threads` is this scan's.
  SourceScanOptions sources;
};

// Reads and analyses every input. Arrays are split into chunks spread over the
// threads; the pages of a chunk are released once it is analysed, and streamed
// members (deflated .npz) are inflated a chunk at a time, so memory stays near
// threads × chunk_bytes whatever the arrays' sizes. The result does not depend
// on the number of threads.
ScanResult scan_paths(std::span<const std::string> paths, const ScanOptions& options);
// The same scan handing each finished array to `sink` instead of keeping it
// (result.arrays stays empty): an array's statistics, a view's buffers and
// its chunks' partial results are released once it is handed over, so memory
// does not grow with the number of arrays.
ScanResult scan_paths(std::span<const std::string> paths, const ScanOptions& options, const ArraySink& sink);

}  // namespace dtlint
