// The blocked kernel compiled for avx512 (flags in analyzer/CMakeLists.txt).
#define DTLINT_KERNEL_NS blocked_avx512
#define DTLINT_VECTOR_BYTES 64
#include "analyzer/kernels/blocked_kernel.inc"
