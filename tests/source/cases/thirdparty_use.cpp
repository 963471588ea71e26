// clang-format off
// A scanned file that uses a third-party header (reached through -I, outside
// the scanned paths): nothing from the header is reported, not even the
// template instantiated here; this file's own conversions are.
#include <thirdparty/fastmath.h>

float use_thirdparty(double d, float x) {
  float narrowed = fastmath::narrow(d) + fastmath::narrow_any(d) + static_cast<float>(fastmath::truncate(x)) +
                   static_cast<float>(fastmath::to_half(x)) + fastmath::kHuge +
                   static_cast<float>(fastmath::kWrapped) + static_cast<float>(fastmath::kHalfHuge);
  float own = d;  // CHECK: CX401 :15
  return narrowed + own;
}
