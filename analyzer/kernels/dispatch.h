// Kernel selection: the blocked kernel is compiled once per instruction set
// (the list is kernel_list.h) and chosen once per run for the CPU at hand.
// DTLINT_KERNEL=reference, or a name from the list, forces one (the tests run
// the numeric suite under each).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/kernel_list.h"
#include "analyzer/kernels/semantics.h"

namespace dtlint {

struct ArrayView;
struct ArrayAnalysis;

enum class KernelIsa : unsigned char {
  Reference,  // the long double scalar reference, one element at a time
// Then the blocked kernels: Scalar (baseline x86-64, SSE2), Avx2 (with FMA and
// F16C), Avx512 (F/BW/DQ/VL), Avx512Fp16 (double → float16 rounded by vcvtpd2ph).
#define DTLINT_KERNEL_ENUMERATOR(enumerator, name, cpu_check, flags) enumerator,
  DTLINT_BLOCKED_KERNELS(DTLINT_KERNEL_ENUMERATOR)
#undef DTLINT_KERNEL_ENUMERATOR
};

// Every kernel compiled into dtlint, reference first, then kernel_list.h's order.
std::span<const KernelIsa> compiled_kernels();

std::string_view to_string(KernelIsa isa);
std::optional<KernelIsa> kernel_from_string(std::string_view text);

// Whether this CPU can run the kernel.
bool kernel_supported(KernelIsa isa);
// Every kernel this CPU can run, reference first.
std::vector<KernelIsa> supported_kernels();

// RangeKernel (cast_stats.h): accumulates elements [begin, end) of an array into its partial analysis.
RangeKernel range_kernel(KernelIsa isa);

// The fastest supported kernel, or DTLINT_KERNEL's choice. Throws std::runtime_error
// naming the variable when it asks for an unknown or unsupported kernel.
KernelIsa choose_kernel();

}  // namespace dtlint
