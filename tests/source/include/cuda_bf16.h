// Stand-in for CUDA's cuda_bf16.h (host side): __nv_bfloat16 constructible
// from float and double without a cast, and its conversion functions.
#pragma once

struct __nv_bfloat16 {
  unsigned short __x;
  __nv_bfloat16() = default;
  __nv_bfloat16(float f);   // NOLINT: implicit, as the real one
  __nv_bfloat16(double f);  // NOLINT: implicit, as the real one
  operator float() const;
};

__nv_bfloat16 __float2bfloat16(const float a);
__nv_bfloat16 __float2bfloat16_rn(const float a);
__nv_bfloat16 __double2bfloat16(const double a);
float __bfloat162float(const __nv_bfloat16 a);
