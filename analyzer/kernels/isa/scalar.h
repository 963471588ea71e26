// The blocked kernel's primitives for baseline x86-64 (SSE2): 128-bit vectors and
// GCC's generic vector code, no instruction the baseline lacks. This file also
// says what each primitive must do; isa/avx2.h and isa/avx512.h name their own
// instructions for the same contract.
#pragma once

#define DTLINT_VECTOR_BYTES 16
#include "analyzer/kernels/isa/vector.h"
#include "analyzer/kernels/isa/vector_masks.h"

namespace dtlint::DTLINT_KERNEL_NS {
namespace {

// trunc(v) lane by lane, NaN and ±inf unchanged. Without a rounding instruction:
// below 2^52, adding 2^52 rounds to an integer (to nearest), which is then
// corrected towards zero; NaN and large values pass through.
inline VDouble truncate(VDouble v) {
  constexpr double kTwo52 = 4503599627370496.0;
  const VDouble a = absolute(v);
  VDouble t = (a + kTwo52) - kTwo52;
  t = select(t > a, t - 1.0, t);
  const VDouble signed_t = as_doubles(as_bits(t) | (as_bits(v) & kSignBit));
  return select(a < kTwo52, signed_t, v);
}

// double ↔ float, rounding to nearest even (float → double is exact).
inline VFloat to_floats(VDouble v) {
  return __builtin_convertvector(v, VFloat);
}
inline VDouble to_doubles(VFloat v) {
  return __builtin_convertvector(v, VDouble);
}

// float32 bits → float16 (nearest even) → that float16's value as a double.
inline VDouble float16_round_trip(VBits32 single) {
  return to_doubles(as_floats(float32_from_float16(float16_from_float32(single))));
}

// A lane mask is a vector of all-ones or zero lanes, as the comparisons give
// it; what the fused loop does with one is in isa/vector_masks.h.

// x86's min/max semantics: the second operand when either is NaN, so that a
// running min_of(v, acc) skips NaN.
inline VDouble min_of(VDouble a, VDouble b) {
  return a < b ? a : b;
}
inline VDouble max_of(VDouble a, VDouble b) {
  return a > b ? a : b;
}

// The sign of excess(e, t, a) compares e with t·a: exactly where the product is
// fused (kExactExcess); here e − round(t·a), which compares e with round(t·a)
// (the difference of two doubles is 0 only when they are equal and keeps the
// sign of their difference).
constexpr bool kExactExcess = false;
inline VDouble excess(VDouble e, VDouble t, VDouble a) {
  return e - t * a;
}
// Stays 0 while every value is finite; NaN (inf·0 or NaN·0) sticks once it appears.
inline VDouble nonfinite_probe(VDouble acc, VDouble v) {
  return acc + v * 0.0;
}

}  // namespace
}  // namespace dtlint::DTLINT_KERNEL_NS
