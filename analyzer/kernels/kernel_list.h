// The one list of kernels. Everything else is made from it: the KernelIsa
// enumerators, the names DTLINT_KERNEL accepts, dispatch's choice (the last
// kernel the CPU can run), the tests that run every compiled kernel, and the
// build: analyzer/CMakeLists.txt reads this file, compiles
// blocked_kernel.inc once per line with isa/<name>.h first and the flags given
// here, and tests/CMakeLists.txt adds a numeric_suite_<name> test for each.
//
// X(enumerator, name, what the CPU must have (a function in dispatch.cpp), "compiler flags")
// Slowest first. A new kernel is one line here, its isa/<name>.h and its CPU check.
#pragma once

// clang-format off
#define DTLINT_BLOCKED_KERNELS(X) \
  X(Scalar,     scalar,     cpu_has_sse2,       "") \
  X(Avx2,       avx2,       cpu_has_avx2,       "-mavx2 -mfma -mf16c -mbmi2") \
  X(Avx512,     avx512,     cpu_has_avx512,     "-mavx512f -mavx512bw -mavx512dq -mavx512vl -mfma -mf16c -mbmi2 -mprefer-vector-width=512") \
  X(Avx512Fp16, avx512fp16, cpu_has_avx512fp16, "-mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx512fp16 -mfma -mf16c -mbmi2 -mprefer-vector-width=512")
// clang-format on
