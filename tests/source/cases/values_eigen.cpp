// clang-format off
// CX403 and CX404 on constants converted into Eigen's types, which round via
// float32 (the tensorflow profile). g++ compiles this file into the test
// binary with the real Eigen, so every value a CHECK claims is Eigen's.
#include <Eigen/Core>
#include <tensorflow/core/framework/numeric_types.h>

const Eigen::half kEigenHalfOverflow = Eigen::half(1e5);  // CHECK: CX403 :40 "inf"
const Eigen::half kEigenHalfNegativeOverflow = Eigen::half(-1e5);  // CHECK: CX403 :48 "-inf"
const Eigen::half kEigenHalfDirect(70000.0f);  // CHECK: CX403 "inf"
const Eigen::half kEigenHalfNotExact = Eigen::half(2049.0);  // CHECK: CX404 :40 "2048"
const Eigen::half kEigenHalfTiny = Eigen::half(1e-8);  // CHECK: CX404 :36 "0"
// Via float32: the double rounds to 2^-25 first, a tie that goes to zero
// (compare kHalfDoubleRounding in values_builtin.cpp, one rounding: 2^-24).
const Eigen::half kEigenHalfDoubleRounding = Eigen::half(0x1.0000000001p-25);  // CHECK: CX404 :46 "0"
const Eigen::bfloat16 kEigenBfloatOverflow = Eigen::bfloat16(3.397e38);  // CHECK: CX403 :46 "inf"
const Eigen::bfloat16 kEigenBfloatNotExact = Eigen::bfloat16(257.0);  // CHECK: CX404 :46 "256"
const tensorflow::bfloat16 kTensorflowBfloatNotExact = tensorflow::bfloat16(65537.0);  // CHECK: CX404 :56 "65536"

// A constexpr variable and an enumerator as operands.
constexpr double kTooBigForHalf = 1e5;
const Eigen::half kEigenHalfFromConstexpr = Eigen::half(kTooBigForHalf);  // CHECK: CX403 :45 "inf"
enum Count { kManyItems = 4097 };
const Eigen::half kEigenHalfFromEnumerator = Eigen::half(kManyItems);  // CHECK: CX404 :46 "4096"

// Silent: exact, and rounding within tolerance (2049.0000001 → 2048 is 4.9e-4
// relative, below half's 2^-11).
const Eigen::half kEigenHalfMax = Eigen::half(65504.0);
const Eigen::half kEigenHalfTenth = Eigen::half(0.1);
const Eigen::half kEigenHalfNearTie = Eigen::half(2049.0000001);
const Eigen::bfloat16 kEigenBfloatTenth = Eigen::bfloat16(0.1);
const Eigen::bfloat16 kEigenBfloatExact = Eigen::bfloat16(256.0);
