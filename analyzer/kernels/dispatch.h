// Kernel selection: every kernel is compiled once per instruction set and
// chosen once per run for the CPU at hand. DTLINT_KERNEL=reference|scalar|avx2|
// avx512|avx512fp16 forces one (tests run the numeric suite under each).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "analyzer/kernels/semantics.h"

namespace dtlint {

struct ArrayView;
struct ArrayAnalysis;

enum class KernelIsa : unsigned char {
  Reference,   // the long double scalar reference, one element at a time
  Scalar,      // the blocked kernel for baseline x86-64 (SSE2)
  Avx2,        // … with AVX2, FMA and F16C
  Avx512,      // … with AVX-512 F/BW/DQ/VL
  Avx512Fp16,  // … and AVX-512 FP16: double → float16 rounded once by vcvtpd2ph
};

std::string_view to_string(KernelIsa isa);
std::optional<KernelIsa> kernel_from_string(std::string_view text);

// Whether this CPU can run the kernel.
bool kernel_supported(KernelIsa isa);
// Every kernel this CPU can run, reference first.
std::vector<KernelIsa> supported_kernels();

// Accumulates elements [begin, end) of `array` into `partial` (see prepare_analysis).
using RangeKernel = void (*)(const ArrayView& array, Semantics semantics, ArrayAnalysis& partial,
                             std::uint64_t begin, std::uint64_t end);
RangeKernel range_kernel(KernelIsa isa);

// The fastest supported kernel, or DTLINT_KERNEL's choice. Throws std::runtime_error
// naming the variable when it asks for an unknown or unsupported kernel.
KernelIsa choose_kernel();

}  // namespace dtlint
