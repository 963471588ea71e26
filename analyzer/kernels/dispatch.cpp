#include "analyzer/kernels/dispatch.h"

#include <cpuid.h>

#include <array>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/reference.h"

namespace dtlint {

// One definition per line of kernel_list.h (blocked_kernel.inc compiled for it).
#define DTLINT_KERNEL_DECLARATION(enumerator, name, cpu_check, flags)                              \
  namespace blocked_##name {                                                                       \
    void analyse_range(const ArrayView&, Semantics, ArrayAnalysis&, std::uint64_t, std::uint64_t); \
  }
DTLINT_BLOCKED_KERNELS(DTLINT_KERNEL_DECLARATION)
#undef DTLINT_KERNEL_DECLARATION

namespace {

void reference_range(const ArrayView& array, Semantics semantics, ArrayAnalysis& partial, std::uint64_t begin,
                     std::uint64_t end) {
  analyse_range_reference(array, semantics, partial, begin, end, kAllTargets, !partial.casts_only);
}

// What each kernel needs of the CPU (named by kernel_list.h).
bool cpu_has_sse2() {
  return true;  // part of x86-64 itself
}

// F16C, from CPUID leaf 1 (ECX bit 29): clang cannot ask __builtin_cpu_supports
// for it. Its registers are AVX's, whose OS support the avx2 check covers.
bool has_f16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
}

bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && has_f16c();
}

bool cpu_has_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}

// AVX-512 FP16, from CPUID leaf 7 subleaf 0 (EDX bit 23), for the same reason.
// Its registers are AVX-512's, whose OS support the avx512f check covers.
bool cpu_has_avx512fp16() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return cpu_has_avx512() && __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (edx & (1u << 23)) != 0;
}

struct KernelEntry {
  KernelIsa isa;
  std::string_view name;
  bool (*supported)();
  RangeKernel run;
};

constexpr KernelEntry kKernels[] = {{KernelIsa::Reference, "reference", cpu_has_sse2, reference_range},
#define DTLINT_KERNEL_ENTRY(enumerator, name, cpu_check, flags) \
  {KernelIsa::enumerator, #name, cpu_check, blocked_##name::analyse_range},
                                    DTLINT_BLOCKED_KERNELS(DTLINT_KERNEL_ENTRY)
#undef DTLINT_KERNEL_ENTRY
};
constexpr std::size_t kKernelCount = std::size(kKernels);

// The table is indexed by KernelIsa: the enumerators come from the same list, in the same order.
constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < kKernelCount; ++i) {
    if (static_cast<std::size_t>(kKernels[i].isa) != i) return false;
  }
  return true;
}
static_assert(in_enum_order());

constexpr std::array<KernelIsa, kKernelCount> kCompiled = [] {
  std::array<KernelIsa, kKernelCount> all{};
  for (std::size_t i = 0; i < kKernelCount; ++i) all[i] = kKernels[i].isa;
  return all;
}();

const KernelEntry& entry(KernelIsa isa) {
  const auto i = static_cast<std::size_t>(isa);
  return kKernels[i < kKernelCount ? i : 0];
}

}  // namespace

std::span<const KernelIsa> compiled_kernels() {
  return kCompiled;
}

std::string_view to_string(KernelIsa isa) {
  return entry(isa).name;
}

std::optional<KernelIsa> kernel_from_string(std::string_view text) {
  for (const KernelEntry& k : kKernels) {
    if (k.name == text) return k.isa;
  }
  return std::nullopt;
}

bool kernel_supported(KernelIsa isa) {
  return entry(isa).supported();
}

std::vector<KernelIsa> supported_kernels() {
  std::vector<KernelIsa> kernels;
  for (const KernelEntry& k : kKernels) {
    if (k.supported()) kernels.push_back(k.isa);
  }
  return kernels;
}

RangeKernel range_kernel(KernelIsa isa) {
  return entry(isa).run;
}

KernelIsa choose_kernel() {
  if (const char* forced = std::getenv("DTLINT_KERNEL"); forced && *forced) {
    const auto isa = kernel_from_string(forced);
    if (!isa) {
      std::string names;
      for (std::size_t i = 0; i < kKernelCount; ++i) {
        names += std::string(i == 0                  ? ""
                             : i + 1 == kKernelCount ? " or "
                                                     : ", ") +
                 std::string(kKernels[i].name);
      }
      throw std::runtime_error(std::string("DTLINT_KERNEL=") + forced + " is not a kernel (use " + names +
                               ")");
    }
    if (!kernel_supported(*isa)) {
      throw std::runtime_error(std::string("DTLINT_KERNEL=") + forced + ": this CPU cannot run that kernel");
    }
    return *isa;
  }
  // The fastest the CPU can run: the list is slowest first, and its first (scalar) runs everywhere.
  for (std::size_t i = kKernelCount; i-- > 2;) {
    if (kKernels[i].supported()) return kKernels[i].isa;
  }
  return kKernels[1].isa;
}

KernelIsa selected_kernel() {
  static const KernelIsa isa = choose_kernel();
  return isa;
}

}  // namespace dtlint
