// The blocked kernel's primitives for AVX-512 F/BW/DQ/VL (with FMA and F16C):
// 512-bit vectors and mask registers. The contract of each primitive is in
// isa/scalar.h. GCC splits some 512-bit operations into halves when left to its
// generic vector code, so they name the instruction; the masked (maskz) forms
// because GCC 12 misreports the plain ones as using uninitialised values.
#pragma once

#include <immintrin.h>

#define DTLINT_VECTOR_BYTES 64
#include "analyzer/kernels/isa/vector.h"

namespace dtlint::DTLINT_KERNEL_NS {
namespace {

inline VDouble truncate(VDouble v) {
  const __m512d w = (__m512d)v;
  return (VDouble)_mm512_mask_roundscale_pd(w, 0xFF, w, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
}

inline VFloat to_floats(VDouble v) {
  return (VFloat)_mm512_maskz_cvtpd_ps(0xFF, (__m512d)v);
}
inline VDouble to_doubles(VFloat v) {
  return (VDouble)_mm512_maskz_cvtps_pd(0xFF, (__m256)v);
}

inline VDouble float16_round_trip(VBits32 single) {
  const __m128i h = _mm256_cvtps_ph((__m256)single, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  return to_doubles((VFloat)_mm256_cvtph_ps(h));
}

using Mask = __mmask8;
inline Mask differ(VDouble a, VDouble b) {
  return _mm512_cmp_pd_mask((__m512d)a, (__m512d)b, _CMP_NEQ_UQ);
}
inline VInt count_where(VInt count, Mask m) {
  return (VInt)_mm512_mask_sub_epi64((__m512i)count, m, (__m512i)count, _mm512_set1_epi64(-1));
}
inline Mask bits_equal(VBits a, VBits b) {
  return _mm512_cmpeq_epi64_mask((__m512i)a, (__m512i)b);
}
inline Mask less(VDouble a, VDouble b) {
  return _mm512_cmp_pd_mask((__m512d)a, (__m512d)b, _CMP_LT_OQ);
}
inline Mask greater(VDouble a, VDouble b) {
  return _mm512_cmp_pd_mask((__m512d)a, (__m512d)b, _CMP_GT_OQ);
}
inline Mask equal(VDouble a, VDouble b) {
  return _mm512_cmp_pd_mask((__m512d)a, (__m512d)b, _CMP_EQ_OQ);
}
inline VDouble blend(Mask m, VDouble a, VDouble b) {
  return (VDouble)_mm512_mask_blend_pd(m, (__m512d)b, (__m512d)a);
}

inline VDouble min_of(VDouble a, VDouble b) {
  return (VDouble)_mm512_maskz_min_pd(0xFF, (__m512d)a, (__m512d)b);
}
inline VDouble max_of(VDouble a, VDouble b) {
  return (VDouble)_mm512_maskz_max_pd(0xFF, (__m512d)a, (__m512d)b);
}

constexpr bool kExactExcess = true;
inline VDouble excess(VDouble e, VDouble t, VDouble a) {
  return (VDouble)_mm512_fnmadd_pd((__m512d)t, (__m512d)a, (__m512d)e);
}
inline VDouble nonfinite_probe(VDouble acc, VDouble v) {
  return (VDouble)_mm512_fmadd_pd((__m512d)v, _mm512_setzero_pd(), (__m512d)acc);
}

}  // namespace
}  // namespace dtlint::DTLINT_KERNEL_NS
