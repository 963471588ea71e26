// Binary floating-point formats and exact rounding into them.
#pragma once

#include <cstdint>
#include <limits>

#include "analyzer/dtype.h"

namespace dtlint {

// Every source value dtlint reads (64-bit integers, float64, x87 extended) is
// held exactly in a long double; every target value is too. That is what makes
// the scalar reference kernels obviously exact.
static_assert(std::numeric_limits<long double>::digits >= 64,
              "dtlint's reference kernels need a long double with a 64-bit significand");

struct FloatFormat {
  int fraction_bits;  // stored significand bits (the leading 1 is implicit)
  int exponent_bits;
  int bias;
  bool has_infinity;  // float8_e4m3fn has none: overflow and ±inf become NaN
  long double max_finite;
  long double min_normal;
  long double min_subnormal;
  // Unit roundoff 2^-(fraction_bits+1): the largest relative error of rounding
  // to nearest in the normal range.
  long double unit_roundoff;
};

// The format of a floating target (float8_e4m3fn … float64). Only for is_float(type)
// types other than LongDouble.
const FloatFormat& float_format(DType type);

// Rounds x to the nearest value of `format`, ties to even, exactly once.
// Overflow gives ±inf (NaN where the format has no infinity); NaN stays NaN.
long double round_to_format(long double x, const FloatFormat& format);

// The value of a stored bit pattern of a ≤ 16-bit format (float16, bfloat16, float8s).
long double decode_bits(std::uint32_t bits, const FloatFormat& format);
// The bit pattern of a value of the format (x must be representable, e.g. a rounding result).
std::uint32_t encode_bits(long double x, const FloatFormat& format);

}  // namespace dtlint
