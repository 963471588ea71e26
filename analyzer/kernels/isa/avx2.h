// The blocked kernel's primitives for AVX2 with FMA and F16C: 256-bit vectors.
// The contract of each primitive is in isa/scalar.h.
#pragma once

#include <immintrin.h>

#define DTLINT_VECTOR_BYTES 32
#include "analyzer/kernels/isa/vector.h"
#include "analyzer/kernels/isa/vector_masks.h"

namespace dtlint::DTLINT_KERNEL_NS {
namespace {

inline VDouble truncate(VDouble v) {
  return (VDouble)_mm256_round_pd((__m256d)v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
}

inline VFloat to_floats(VDouble v) {
  return (VFloat)_mm256_cvtpd_ps((__m256d)v);
}
inline VDouble to_doubles(VFloat v) {
  return (VDouble)_mm256_cvtps_pd((__m128)v);
}

// F16C's own conversions (the tests hold them to the reference like everything else).
inline VDouble float16_round_trip(VBits32 single) {
  const __m128i h = _mm_cvtps_ph((__m128)single, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  return to_doubles((VFloat)_mm_cvtph_ps(h));
}

// Masks are vectors (isa/vector_masks.h): AVX2 has no mask registers.

inline VDouble min_of(VDouble a, VDouble b) {
  return (VDouble)_mm256_min_pd((__m256d)a, (__m256d)b);
}
inline VDouble max_of(VDouble a, VDouble b) {
  return (VDouble)_mm256_max_pd((__m256d)a, (__m256d)b);
}

// e − t·a rounded once: its sign is the exact comparison of e with t·a.
constexpr bool kExactExcess = true;
inline VDouble excess(VDouble e, VDouble t, VDouble a) {
  return (VDouble)_mm256_fnmadd_pd((__m256d)t, (__m256d)a, (__m256d)e);
}
inline VDouble nonfinite_probe(VDouble acc, VDouble v) {
  return (VDouble)_mm256_fmadd_pd((__m256d)v, _mm256_setzero_pd(), (__m256d)acc);
}

}  // namespace
}  // namespace dtlint::DTLINT_KERNEL_NS
