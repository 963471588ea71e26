// clang-format off
// Casts from macros: a cast in a macro's body is reported at the macro's use
// (the message names the macro), one on a macro argument at the argument.
#include <Eigen/Core>

#define TO_HALF(x) static_cast<Eigen::half>(x)
#define ASSIGN(destination, value) destination = value
#define NARROW_SCALE(value) float scaled_##value = value
#define HUGE_HALF Eigen::half(1e5)
#define HUGE_VALUE 1e39

void from_macros(float x, double d) {
  // CHECK+1: CX402 :12 "TO_HALF"
  auto h = TO_HALF(x);
  float out;
  // CHECK+1: CX401 :15
  ASSIGN(out, d);
  // CHECK+1: CX401 :16
  NARROW_SCALE(d);
  (void)h;
  (void)out;
  (void)scaled_d;
}

// CHECK+1: CX403 :31 "HUGE_HALF" "inf"
const Eigen::half kHugeHalf = HUGE_HALF;
// CHECK+1: CX403 :26 "inf"
const float kHugeValue = HUGE_VALUE;
