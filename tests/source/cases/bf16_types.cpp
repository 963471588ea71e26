// clang-format off
// REQUIRES-CLANG: 17
// __bf16 as an arithmetic type: Clang 17 and later on x86-64. Clang 14 rejects
// `__bf16` on x86-64 ("not supported on this target") and on AArch64 allows
// no conversion to or from it, so the test skips this file with older helpers.
void bf16_conversions(float x, double d) {
  __bf16 implicit_from_float = x;  // CHECK: CX401 :32
  __bf16 implicit_from_double = d;  // CHECK: CX401 :33
  auto explicit_cast = static_cast<__bf16>(x);  // CHECK: CX402 :24 "__bf16"
  float back = implicit_from_float;
  (void)implicit_from_double;
  (void)explicit_cast;
  (void)back;
}
