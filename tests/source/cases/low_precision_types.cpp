// clang-format off
// FLAGS: -mavx512fp16
// CX401 into 16-bit float types (implicit: built-in types and the classes
// with an implicit constructor) and CX402 for explicit casts into each of them.
// _Float16 needs -mavx512fp16 with Clang 14 on x86-64 (a syntax-only run: the
// CPU need not have it); __bf16 is not accepted there at all (bf16_types.cpp).
#include <Eigen/Core>
#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <tensorflow/core/framework/numeric_types.h>

void take_c10_half(c10::Half);

void implicit_into_low_precision(float x, double d) {
  _Float16 builtin_half = d;  // CHECK: CX401 :27
  __fp16 storage_half = x;  // CHECK: CX401 :25
  c10::Half torch_half = x;  // CHECK: CX401 :26
  at::Half aten_half = x;  // CHECK: CX401 :24
  c10::BFloat16 torch_bfloat = x;  // CHECK: CX401 :32
  __half cuda_half = d;  // CHECK: CX401 :22
  __nv_bfloat16 cuda_bfloat = x;  // CHECK: CX401 :31
  take_c10_half(x);  // CHECK: CX401 :17
  (void)builtin_half;
  (void)storage_half;
  (void)torch_half;
  (void)aten_half;
  (void)torch_bfloat;
  (void)cuda_half;
  (void)cuda_bfloat;
}

__half implicit_return(float x) {
  return x;  // CHECK: CX401 :10
}

void explicit_into_low_precision(float x, double d) {
  auto a = static_cast<Eigen::half>(x);  // CHECK: CX402 :12 "Eigen::half"
  auto b = Eigen::half(d);  // CHECK: CX402 :12 "Eigen::half"
  auto c = Eigen::bfloat16(x);  // CHECK: CX402 :12 "Eigen::bfloat16"
  auto e = tensorflow::bfloat16(x);  // CHECK: CX402 :12 "bfloat16"
  auto f = (_Float16)d;  // CHECK: CX402 :12 "_Float16"
  auto g = static_cast<__fp16>(x);  // CHECK: CX402 :12 "__fp16"
  auto h = __float2half(x);  // CHECK: CX402 :12 "__half"
  auto i = __half(d);  // CHECK: CX402 :12 "__half"
  auto j = __float2bfloat16(x);  // CHECK: CX402 :12 "__nv_bfloat16"
  auto k = __nv_bfloat16(x);  // CHECK: CX402 :12 "__nv_bfloat16"
  auto l = c10::Half(x);  // CHECK: CX402 :12 "c10::Half"
  auto m = at::Half(x);  // CHECK: CX402 :12 "Half"
  auto n = c10::BFloat16(x);  // CHECK: CX402 :12 "c10::BFloat16"
  // A double argument to the float parameter of the conversion function: two sites.
  auto o = __float2half(d);  // CHECK: CX402 :12 CHECK: CX401 :25
  (void)a; (void)b; (void)c; (void)e; (void)f; (void)g; (void)h;
  (void)i; (void)j; (void)k; (void)l; (void)m; (void)n; (void)o;
}

// Out of low precision, copies, and conversions into wider types: nothing.
float negatives(Eigen::half h, c10::Half t, __half u, _Float16 v, float x) {
  Eigen::half copy = h;
  float from_eigen = static_cast<float>(h);
  float from_torch = t;
  float from_cuda = u;
  float from_builtin = v;
  double from_builtin_wider = v;
  float same = static_cast<float>(x);
  (void)copy;
  return from_eigen + from_torch + from_cuda + from_builtin + static_cast<float>(from_builtin_wider) + same;
}
