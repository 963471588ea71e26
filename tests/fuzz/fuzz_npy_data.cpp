// libFuzzer target: a whole .npy from bytes, then every kernel over its data
// (the reference and the fastest), which must agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "analyzer/formats/npy.h"
#include "analyzer/input_error.h"
#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/dispatch.h"

namespace {

std::vector<dtlint::CastRequest> all_targets() {
  std::vector<dtlint::CastRequest> requests;
  for (dtlint::DType t :
       {dtlint::DType::Float16, dtlint::DType::BFloat16, dtlint::DType::Float32, dtlint::DType::Int8,
        dtlint::DType::UInt32, dtlint::DType::Int64, dtlint::DType::Float8E4M3FN}) {
    requests.push_back(dtlint::default_request(t));
  }
  return requests;
}

bool same(const dtlint::Counter& a, const dtlint::Counter& b) {
  return a.count == b.count && a.first.index == b.first.index;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<dtlint::CastRequest> requests = all_targets();
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const dtlint::ArrayView view = dtlint::npy_from_bytes(bytes, nullptr, "fuzz.npy");
    if (view.elements > (1u << 16)) return 0;  // keep each run short
    for (dtlint::Semantics semantics : dtlint::kAllSemantics) {
      const auto reference = dtlint::analyse_array(view, semantics, requests, dtlint::KernelIsa::Reference);
      const auto fast = dtlint::analyse_array(view, semantics, requests, dtlint::choose_kernel());
      for (std::size_t t = 0; t < reference.casts.size(); ++t) {
        for (std::size_t c = 0; c < dtlint::kCastCounterCount; ++c) {
          if (!same(reference.casts[t].counters[c], fast.casts[t].counters[c])) std::abort();
        }
        if (reference.casts[t].max_abs_error != fast.casts[t].max_abs_error) std::abort();
        if (reference.casts[t].max_rel_error != fast.casts[t].max_rel_error) std::abort();
      }
      if (!same(reference.source.nan, fast.source.nan) || reference.source.zero != fast.source.zero ||
          reference.source.finite_min != fast.source.finite_min ||
          reference.source.abs_max != fast.source.abs_max) {
        std::abort();
      }
    }
  } catch (const dtlint::InputError&) {
  }
  return 0;
}
