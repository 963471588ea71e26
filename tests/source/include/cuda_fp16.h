// Stand-in for CUDA's cuda_fp16.h (host side): __half is constructible from
// float and double without a cast (unless __CUDA_NO_HALF_CONVERSIONS__), and
// __float2half is the conversion function.
#pragma once

struct __half {
  unsigned short __x;
  __half() = default;
  __half(float f);   // NOLINT: implicit, as the real one
  __half(double f);  // NOLINT: implicit, as the real one
  operator float() const;
};

__half __float2half(const float a);
__half __float2half_rn(const float a);
__half __double2half(const double a);
float __half2float(const __half a);
