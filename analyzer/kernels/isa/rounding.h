// Rounding a vector of doubles to float16 and bfloat16, directly (once) and
// through float32 (twice), built on the primitives of the build's isa/<name>.h.
//
// A double is rounded once to float16/bfloat16 by rounding to odd into float32
// (24 bits ≥ 11 + 2), then to nearest even: Boldo & Melquiond's theorem makes
// that a single correct rounding. TensorFlow's and PyTorch's path is float32 to
// nearest, then to nearest again.
#pragma once

#include "analyzer/kernels/isa/vector.h"

namespace dtlint::DTLINT_KERNEL_NS {
namespace {

// Round to odd into float32: the nearest float, moved one unit towards x when it
// is inexact and even. ±inf from overflow becomes ±FLT_MAX and 0 from underflow
// the smallest subnormal, as rounding to odd requires.
inline VBits32 float32_round_to_odd(VDouble x) {
  const VFloat f = to_floats(x);
  const VBits32 b = as_bits32(f);
  const VDouble back = to_doubles(f);
  const VInt32 inexact = __builtin_convertvector((back != x) & (x == x), VInt32);
  const VInt32 away = __builtin_convertvector(absolute(back) > absolute(x), VInt32);
  const VBits32 towards = away ? b - 1u : b + 1u;
  return (inexact & ((b & 1u) == 0u)) ? towards : b;
}

// The values of float16 bit patterns, and of bfloat16 ones held as the top half of a float32.
inline VDouble float16_value(VBits32 h) {
  return to_doubles(as_floats(float32_from_float16(h)));
}
inline VDouble bfloat16_value(VBits32 top) {
  return to_doubles(as_floats(top));
}

#ifndef DTLINT_ISA_FLOAT16_FROM_DOUBLE
inline VDouble float16_once(VDouble v) {
  return float16_round_trip(float32_round_to_odd(v));
}
inline VDouble float16_through_float32(VDouble v) {
  return float16_round_trip(as_bits32(to_floats(v)));
}
#endif
inline VDouble bfloat16_once(VDouble v) {
  return bfloat16_value(bfloat16_from_float32(float32_round_to_odd(v)));
}
inline VDouble bfloat16_through_float32(VDouble v) {
  return bfloat16_value(bfloat16_from_float32(as_bits32(to_floats(v))));
}

}  // namespace
}  // namespace dtlint::DTLINT_KERNEL_NS
