#include "analyzer/kernels/dispatch.h"

#include <cpuid.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/reference.h"

namespace dtlint {

// One definition per compiled variant of blocked_kernel.inc.
namespace blocked_scalar {
void analyse_range(const ArrayView&, Semantics, ArrayAnalysis&, std::uint64_t, std::uint64_t);
}
namespace blocked_avx2 {
void analyse_range(const ArrayView&, Semantics, ArrayAnalysis&, std::uint64_t, std::uint64_t);
}
namespace blocked_avx512 {
void analyse_range(const ArrayView&, Semantics, ArrayAnalysis&, std::uint64_t, std::uint64_t);
}
namespace blocked_avx512fp16 {
void analyse_range(const ArrayView&, Semantics, ArrayAnalysis&, std::uint64_t, std::uint64_t);
}

namespace {

void reference_range(const ArrayView& array, Semantics semantics, ArrayAnalysis& partial, std::uint64_t begin,
                     std::uint64_t end) {
  analyse_range_reference(array, semantics, partial, begin, end);
}

// F16C, from CPUID leaf 1 (ECX bit 29): clang cannot ask __builtin_cpu_supports
// for it. Its registers are AVX's, whose OS support the avx2 check covers.
bool has_f16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
}

// AVX-512 FP16, from CPUID leaf 7 subleaf 0 (EDX bit 23), for the same reason.
// Its registers are AVX-512's, whose OS support the avx512f check covers.
bool has_avx512fp16() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (edx & (1u << 23)) != 0;
}

constexpr KernelIsa kAll[] = {KernelIsa::Reference, KernelIsa::Scalar, KernelIsa::Avx2, KernelIsa::Avx512,
                              KernelIsa::Avx512Fp16};

}  // namespace

std::string_view to_string(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::Reference: return "reference";
    case KernelIsa::Scalar: return "scalar";
    case KernelIsa::Avx2: return "avx2";
    case KernelIsa::Avx512: return "avx512";
    case KernelIsa::Avx512Fp16: return "avx512fp16";
  }
  return "reference";
}

std::optional<KernelIsa> kernel_from_string(std::string_view text) {
  for (KernelIsa isa : kAll) {
    if (to_string(isa) == text) return isa;
  }
  return std::nullopt;
}

bool kernel_supported(KernelIsa isa) {
  __builtin_cpu_init();
  switch (isa) {
    case KernelIsa::Reference:
    case KernelIsa::Scalar: return true;
    case KernelIsa::Avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && has_f16c();
    case KernelIsa::Avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    case KernelIsa::Avx512Fp16: return kernel_supported(KernelIsa::Avx512) && has_avx512fp16();
  }
  return false;
}

std::vector<KernelIsa> supported_kernels() {
  std::vector<KernelIsa> kernels;
  for (KernelIsa isa : kAll) {
    if (kernel_supported(isa)) kernels.push_back(isa);
  }
  return kernels;
}

RangeKernel range_kernel(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::Reference: return reference_range;
    case KernelIsa::Scalar: return blocked_scalar::analyse_range;
    case KernelIsa::Avx2: return blocked_avx2::analyse_range;
    case KernelIsa::Avx512: return blocked_avx512::analyse_range;
    case KernelIsa::Avx512Fp16: return blocked_avx512fp16::analyse_range;
  }
  return reference_range;
}

KernelIsa choose_kernel() {
  if (const char* forced = std::getenv("DTLINT_KERNEL"); forced && *forced) {
    const auto isa = kernel_from_string(forced);
    if (!isa) {
      throw std::runtime_error(std::string("DTLINT_KERNEL=") + forced +
                               " is not a kernel (use reference, scalar, avx2, avx512 or avx512fp16)");
    }
    if (!kernel_supported(*isa)) {
      throw std::runtime_error(std::string("DTLINT_KERNEL=") + forced + ": this CPU cannot run that kernel");
    }
    return *isa;
  }
  for (KernelIsa isa : {KernelIsa::Avx512Fp16, KernelIsa::Avx512, KernelIsa::Avx2}) {
    if (kernel_supported(isa)) return isa;
  }
  return KernelIsa::Scalar;
}

KernelIsa selected_kernel() {
  static const KernelIsa isa = choose_kernel();
  return isa;
}

}  // namespace dtlint
