// The blocked kernel compiled for avx512 with AVX-512 FP16 (flags in analyzer/CMakeLists.txt).
#define DTLINT_KERNEL_NS blocked_avx512fp16
#define DTLINT_VECTOR_BYTES 64
#include "analyzer/kernels/blocked_kernel.inc"
