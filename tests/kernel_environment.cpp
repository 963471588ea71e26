// The suite runs once per compiled kernel, forced with DTLINT_KERNEL (see
// tests/CMakeLists.txt). A kernel this CPU cannot run skips the whole run.
#include <cstdio>
#include <cstdlib>

#include "analyzer/kernels/dispatch.h"

namespace {

const bool kKernelChecked = [] {
  const char* forced = std::getenv("DTLINT_KERNEL");
  if (forced == nullptr || *forced == '\0') return true;
  const auto isa = dtlint::kernel_from_string(forced);
  if (isa && !dtlint::kernel_supported(*isa)) {
    std::printf("skipped: this CPU cannot run DTLINT_KERNEL=%s\n", forced);
    std::exit(77);
  }
  return true;
}();

}  // namespace
