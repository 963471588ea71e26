// The scalar reference kernels: one element at a time, obviously exact. Every
// faster kernel must agree with these bit for bit.
#pragma once

#include <cstdint>
#include <span>

#include "analyzer/dtype.h"
#include "analyzer/kernels/semantics.h"

namespace dtlint {

// One stored element's exact value. Complex sources carry both parts; every
// other source has imag == 0.
struct SourceValue {
  long double real = 0;
  long double imag = 0;
};

// Decodes element `index` of raw array bytes of `type` (byte-swapping when the
// file's byte order is not this machine's). Reads through memcpy: the bytes may
// be unaligned.
SourceValue decode_element(std::span<const std::byte> data, std::uint64_t index, DType type,
                           bool byte_swapped);

// The value `x` (a value of `source`) takes when cast to the float target
// under `semantics`. NumPy rounds once (except NumPy's own long double → float16
// path, which goes through float32); TensorFlow uses Eigen's half/bfloat16
// conversions, which go through float32; PyTorch goes through float32 too.
long double cast_to_float(long double x, DType source, DType target, Semantics semantics);

// Whether the three profiles can ever disagree for this source and target.
bool profiles_may_diverge(DType source, DType target);

// Whether every value of `source` is exactly a value of `target` (no pass over the data needed).
bool is_lossless(DType source, DType target);

// Whether a lossless cast can still give subnormal results: some source values
// lie below the target's smallest normal (float16 → float16, bfloat16 → float32,
// float8_e5m2 → float16). Its to_subnormal then counts the source values there,
// which the pass over the data looks at anyway; every other counter of a lossless cast is 0.
bool lossless_may_be_subnormal(DType source, DType target);

struct ArrayAnalysis;
struct SourceStats;
struct ArrayView;

// Bit t selects the t-th requested cast.
using TargetMask = std::uint32_t;
inline constexpr TargetMask kAllTargets = ~TargetMask{0};

// Adds one source value (the real part) to the source statistics.
void add_source_value(SourceStats& stats, std::uint64_t index, long double x);

// The reference pass over elements [begin, end) of `array`, accumulating into
// `partial` (from prepare_analysis): the selected targets, and the source
// statistics when `source_stats` is set.
void analyse_range_reference(const ArrayView& array, Semantics semantics, ArrayAnalysis& partial,
                             std::uint64_t begin, std::uint64_t end, TargetMask targets = kAllTargets,
                             bool source_stats = true);

}  // namespace dtlint
