#include "analyzer/kernels/scaling.h"

#include <cmath>

#include "analyzer/kernels/float_format.h"

namespace dtlint {

bool scalable_target(DType target) {
  return target == DType::Float16 || target == DType::Float8E4M3FN || target == DType::Float8E5M2;
}

std::optional<int> scale_for_amax(DType target, long double abs_max) {
  if (!is_float(target) || target == DType::LongDouble || !(abs_max > 0) || !std::isfinite(abs_max))
    return std::nullopt;
  const long double max_finite = float_format(target).max_finite;
  // ldexp in long double is exact for every finite source value and the
  // exponents involved, so the two comparisons settle k without rounding.
  int k = std::ilogb(max_finite) - std::ilogb(abs_max);
  while (std::ldexp(abs_max, k) > max_finite) --k;
  while (std::ldexp(abs_max, k + 1) <= max_finite) ++k;
  return k;
}

std::vector<CastRequest> scale_candidates(DType source, const ArrayAnalysis& analysis) {
  std::vector<CastRequest> candidates;
  // Every source with finite nonzero values can be rescaled; object arrays are never read.
  if (source == DType::Object || !analysis.source.abs_max) return candidates;
  // Ids and counts are not rescaled: a scale would not keep them integers.
  if (holds_integer_data(source, analysis.source)) return candidates;
  const SourceStats& s = analysis.source;
  const double elements =
      static_cast<double>(s.moments.count + s.nan.count + s.pos_inf.count + s.neg_inf.count);
  for (const CastStats& cast : analysis.casts) {
    if (cast.scale_exponent != 0 || cast.amax_scale || cast.lossless || !scalable_target(cast.target))
      continue;
    // Worth a second pass where the rules report damage above a note at their
    // default shares (DT101 always; DT104 from 1%, DT105 from 5%): a few
    // subnormal weights, as every float16 model has, are not.
    const auto reaches = [elements](std::uint64_t count, double share) {
      return count > 0 && static_cast<double>(count) >= share * elements;
    };
    if (cast[CastCounter::Overflow].count == 0 &&
        !reaches(cast[CastCounter::UnderflowToZero].count, kRescaleFlushShare) &&
        !reaches(cast[CastCounter::ToSubnormal].count, kRescaleSubnormalShare))
      continue;
    const std::optional<int> k = scale_for_amax(cast.target, *analysis.source.abs_max);
    if (!k || *k == 0) continue;
    CastRequest request{cast.target, cast.rtol, cast.atol, cast.semantics, cast.declared_only, *k};
    bool seen = false;
    for (const CastRequest& c : candidates) {
      seen = seen || (c.target == request.target && c.rtol == request.rtol && c.atol == request.atol &&
                      c.semantics == request.semantics && c.scale_exponent == request.scale_exponent);
    }
    if (!seen) candidates.push_back(request);
  }
  return candidates;
}

}  // namespace dtlint
