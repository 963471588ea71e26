// libFuzzer target: the frames of the Clang helper (dtlint-clang) on arbitrary
// bytes, as the scanner reads a unit's answer; each constant the frames carry
// is then simulated as the scan would (source/simulate.h).
#include <cstddef>
#include <cstdint>
#include <span>

#include "analyzer/input_error.h"
#include "analyzer/source/simulate.h"
#include "analyzer/source/source_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const dtlint::ClangUnitAnswer answer = dtlint::parse_clang_answer(bytes, "fuzz.cpp");
    for (const dtlint::CastSite& site : answer.sites) {
      if (!site.constant || !site.source.dtype || !site.target.dtype) continue;
      if (!dtlint::is_value_of(site.constant->value, *site.source.dtype) ||
          !dtlint::is_value_of(0, *site.target.dtype))
        continue;
      const dtlint::SimulatedConstant simulated = dtlint::simulate_constant(
          site.constant->value, *site.source.dtype, *site.target.dtype, site.semantics);
      if (simulated.stats.target != *site.target.dtype) __builtin_trap();
    }
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
