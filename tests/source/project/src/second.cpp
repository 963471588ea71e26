// clang-format off
#include <Eigen/Core>

#include "project/scale.h"

Eigen::half second_half(double x) {
  return Eigen::half(scale_down(x) + fastmath::narrow_any(x));  // CHECK: CX402 :10 "Eigen::half"
}
