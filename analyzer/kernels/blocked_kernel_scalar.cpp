// The blocked kernel compiled for scalar (flags in analyzer/CMakeLists.txt).
#define DTLINT_KERNEL_NS blocked_scalar
#define DTLINT_VECTOR_BYTES 16
#include "analyzer/kernels/blocked_kernel.inc"
