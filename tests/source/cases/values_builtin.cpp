// clang-format off
// FLAGS: -mavx512fp16
// CX403 and CX404 on constants of built-in types, judged by value. g++
// compiles this file into the test binary too (source_checks_test.cpp), so
// every value a CHECK claims is held to what the compiled program computes.
#include <cstdint>

// Finite → ±inf in a float type.
const float kFloatOverflow = 1e39;  // CHECK: CX403 :30 "inf"
const float kFloatNegativeOverflow = -1e39;  // CHECK: CX403 :38 "-inf"
const _Float16 kHalfOverflow = 70000.0;  // CHECK: CX403 :32 "inf"
const float kExplicitOverflow = static_cast<float>(1e39);  // CHECK: CX403 :33 "inf"

// An integer constant outside the integer type, implicitly: the modular value.
const std::int8_t kWrappedByte = 300;  // CHECK: CX403 :34 "44"
const std::int8_t kWrappedNegativeByte = -200;  // CHECK: CX403 :42 "56"
const std::uint8_t kWrappedUnsignedByte = 256;  // CHECK: CX403 :43 "0"
const std::int16_t kWrappedShort = 70000;  // CHECK: CX403 :36 "4464"
const unsigned kMinusTwo = -2;  // CHECK: CX403 :28 "4294967294"

// An integer-valued constant not exact in the float type.
const float kNotExactInFloat = 16777217;  // CHECK: CX404 :32 "16777216"
const float kLargeIdInFloat = 123456789;  // CHECK: CX404 :31 "123456792"
const float kInt64InFloat = 9007199254740993LL;  // CHECK: CX404 :29 "9007199254740992"
const double kInt64InDouble = 9007199254740993LL;  // CHECK: CX404 :31 "9007199254740992"
const _Float16 kNotExactInHalf = 2049;  // CHECK: CX404 :34 "2048"

// Non-integral constants beyond the default tolerance: flush to zero, subnormal results.
const _Float16 kHalfTiny = 1e-8;  // CHECK: CX404 :28 "0"
const _Float16 kHalfSubnormal = 1e-6;  // CHECK: CX404 :33 "1.0132789611816406e-06"
// One rounding from double (the platform's): above half the smallest subnormal, so it rounds up.
const _Float16 kHalfDoubleRounding = 0x1.0000000001p-25;  // CHECK: CX404 :38 "5.9604644775390625e-08"

// A non-integral floating constant converted implicitly to an integer.
const int kTruncated = 2.5;  // CHECK: CX404 :24 "2"
const int kNegativeTruncated = -7.9;  // CHECK: CX404 :32 "-7"
// In range after truncation toward zero: defined behaviour, so not CX403.
const std::int8_t kJustInRange = 127.9;  // CHECK: CX404 :34 "127"
const unsigned kNegativeFractionToUnsigned = -0.5;  // CHECK: CX404 :46 "0"

// A constexpr variable and enumerators as operands.
constexpr double kTooBigForFloat = 1e39;
const float kFromConstexpr = kTooBigForFloat;  // CHECK: CX403 :30 "inf"
enum Level { kLevelHigh = 300 };
const std::int8_t kFromEnumerator = kLevelHigh;  // CHECK: CX403 :37 "44"
enum LargeId : long long { kLargeEnumeratorId = 16777217 };
const float kFromLargeEnumerator = kLargeEnumeratorId;  // CHECK: CX404 :36 "16777216"

// Silent: -1 into an unsigned type (all ones), exact values, rounding within
// tolerance, explicit integer → integer casts, explicit truncation.
const std::uint8_t kAllOnesByte = -1;
const unsigned kAllOnes = -1;
const std::uint64_t kAllOnesWide = -1;
const _Float16 kHalfMax = 65504.0;
const _Float16 kHalfTenth = 0.1;
const float kFloatTenth = 0.1;
const float kExactPowerOfTwo = 16777216;
const int kIntegralFloat = 3.0;
const double kWiderDouble = 0.1f;
const auto kExplicitWrap = static_cast<std::int8_t>(300);
const auto kExplicitTruncation = static_cast<int>(2.5);
const auto kExplicitNegativeTruncation = static_cast<int>(-7.9);
