// clang-format off
// A header included by two units (implicit_conversions.cpp and
// suppressions.cpp): its finding is reported once.
#pragma once

inline float shared_narrow(double x) { return x; }  // CHECK: CX401 :47
