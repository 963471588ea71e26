#include "analyzer/kernels/float_format.h"

#include <cassert>
#include <cmath>

namespace dtlint {
namespace {

constexpr FloatFormat make_format(int fraction_bits, int exponent_bits, bool has_infinity) {
  const int bias = (1 << (exponent_bits - 1)) - 1;
  const int emin = 1 - bias;
  // The largest exponent of a finite value: the all-ones exponent is reserved for
  // inf/NaN in IEEE formats; float8_e4m3fn uses it for finite values except the
  // all-ones significand (NaN), so its largest finite is 1.110b × 2^8 = 448.
  const int emax = has_infinity ? bias : bias + 1;
  long double max_significand = 2.0L - std::ldexp(1.0L, -fraction_bits);
  if (!has_infinity) max_significand -= std::ldexp(1.0L, -fraction_bits);
  return FloatFormat{fraction_bits,
                     exponent_bits,
                     bias,
                     has_infinity,
                     std::ldexp(max_significand, emax),
                     std::ldexp(1.0L, emin),
                     std::ldexp(1.0L, emin - fraction_bits),
                     std::ldexp(1.0L, -(fraction_bits + 1))};
}

// Round-to-nearest-even of a long double to an integer, independent of the
// current floating-point rounding mode.
long double round_half_even(long double y) {
  const long double floor_y = std::floor(y);
  const long double diff = y - floor_y;  // exact: y and floor_y share the binade or floor_y is 0
  if (diff > 0.5L) return floor_y + 1;
  if (diff < 0.5L) return floor_y;
  return std::fmod(floor_y, 2.0L) == 0 ? floor_y : floor_y + 1;
}

}  // namespace

const FloatFormat& float_format(DType type) {
  static const FloatFormat e4m3fn = make_format(3, 4, false);
  static const FloatFormat e5m2 = make_format(2, 5, true);
  static const FloatFormat half = make_format(10, 5, true);
  static const FloatFormat bfloat = make_format(7, 8, true);
  static const FloatFormat single = make_format(23, 8, true);
  static const FloatFormat dbl = make_format(52, 11, true);
  switch (type) {
    case DType::Float8E4M3FN: return e4m3fn;
    case DType::Float8E5M2: return e5m2;
    case DType::Float16: return half;
    case DType::BFloat16: return bfloat;
    case DType::Float32: return single;
    case DType::Float64: return dbl;
    default: assert(false && "float_format: not a float target"); return dbl;
  }
}

long double round_to_format(long double x, const FloatFormat& format) {
  if (std::isnan(x)) return x;
  if (std::isinf(x)) return format.has_infinity ? x : std::numeric_limits<long double>::quiet_NaN();
  if (x == 0) return x;
  // The spacing of format values around x: 2^(e − fraction_bits) in x's binade,
  // and the subnormal spacing below the normal range.
  int exponent = 0;
  std::frexp(x, &exponent);  // |x| = m · 2^exponent with m in [0.5, 1)
  const int emin = 1 - format.bias;
  const int quantum_exponent = std::max(exponent - 1, emin) - format.fraction_bits;
  // Scaling by a power of two is exact, and so is scaling back.
  const long double rounded = std::ldexp(round_half_even(std::ldexp(x, -quantum_exponent)), quantum_exponent);
  if (std::fabs(rounded) > format.max_finite) {
    return format.has_infinity ? std::copysign(std::numeric_limits<long double>::infinity(), x)
                               : std::numeric_limits<long double>::quiet_NaN();
  }
  return rounded == 0 ? std::copysign(0.0L, x) : rounded;
}

long double decode_bits(std::uint32_t bits, const FloatFormat& format) {
  const int total = 1 + format.exponent_bits + format.fraction_bits;
  const bool negative = (bits >> (total - 1)) & 1u;
  const std::uint32_t exponent_field = (bits >> format.fraction_bits) & ((1u << format.exponent_bits) - 1);
  const std::uint32_t fraction = bits & ((1u << format.fraction_bits) - 1);
  const std::uint32_t all_ones = (1u << format.exponent_bits) - 1;
  long double value = 0;
  if (exponent_field == all_ones && format.has_infinity) {
    value = fraction == 0 ? std::numeric_limits<long double>::infinity()
                          : std::numeric_limits<long double>::quiet_NaN();
  } else if (exponent_field == all_ones && fraction == (1u << format.fraction_bits) - 1) {
    value = std::numeric_limits<long double>::quiet_NaN();  // e4m3fn: S.1111.111 is NaN
  } else if (exponent_field == 0) {
    value = std::ldexp(static_cast<long double>(fraction), 1 - format.bias - format.fraction_bits);
  } else {
    value = std::ldexp(static_cast<long double>(fraction | (1u << format.fraction_bits)),
                       static_cast<int>(exponent_field) - format.bias - format.fraction_bits);
  }
  return negative ? -value : value;
}

std::uint32_t encode_bits(long double x, const FloatFormat& format) {
  const int total = 1 + format.exponent_bits + format.fraction_bits;
  const std::uint32_t sign = std::signbit(x) ? 1u << (total - 1) : 0u;
  const std::uint32_t all_ones = (1u << format.exponent_bits) - 1;
  if (std::isnan(x)) {
    // The canonical quiet NaN, as NumPy and the frameworks write it.
    const std::uint32_t quiet =
        format.has_infinity ? 1u << (format.fraction_bits - 1) : (1u << format.fraction_bits) - 1;
    return (all_ones << format.fraction_bits) | quiet;
  }
  if (std::isinf(x)) return sign | (all_ones << format.fraction_bits);
  const long double magnitude = std::fabs(x);
  if (magnitude < format.min_normal) {
    return sign | static_cast<std::uint32_t>(std::ldexp(magnitude, format.bias - 1 + format.fraction_bits));
  }
  int exponent = 0;
  const long double m = std::frexp(magnitude, &exponent);  // [0.5, 1)
  const auto significand = static_cast<std::uint32_t>(std::ldexp(m, format.fraction_bits + 1));
  const auto biased = static_cast<std::uint32_t>(exponent - 1 + format.bias);
  return sign | (biased << format.fraction_bits) | (significand & ((1u << format.fraction_bits) - 1));
}

}  // namespace dtlint
