// clang-format off
// CX403 for floating constants outside the integer type and for NaN or ±inf
// converted to an integer: undefined behaviour in C++, so the message says so
// and claims no value (compilers fold these differently; g++ does not compile
// this file into the tests).
#include <cstdint>
#include <limits>

const std::int32_t kTooBigForInt = 3e9;  // CHECK: CX403 :36 "undefined"
const std::int8_t kTooBigForByte = 128.0;  // CHECK: CX403 :36 "undefined"
const unsigned kNegativeToUnsigned = -1.0;  // CHECK: CX403 :38 "undefined"
const int kFromInfinity = std::numeric_limits<double>::infinity();  // CHECK: CX403 :27 "undefined"
const int kFromNan = __builtin_nan("");  // CHECK: CX403 :22 "undefined"
// Explicit does not make it defined.
const auto kExplicitTooBig = static_cast<std::int32_t>(3e9);  // CHECK: CX403 :30 "undefined"

int in_a_function() {
  int local = 1e10;  // CHECK: CX403 :15 "undefined"
  return local;
}
