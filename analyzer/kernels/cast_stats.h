// The facts a scan records about an array: its source statistics and, per
// target, what the cast does to it (DESIGN §7).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/formats/array_view.h"
#include "analyzer/kernels/semantics.h"

namespace dtlint {

inline constexpr std::uint64_t kNoIndex = std::numeric_limits<std::uint64_t>::max();

// The first element (in storage order) that was counted, and its source value.
struct FirstHit {
  std::uint64_t index = kNoIndex;
  long double value = 0;
  void offer(std::uint64_t i, long double v) {
    if (i < index) index = i, value = v;
  }
  bool found() const { return index != kNoIndex; }
};

// A count and where it was first seen.
struct Counter {
  std::uint64_t count = 0;
  FirstHit first;
  void add(std::uint64_t i, long double v) {
    ++count;
    first.offer(i, v);
  }
  void merge(const Counter& other) {
    count += other.count;
    if (other.first.index < first.index) first = other.first;
  }
};

// Count, mean and sum of squared deviations of the finite values (Chan et
// al.'s parallel update). Each block of the kernels' decoded values adds its
// own two-pass mean and M2 in double; blocks and chunks merge in element
// order in long double, so the result is the same for any --threads (the
// chunking is fixed by the chunk size, not the thread count). Relative error
// of the variance: a few units of 2^-53 per block plus 2^-64 per merge.
struct Moments {
  std::uint64_t count = 0;
  long double mean = 0;
  long double m2 = 0;
  void merge(const Moments& other);
  // Population standard deviation; empty when there are no finite values.
  std::optional<long double> stddev() const;
};

// Adds the finite values among x[0, n) to `moments` as one block. Every
// kernel feeds it blocks of kMomentsBlock elements counted from the start of
// its range, so all kernels agree bit for bit.
inline constexpr std::size_t kMomentsBlock = 512;
void accumulate_moments(Moments& moments, const double* x, std::size_t n);
// A block's moments from its sums of d = x − shift and d² (shift = x[0]),
// each over eight accumulators (element i into i mod 8) added in order: what
// accumulate_moments computes for a finite block, so that a vector kernel
// that sums the same way agrees with it bit for bit. Empty when a sum is not finite.
std::optional<Moments> finite_moments_from_sums(std::size_t n, double shift, double sum, double squares);

struct SourceStats {
  Counter nan, pos_inf, neg_inf;
  std::uint64_t zero = 0;
  Counter non_integral;  // finite values with a fractional part
  // Over finite values; empty when there are none.
  std::optional<long double> finite_min, finite_max, abs_min_nonzero, abs_max;
  Moments moments;  // of the finite values: the data's own spread (DT114)
  void merge(const SourceStats& other);
};

// Whether an array of `dtype` with these statistics holds integer data (ids,
// labels, counts): an integer or bool dtype, or a float array of several
// values, all integral and within the range where the source dtype itself
// keeps integers exact (past 2^24 every float32 is integral, which means nothing).
bool holds_integer_data(DType dtype, const SourceStats& source);

enum class CastCounter : unsigned {
  Overflow,
  UnderflowToZero,
  ToSubnormal,
  Inexact,
  OutOfRange,
  NonfiniteToInt,
  Truncated,
  SignLost,
  ImagDropped,
  IntegerNotExact,
  ToleranceExceeded,
  kCount,
};
inline constexpr std::size_t kCastCounterCount = static_cast<std::size_t>(CastCounter::kCount);
// The report's field name for each counter ("overflow", "underflow_to_zero", …).
std::string_view field_name(CastCounter counter);

struct CastRequest {
  DType target;
  double rtol;  // DT106: |cast(x) − x| ≤ atol + rtol·|x|
  double atol;
  // A declared cast's own profile when it is not the scan's (a Hugging Face
  // torch_dtype is simulated as Tensor.to); none: the scan's.
  std::optional<Semantics> semantics = std::nullopt;
  // Asked for by a declaration only, not one of the scan's targets: the DT
  // rules do not judge it, the PL rules do.
  bool declared_only = false;
  // Simulate cast(x · 2^scale_exponent) instead of cast(x): the scaled cast
  // that loss scaling and FP8 amax scaling perform. Counts are of elements;
  // errors (max_abs_error, DT106's atol) are in the source's units, i.e.
  // |cast(x·2^k)·2^-k − x|. 0: no scaling.
  int scale_exponent = 0;
  // A default target rather than one asked for: an integer target is then
  // kept only for arrays of integers (integer or bool dtypes, or floats whose
  // every finite value is integral: labels, counts); for real-valued floats
  // (weights) nobody casts to an integer, and its cast is dropped after the pass.
  bool kind_default = false;
  // Simulate with the array's own amax scale (--fp8-scale auto): the k that
  // scale_for_amax picks from the array's largest |x|. The first pass leaves
  // such a cast alone (analyse_range_with skips it); the scan's follow-up pass
  // fills it in, with CastStats::scale_exponent the k chosen. Never lossless.
  bool amax_scale = false;
};

// The default DT106 tolerance: silent on ordinary rounding in the normal range.
CastRequest default_request(DType target);

struct CastStats {
  DType target = DType::Float32;
  bool lossless = false;
  double rtol = 0, atol = 0;
  std::optional<Semantics> semantics;  // as requested (CastRequest::semantics)
  bool declared_only = false;          // as requested (CastRequest::declared_only)
  bool kind_default = false;           // as requested (CastRequest::kind_default)
  int scale_exponent = 0;              // as requested, or the amax scale chosen for it
  bool amax_scale = false;             // as requested (CastRequest::amax_scale)
  std::array<Counter, kCastCounterCount> counters{};
  long double max_abs_error = 0;
  long double max_rel_error = 0;
  // Elements whose result under another profile differs from this report's profile.
  std::array<Counter, 3> diverging{};  // indexed by Semantics; the report's own profile stays 0
  Counter& operator[](CastCounter c) { return counters[static_cast<std::size_t>(c)]; }
  const Counter& operator[](CastCounter c) const { return counters[static_cast<std::size_t>(c)]; }
  void merge(const CastStats& other);
};

struct ArrayAnalysis {
  SourceStats source;
  std::vector<CastStats> casts;  // one per request, in request order
  // Power-of-two rescalings simulated after the first pass as possible fixes
  // (DT113, suggestions): each has scale_exponent != 0 and the target of one
  // of `casts`. The DT rules never judge them as casts the data undergoes.
  std::vector<CastStats> scaled;
  // Not a statistic but an instruction to the kernels: this pass counts its
  // casts only and leaves `source` empty (the passes of analyse_range_with
  // after the one that takes them, the scan's follow-up pass).
  bool casts_only = false;
  // Adds another part of the same array (same requests). Every statistic merges
  // exactly and order-independently, so any split of the array gives one result.
  void merge(const ArrayAnalysis& other);
  // Adds `offset` to every first-element index: for statistics of a chunk
  // analysed on its own (a streamed member) before they join the whole array's.
  void shift_indices(std::uint64_t offset);
};

// Empty statistics for `requests`, with lossless targets marked: they need no
// per-target pass, and of their counters only to_subnormal can be nonzero (see
// lossless_may_be_subnormal), counted in the pass that takes the source statistics.
ArrayAnalysis prepare_analysis(const ArrayView& array, std::span<const CastRequest> requests);

void keep_min(std::optional<long double>& slot, long double v);
void keep_max(std::optional<long double>& slot, long double v);

enum class KernelIsa : unsigned char;
// The kernel dtlint picks for this CPU (or the DTLINT_KERNEL override).
KernelIsa selected_kernel();

// How many targets one kernel pass simulates at once.
inline constexpr std::size_t kMaxKernelTargets = 32;

// A kernel accumulates elements [begin, end) of `array` into `partial` (see prepare_analysis).
using RangeKernel = void (*)(const ArrayView& array, Semantics semantics, ArrayAnalysis& partial,
                             std::uint64_t begin, std::uint64_t end);

// Runs `kernel` over elements [begin, end) of `array` for every cast of
// `partial` except those awaiting their amax scale (CastStats::amax_scale, not
// lossless): in one pass when they all use the scan's profile unscaled (and
// fit one pass), else one pass per (profile, scale) (a declared cast's own
// profile, CastStats::semantics). The pass of the scan's profile unscaled
// takes the source statistics; when there is none, the first pass does.
void analyse_range_with(RangeKernel kernel, const ArrayView& array, Semantics semantics,
                        ArrayAnalysis& partial, std::uint64_t begin, std::uint64_t end);

// One pass over the array computes the source statistics and every requested
// target's statistics, with the given kernel (all kernels agree bit for bit).
ArrayAnalysis analyse_array(const ArrayView& array, Semantics semantics,
                            std::span<const CastRequest> requests, KernelIsa isa = selected_kernel());

// The logical index (one entry per dimension) of the element stored at `flat`.
std::vector<std::uint64_t> unravel_index(std::uint64_t flat, std::span<const std::uint64_t> shape,
                                         bool fortran_order);

}  // namespace dtlint
