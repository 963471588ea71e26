// The blocked kernel's primitives for AVX-512 with AVX-512 FP16: those of
// isa/avx512.h, and double → float16 rounded once by the hardware.
#pragma once

#include "analyzer/kernels/isa/avx512.h"

// vcvtpd2ph rounds double → float16 once (to nearest even, as NumPy does);
// vcvtps2phx rounds float → float16 (the path through float32 of tf.cast and
// Tensor.to); vcvtph2pd widens exactly. MXCSR is left at its defaults (no
// DAZ/FTZ), so subnormals are exact too. isa/rounding.h takes these instead of
// its software rounding when DTLINT_ISA_FLOAT16_FROM_DOUBLE is defined.
#define DTLINT_ISA_FLOAT16_FROM_DOUBLE 1

namespace dtlint::DTLINT_KERNEL_NS {
namespace {

inline VDouble float16_once(VDouble v) {
  const __m128h half = _mm512_maskz_cvtpd_ph(0xFF, (__m512d)v);
  return (VDouble)_mm512_maskz_cvtph_pd(0xFF, half);
}
inline VDouble float16_through_float32(VDouble v) {
  const __m128h half = _mm256_maskz_cvtxps_ph(0xFF, (__m256)to_floats(v));
  return (VDouble)_mm512_maskz_cvtph_pd(0xFF, half);
}

}  // namespace
}  // namespace dtlint::DTLINT_KERNEL_NS
