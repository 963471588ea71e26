// Power-of-two rescalings as fixes (DT113, suggestions) and as the way FP8 is
// used (--fp8-scale auto): which scales the scan simulates after an array's first pass.
#pragma once

#include <optional>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/kernels/cast_stats.h"

namespace dtlint {

// Whether a target is one whose range users rescale into: float16 (loss
// scaling) and the float8 formats (per-tensor amax scaling).
bool scalable_target(DType target);

// The amax scale: the largest k with abs_max·2^k ≤ max_finite(target), i.e.
// floor(log2(max_finite / abs_max)), computed exactly. What dynamic loss
// scaling and FP8 amax scaling converge to. None when abs_max is not a
// positive finite value or the target is not a float.
std::optional<int> scale_for_amax(DType target, long double abs_max);

// The shares of flushed and subnormal results from which a rescaling is
// simulated: DT104's and DT105's default warning shares.
inline constexpr double kRescaleFlushShare = 0.01;
inline constexpr double kRescaleSubnormalShare = 0.05;

// The rescalings worth simulating for an array whose first pass gave
// `analysis` (never for integer data): for each unscaled cast (ordinary or
// declared) to a scalable target that overflows, or flushes or turns
// subnormal at least the shares above of the values, the amax
// scale when it is not 0, with the cast's tolerance, profile and
// declared_only; deduplicated, in the order of the casts.
std::vector<CastRequest> scale_candidates(DType source, const ArrayAnalysis& analysis);

}  // namespace dtlint
