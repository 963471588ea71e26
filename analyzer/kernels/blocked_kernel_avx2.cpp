// The blocked kernel compiled for avx2 (flags in analyzer/CMakeLists.txt).
#define DTLINT_KERNEL_NS blocked_avx2
#define DTLINT_VECTOR_BYTES 32
#include "analyzer/kernels/blocked_kernel.inc"
