#include "analyzer/kernels/cast_stats.h"

#include <algorithm>
#include <cmath>

#include "analyzer/kernels/float_format.h"
#include "analyzer/kernels/reference.h"

namespace dtlint {
namespace {

constexpr std::array<std::string_view, kCastCounterCount> kFieldNames{
    "overflow",     "underflow_to_zero", "to_subnormal",       "inexact",
    "out_of_range", "nonfinite_to_int",  "truncated",          "sign_lost",
    "imag_dropped", "integer_not_exact", "tolerance_exceeded",
};

void keep_min(std::optional<long double>& slot, long double v) {
  if (!slot || v < *slot) slot = v;
}
void keep_max(std::optional<long double>& slot, long double v) {
  if (!slot || v > *slot) slot = v;
}

// Two results are the same when they are the same value with the same sign, or both NaN.
bool same_result(long double a, long double b) {
  return (a == b && std::signbit(a) == std::signbit(b)) || (std::isnan(a) && std::isnan(b));
}

// What one requested, non-lossless target needs per element.
struct TargetPass {
  CastStats* stats;
  DType source;
  DType target;
  Semantics semantics;
  bool float_target;
  bool check_divergence;
  long double min_normal = 0;     // float targets
  long double low = 0, high = 0;  // integer targets
  bool unsigned_target = false;
  long double rtol = 0, atol = 0;

  void record_error(long double x, long double result) {
    const long double error = std::fabs(result - x);  // exact: see DESIGN §7
    stats->max_abs_error = std::max(stats->max_abs_error, error);
    if (x != 0) {
      // Divide as a user's NumPy would, in double, unless the source is wider than double.
      const long double relative = source == DType::LongDouble
                                       ? static_cast<double>(error / std::fabs(x))
                                       : static_cast<double>(error) / static_cast<double>(std::fabs(x));
      stats->max_rel_error = std::max(stats->max_rel_error, relative);
    }
  }

  void add_float(std::uint64_t i, long double x) {
    CastStats& s = *stats;
    if (std::isnan(x)) return;  // NaN stays NaN under every profile
    const long double result = cast_to_float(x, source, target, semantics);
    if (std::isinf(x)) {
      if (!same_result(result, x)) s[CastCounter::Inexact].add(i, x);  // e4m3fn: inf → NaN
      return;
    }
    const bool changed = result != x;
    if (changed) {
      s[CastCounter::Inexact].add(i, x);
      if (x == std::trunc(x)) s[CastCounter::IntegerNotExact].add(i, x);
    }
    if (!std::isfinite(result)) {
      s[CastCounter::Overflow].add(i, x);
    } else {
      if (x != 0 && result == 0) s[CastCounter::UnderflowToZero].add(i, x);
      if (result != 0 && std::fabs(result) < min_normal) s[CastCounter::ToSubnormal].add(i, x);
      if (changed) {
        record_error(x, result);
        if (std::fabs(result - x) > atol + rtol * std::fabs(x)) {
          s[CastCounter::ToleranceExceeded].add(i, x);
        }
      }
    }
    if (check_divergence) {
      for (Semantics other : kAllSemantics) {
        if (other == semantics) continue;
        if (!same_result(result, cast_to_float(x, source, target, other))) {
          s.diverging[static_cast<std::size_t>(other)].add(i, x);
        }
      }
    }
  }

  void add_integer(std::uint64_t i, long double x) {
    CastStats& s = *stats;
    if (!std::isfinite(x)) {
      s[CastCounter::NonfiniteToInt].add(i, x);
      if (!std::isnan(x)) s[CastCounter::Inexact].add(i, x);
      return;
    }
    const long double truncated = std::trunc(x);
    if (truncated < low || truncated > high) {
      s[CastCounter::OutOfRange].add(i, x);
      s[CastCounter::Inexact].add(i, x);
      if (unsigned_target && truncated < 0) s[CastCounter::SignLost].add(i, x);
      return;
    }
    if (truncated != x) {
      s[CastCounter::Truncated].add(i, x);
      s[CastCounter::Inexact].add(i, x);
      record_error(x, truncated);
      if (std::fabs(truncated - x) > atol + rtol * std::fabs(x)) {
        s[CastCounter::ToleranceExceeded].add(i, x);
      }
    }
  }

  void add(std::uint64_t i, const SourceValue& v) {
    if (v.imag != 0) (*stats)[CastCounter::ImagDropped].add(i, v.real);  // NaN imag counts too
    if (float_target) {
      add_float(i, v.real);
    } else {
      add_integer(i, v.real);
    }
  }
};

void add_source(SourceStats& s, std::uint64_t i, long double x) {
  if (std::isnan(x)) {
    s.nan.add(i, x);
  } else if (std::isinf(x)) {
    (x > 0 ? s.pos_inf : s.neg_inf).add(i, x);
  } else {
    keep_min(s.finite_min, x);
    keep_max(s.finite_max, x);
    const long double magnitude = std::fabs(x);
    keep_max(s.abs_max, magnitude);
    if (x != std::trunc(x)) s.non_integral.add(i, x);
    if (x == 0) {
      ++s.zero;
    } else {
      keep_min(s.abs_min_nonzero, magnitude);
    }
  }
}

}  // namespace

std::string_view field_name(CastCounter counter) {
  return kFieldNames[static_cast<std::size_t>(counter)];
}

CastRequest default_request(DType target) {
  if (is_float(target) && target != DType::LongDouble) {
    return {target, static_cast<double>(float_format(target).unit_roundoff), 0.0};
  }
  return {target, 0.0, 1.0};  // integer targets: truncation is DT107's business, not DT106's
}

void SourceStats::merge(const SourceStats& other) {
  nan.merge(other.nan);
  pos_inf.merge(other.pos_inf);
  neg_inf.merge(other.neg_inf);
  zero += other.zero;
  non_integral.merge(other.non_integral);
  if (other.finite_min) keep_min(finite_min, *other.finite_min);
  if (other.finite_max) keep_max(finite_max, *other.finite_max);
  if (other.abs_min_nonzero) keep_min(abs_min_nonzero, *other.abs_min_nonzero);
  if (other.abs_max) keep_max(abs_max, *other.abs_max);
}

void CastStats::merge(const CastStats& other) {
  for (std::size_t c = 0; c < counters.size(); ++c) counters[c].merge(other.counters[c]);
  for (std::size_t p = 0; p < diverging.size(); ++p) diverging[p].merge(other.diverging[p]);
  max_abs_error = std::max(max_abs_error, other.max_abs_error);
  max_rel_error = std::max(max_rel_error, other.max_rel_error);
}

ArrayAnalysis analyse_array(const ArrayView& array, Semantics semantics,
                            std::span<const CastRequest> requests) {
  ArrayAnalysis analysis;
  if (array.dtype == DType::Object) return analysis;  // never read: nothing to cast
  analysis.casts.reserve(requests.size());
  for (const CastRequest& request : requests) {
    CastStats stats;
    stats.target = request.target;
    stats.rtol = request.rtol;
    stats.atol = request.atol;
    stats.lossless = is_lossless(array.dtype, request.target);
    analysis.casts.push_back(stats);
  }

  std::vector<TargetPass> passes;
  for (CastStats& stats : analysis.casts) {
    if (stats.lossless) continue;
    TargetPass pass{&stats,
                    array.dtype,
                    stats.target,
                    semantics,
                    is_float(stats.target),
                    profiles_may_diverge(array.dtype, stats.target)};
    if (pass.float_target) {
      pass.min_normal = float_format(stats.target).min_normal;
    } else {
      const IntRange range = int_range(stats.target);
      pass.low = static_cast<long double>(range.min);
      pass.high = static_cast<long double>(range.max);
      pass.unsigned_target = kind(stats.target) == DTypeKind::UnsignedInt;
    }
    pass.rtol = stats.rtol;
    pass.atol = stats.atol;
    passes.push_back(pass);
  }

  for (std::uint64_t i = 0; i < array.elements; ++i) {
    const SourceValue value = decode_element(array.data, i, array.dtype, array.byte_swapped);
    add_source(analysis.source, i, value.real);
    for (TargetPass& pass : passes) pass.add(i, value);
  }
  return analysis;
}

std::vector<std::uint64_t> unravel_index(std::uint64_t flat, std::span<const std::uint64_t> shape,
                                         bool fortran_order) {
  std::vector<std::uint64_t> index(shape.size(), 0);
  auto place = [&](std::size_t d) {
    if (shape[d] == 0) return;
    index[d] = flat % shape[d];
    flat /= shape[d];
  };
  if (fortran_order) {
    for (std::size_t d = 0; d < shape.size(); ++d) place(d);
  } else {
    for (std::size_t d = shape.size(); d-- > 0;) place(d);
  }
  return index;
}

}  // namespace dtlint
