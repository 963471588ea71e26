// clang-format off
// CX401 and CX405: implicit conversions of values Clang cannot evaluate,
// judged by their types; the wider and equal conversions beside them, and
// conversions to bool, are never reported.
#include <cstdint>

#include "shared_scale.hpp"

void take_float(float);
void take_int(int);

float narrow_init(double scale) {
  float s = scale;  // CHECK: CX401 :13
  return s;
}

float narrow_return(double x) {
  return x;  // CHECK: CX401 :10
}

void narrow_argument_and_assignment(double d, long double ld, float f) {
  take_float(d);  // CHECK: CX401 :14
  float out;
  out = d;  // CHECK: CX401 :9
  double from_long_double = ld;  // CHECK: CX401 :29
  float product = d * 2.0;  // CHECK: CX401 :19
  take_int(f);  // CHECK: CX405 :12
  (void)out;
  (void)from_long_double;
  (void)product;
}

int truncate_init(float x, double d) {
  int n = x;  // CHECK: CX405 :11
  std::int64_t big = d;  // CHECK: CX405 :22
  unsigned u = x;  // CHECK: CX405 :16
  return n + static_cast<int>(big) + static_cast<int>(u);
}

// Wider, equal, integer → float and bool: nothing.
double negatives(float f, double d, int n, std::int64_t k) {
  double wide = f;
  long double wider = d;
  float same = f;
  double from_int = n;
  float from_int_narrow_type = n;
  double from_int64 = k;
  bool flag = d;
  int explicit_truncation = static_cast<int>(d);
  float explicit_narrowing = static_cast<float>(d);
  return wide + static_cast<double>(wider) + same + from_int + from_int_narrow_type + from_int64 + flag +
         explicit_truncation + explicit_narrowing;
}

// A template instantiated twice (and once more with the same argument): each
// instantiation's conversion is judged by its own types, each site once.
template <typename Target>
Target convert(double value) {
  return value;  // CHECK: CX401 :10 CHECK: CX405 :10
}

template <typename Source>
float to_float(Source value) {
  return value;  // CHECK: CX401 :10
}

float use_templates(double d, float f) {
  return convert<float>(d) + static_cast<float>(convert<int>(d)) + static_cast<float>(convert<double>(d)) +
         to_float(d) + to_float(2.0 * d) + to_float(f) + shared_narrow(d);
}
