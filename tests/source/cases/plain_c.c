// clang-format off
// A C unit: the same rules by type.
float narrow(double x) {
  return x;  // CHECK: CX401 :10
}

int truncate(float x) {
  int n = x;  // CHECK: CX405 :11
  return n;
}

double widen(float x) {
  double w = x;
  return w;
}

_Bool nonzero(double x) {
  return x;
}

int explicit_truncation(double x) {
  return (int)x;
}
