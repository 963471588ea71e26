// clang-format off
// Included by both units: its finding is reported once.
#pragma once

#include <thirdparty/fastmath.h>

inline float scale_down(double x) { return x * 0.5; }  // CHECK: CX401 :44
