#include "analyzer/kernels/reference.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/float_format.h"

namespace dtlint {
namespace {

// Reads `size` bytes at `offset` into an object of type T, reversing them first
// when the file's byte order is not ours.
template <typename T>
T load(std::span<const std::byte> data, std::uint64_t offset, bool byte_swapped) {
  std::array<std::byte, sizeof(T)> bytes{};
  std::memcpy(bytes.data(), data.data() + offset, sizeof(T));
  if (byte_swapped) std::reverse(bytes.begin(), bytes.end());
  T value;
  std::memcpy(&value, bytes.data(), sizeof(T));
  return value;
}

bool exact_in_float32(DType source) {
  switch (source) {
    case DType::Int32:
    case DType::Int64:
    case DType::UInt32:
    case DType::UInt64:
    case DType::Float64:
    case DType::LongDouble:
    case DType::Complex128:
    case DType::Object: return false;
    default: return true;
  }
}

// numerator / denominator (positive, finite) rounded once to double, as DESIGN §7's
// exact errors need. Where both are doubles that is the division a NumPy user
// would write; a 64-bit integer above 2^53 (or a long double) is not a double, and
// dividing by its rounding, or rounding a long double quotient again, can be an ulp off.
double quotient(long double numerator, long double denominator) {
  const double n = static_cast<double>(numerator), d = static_cast<double>(denominator);
  if (n == numerator && d == denominator) return n / d;
  // The 64-bit significands (exact in a long double) divided in integers: q has
  // 55 or 56 bits, cut to 54 (53 and a rounding bit) with a sticky bit for the rest.
  int numerator_exponent = 0, denominator_exponent = 0;
  const auto mn = static_cast<std::uint64_t>(std::ldexp(std::frexp(numerator, &numerator_exponent), 64));
  const auto md = static_cast<std::uint64_t>(std::ldexp(std::frexp(denominator, &denominator_exponent), 64));
  const unsigned __int128 scaled = static_cast<unsigned __int128>(mn) << 55;
  unsigned __int128 q = scaled / md;
  bool sticky = scaled % md != 0;
  int shift = 0;
  while (q >> 54 != 0) {
    sticky = sticky || (q & 1) != 0;
    q >>= 1;
    ++shift;
  }
  auto significand = static_cast<std::uint64_t>(q >> 1);
  if ((q & 1) != 0 && (sticky || (significand & 1) != 0)) ++significand;  // to nearest, ties to even
  // Exact: the quotients dtlint divides (an error over its value) are far from double's subnormals.
  return std::ldexp(static_cast<double>(significand), numerator_exponent - denominator_exponent - 54 + shift);
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
  double rtol = 0, atol = 0;

  int scale = 0;  // k: the cast simulated is cast(x·2^k), its errors measured in x's units

  // numpy.isclose's bound, atol + rtol·|x|, computed in double as NumPy does.
  double tolerance(long double x) const { return atol + rtol * static_cast<double>(std::fabs(x)); }

  // `error` is |cast(x·2^k)·2^-k − x|: exact, as is every power-of-two scaling in long double.
  void record_error(long double x, long double error) {
    stats->max_abs_error = std::max(stats->max_abs_error, error);
    if (x != 0)
      stats->max_rel_error = std::max<long double>(stats->max_rel_error, quotient(error, std::fabs(x)));
  }

  // x is the source value (what counters record), scaled = x·2^k what is cast.
  void add_float(std::uint64_t i, long double x, long double scaled) {
    CastStats& s = *stats;
    if (std::isnan(x)) return;  // NaN stays NaN under every profile
    const long double result = cast_to_float(scaled, source, target, semantics);
    if (std::isinf(x)) {
      if (!same_result(result, x)) s[CastCounter::Inexact].add(i, x);  // e4m3fn: inf → NaN
      return;
    }
    // Every counter is about the cast of x·2^k, integer_not_exact too: an
    // integer x·2^k that the target does not hold.
    const bool changed = result != scaled;
    if (changed) {
      s[CastCounter::Inexact].add(i, x);
      if (scaled == std::trunc(scaled)) s[CastCounter::IntegerNotExact].add(i, x);
    }
    if (!std::isfinite(result)) {
      s[CastCounter::Overflow].add(i, x);
    } else {
      if (x != 0 && result == 0) s[CastCounter::UnderflowToZero].add(i, x);
      if (result != 0 && std::fabs(result) < min_normal) s[CastCounter::ToSubnormal].add(i, x);
      if (changed) {
        const long double error = std::ldexp(std::fabs(result - scaled), -scale);
        record_error(x, error);
        if (error > tolerance(x)) s[CastCounter::ToleranceExceeded].add(i, x);
      }
    }
    if (check_divergence) {
      for (Semantics other : kAllSemantics) {
        if (other == semantics) continue;
        if (!same_result(result, cast_to_float(scaled, source, target, other))) {
          s.diverging[static_cast<std::size_t>(other)].add(i, x);
        }
      }
    }
  }

  void add_integer(std::uint64_t i, long double x, long double scaled) {
    CastStats& s = *stats;
    if (!std::isfinite(x)) {
      s[CastCounter::NonfiniteToInt].add(i, x);
      if (!std::isnan(x)) s[CastCounter::Inexact].add(i, x);
      return;
    }
    const long double truncated = std::trunc(scaled);
    if (truncated < low || truncated > high) {
      s[CastCounter::OutOfRange].add(i, x);
      s[CastCounter::Inexact].add(i, x);
      if (unsigned_target && truncated < 0) s[CastCounter::SignLost].add(i, x);
      return;
    }
    if (truncated != scaled) {
      s[CastCounter::Truncated].add(i, x);
      s[CastCounter::Inexact].add(i, x);
      const long double error = std::ldexp(std::fabs(truncated - scaled), -scale);
      record_error(x, error);
      if (error > tolerance(x)) s[CastCounter::ToleranceExceeded].add(i, x);
    }
  }

  void add(std::uint64_t i, const SourceValue& v) {
    if (v.imag != 0) (*stats)[CastCounter::ImagDropped].add(i, v.real);  // NaN imag counts too
    const long double scaled = scale == 0 ? v.real : std::ldexp(v.real, scale);
    if (float_target) {
      add_float(i, v.real, scaled);
    } else {
      add_integer(i, v.real, scaled);
    }
  }
};

}  // namespace

SourceValue decode_element(std::span<const std::byte> data, std::uint64_t index, DType type,
                           bool byte_swapped) {
  const std::uint64_t offset = index * info(type).size;
  switch (type) {
    case DType::Bool: return {load<std::uint8_t>(data, offset, false) != 0 ? 1.0L : 0.0L};
    case DType::Int8: return {static_cast<long double>(load<std::int8_t>(data, offset, false))};
    case DType::Int16: return {static_cast<long double>(load<std::int16_t>(data, offset, byte_swapped))};
    case DType::Int32: return {static_cast<long double>(load<std::int32_t>(data, offset, byte_swapped))};
    case DType::Int64: return {static_cast<long double>(load<std::int64_t>(data, offset, byte_swapped))};
    case DType::UInt8: return {static_cast<long double>(load<std::uint8_t>(data, offset, false))};
    case DType::UInt16: return {static_cast<long double>(load<std::uint16_t>(data, offset, byte_swapped))};
    case DType::UInt32: return {static_cast<long double>(load<std::uint32_t>(data, offset, byte_swapped))};
    case DType::UInt64: return {static_cast<long double>(load<std::uint64_t>(data, offset, byte_swapped))};
    case DType::Float8E4M3FN:
    case DType::Float8E5M2: return {decode_bits(load<std::uint8_t>(data, offset, false), float_format(type))};
    case DType::Float16:
    case DType::BFloat16:
      return {decode_bits(load<std::uint16_t>(data, offset, byte_swapped), float_format(type))};
    case DType::Float32: return {static_cast<long double>(load<float>(data, offset, byte_swapped))};
    case DType::Float64: return {static_cast<long double>(load<double>(data, offset, byte_swapped))};
    case DType::LongDouble: return {load<long double>(data, offset, false)};  // little-endian only
    case DType::Complex64:
      return {static_cast<long double>(load<float>(data, offset, byte_swapped)),
              static_cast<long double>(load<float>(data, offset + 4, byte_swapped))};
    case DType::Complex128:
      return {static_cast<long double>(load<double>(data, offset, byte_swapped)),
              static_cast<long double>(load<double>(data, offset + 8, byte_swapped))};
    case DType::Object: break;
  }
  return {};
}

long double cast_to_float(long double x, DType source, DType target, Semantics semantics) {
  const FloatFormat& format = float_format(target);
  if (target == DType::Float32 || target == DType::Float64) return round_to_format(x, format);
  switch (semantics) {
    case Semantics::NumPy:
      // NumPy's long double → half cast goes through float (npy_float_to_half):
      // the one NumPy path that rounds twice (seen in tests/golden's ld_mixed).
      if (source == DType::LongDouble && target == DType::Float16) {
        return round_to_format(round_to_format(x, float_format(DType::Float32)), format);
      }
      return round_to_format(x, format);
    case Semantics::TensorFlow: {
      // Eigen's constructors take a float: static_cast<float> rounds the exact
      // value once (as the compiler's conversion does), then Eigen rounds again.
      const float single = static_cast<float>(x);
      if (target == DType::Float16) return static_cast<float>(Eigen::half(single));
      if (target == DType::BFloat16) return static_cast<float>(Eigen::bfloat16(single));
      return round_to_format(single, format);  // float8: TensorFlow's float8 types also take a float
    }
    case Semantics::Torch: return round_to_format(round_to_format(x, float_format(DType::Float32)), format);
  }
  return round_to_format(x, format);
}

bool profiles_may_diverge(DType source, DType target) {
  return is_float(target) && float_format(target).fraction_bits < 23 && !exact_in_float32(source);
}

bool is_lossless(DType source, DType target) {
  if (source == target || source == DType::Bool) return true;
  const DTypeKind from = kind(source);
  if (is_integer(source) && is_integer(target)) {
    const IntRange a = int_range(source), b = int_range(target);
    return b.min <= a.min && a.max <= b.max;
  }
  if (is_integer(source) && is_float(target) && target != DType::LongDouble) {
    // Exact when every integer of the source range has at most fraction_bits+1 significant bits.
    const FloatFormat& format = float_format(target);
    const IntRange a = int_range(source);
    const long double limit = std::ldexp(1.0L, format.fraction_bits + 1);
    return static_cast<long double>(a.max) <= limit && -static_cast<long double>(a.min) <= limit;
  }
  if (from == DTypeKind::Float && is_float(target) && source != DType::LongDouble &&
      target != DType::LongDouble) {
    const FloatFormat& a = float_format(source);
    const FloatFormat& b = float_format(target);
    return b.fraction_bits >= a.fraction_bits && b.max_finite >= a.max_finite &&
           b.min_subnormal <= a.min_subnormal && (b.has_infinity || !a.has_infinity);
  }
  return false;
}

bool lossless_may_be_subnormal(DType source, DType target) {
  // float_format knows no long double; long double is never a target dtlint simulates.
  if (!is_float(source) || !is_float(target) || source == DType::LongDouble || target == DType::LongDouble)
    return false;
  return float_format(source).min_subnormal < float_format(target).min_normal;
}

void add_source_value(SourceStats& s, std::uint64_t i, long double x) {
  x += 0.0L;  // -0 → +0: zeros report as 0 whatever their sign and order
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

void analyse_range_reference(const ArrayView& array, Semantics semantics, ArrayAnalysis& partial,
                             std::uint64_t begin, std::uint64_t end, TargetMask targets, bool source_stats) {
  std::vector<TargetPass> passes;
  struct LosslessPass {
    CastStats* stats;
    long double min_normal;
  };
  std::vector<LosslessPass> lossless;  // the result is x: only to_subnormal can count
  for (std::size_t t = 0; t < partial.casts.size(); ++t) {
    CastStats& stats = partial.casts[t];
    if (!(targets >> t & 1u)) continue;
    if (stats.lossless) {
      if (lossless_may_be_subnormal(array.dtype, stats.target))
        lossless.push_back({&stats, float_format(stats.target).min_normal});
      continue;
    }
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
    pass.scale = stats.scale_exponent;
    passes.push_back(pass);
  }
  std::array<double, kMomentsBlock> block;  // the source values, a moments block at a time
  std::size_t in_block = 0;
  for (std::uint64_t i = begin; i < end; ++i) {
    const SourceValue value = decode_element(array.data, i, array.dtype, array.byte_swapped);
    if (source_stats) {
      add_source_value(partial.source, i, value.real);
      block[in_block++] = static_cast<double>(value.real);
      if (in_block == block.size() || i + 1 == end) {
        accumulate_moments(partial.source.moments, block.data(), in_block);
        in_block = 0;
      }
    }
    for (TargetPass& pass : passes) pass.add(i, value);
    for (const LosslessPass& pass : lossless) {
      if (value.real != 0 && std::fabs(value.real) < pass.min_normal)
        (*pass.stats)[CastCounter::ToSubnormal].add(i, value.real);
    }
  }
}

}  // namespace dtlint
