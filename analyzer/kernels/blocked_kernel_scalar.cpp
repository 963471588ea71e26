// The blocked kernel compiled for scalar (flags in analyzer/CMakeLists.txt).
#define DTLINT_KERNEL_NS blocked_scalar
#include "analyzer/kernels/blocked_kernel.inc"
