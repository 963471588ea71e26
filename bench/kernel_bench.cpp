// Google Benchmark micro-benchmarks of the cast kernels: every kernel this CPU
// can run × source dtype × target set, over an in-memory array of realistic
// values. Names read kernel/<isa>/<source>/<targets>, e.g.
// kernel/avx512/float64/f16,f32,i32. See bench/README.md.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/dtype.h"
#include "analyzer/formats/array_view.h"
#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/dispatch.h"
#include "analyzer/kernels/semantics.h"

namespace {

using namespace dtlint;

constexpr std::size_t kArrayBytes = std::size_t{4} << 20;        // blocked kernels
constexpr std::size_t kReferenceBytes = std::size_t{256} << 10;  // the long double reference is slow

template <typename T>
void put(std::vector<std::byte>& bytes, std::size_t i, T value) {
  std::memcpy(bytes.data() + i * sizeof(T), &value, sizeof(T));
}

// `elements` values of `dtype`, deterministic: floats are normal × 1e3 with one
// value in 4096 set to 1e5 (overflows float16) and one in 4096 NaN (±inf for
// float16, which has no 1e5); integers are ids in [0, 10^8), a few out of int32's range.
std::vector<std::byte> make_data(DType dtype, std::size_t elements) {
  std::mt19937_64 rng(12345);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<std::int64_t> ids(0, 100'000'000);
  std::vector<std::byte> bytes(elements * info(dtype).size);
  for (std::size_t i = 0; i < elements; ++i) {
    double x = normal(rng) * 1e3;
    if (i % 4096 == 17) x = 1e5;
    if (i % 4096 == 2048) x = std::numeric_limits<double>::quiet_NaN();
    std::int64_t id = ids(rng);
    if (i % 4096 == 99) id = std::int64_t{1} << 40;
    switch (dtype) {
      case DType::Float64: put(bytes, i, x); break;
      case DType::Float32: put(bytes, i, static_cast<float>(x)); break;
      case DType::Float16: {
        const Eigen::half h(static_cast<float>(x));  // 1e5 rounds to inf
        put(bytes, i, Eigen::numext::bit_cast<std::uint16_t>(h));
        break;
      }
      case DType::BFloat16: {
        const Eigen::bfloat16 b(static_cast<float>(x));
        put(bytes, i, Eigen::numext::bit_cast<std::uint16_t>(b));
        break;
      }
      case DType::Int64: put(bytes, i, id); break;
      case DType::Int32: put(bytes, i, static_cast<std::int32_t>(id)); break;
      default: break;
    }
  }
  return bytes;
}

std::string short_name(DType target) {
  switch (target) {
    case DType::Float16: return "f16";
    case DType::BFloat16: return "bf16";
    case DType::Float32: return "f32";
    case DType::Int32: return "i32";
    default: return std::string(name(target));
  }
}

void run_kernel(benchmark::State& state, KernelIsa isa, const ArrayView& view,
                const std::vector<CastRequest>& requests) {
  const RangeKernel kernel = range_kernel(isa);
  for (auto _ : state) {
    ArrayAnalysis partial = prepare_analysis(view, requests);
    kernel(view, Semantics::NumPy, partial, 0, view.elements);
    benchmark::DoNotOptimize(partial);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(view.data.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(view.elements));
}

}  // namespace

int main(int argc, char** argv) {
  const DType sources[] = {DType::Float64,  DType::Float32, DType::Float16,
                           DType::BFloat16, DType::Int64,   DType::Int32};
  const std::vector<std::vector<DType>> target_sets = {
      {DType::Float16, DType::Float32, DType::Int32},
      {DType::Float16, DType::BFloat16, DType::Float32, DType::Int32},
  };

  for (const KernelIsa isa : supported_kernels()) {
    const std::size_t array_bytes = isa == KernelIsa::Reference ? kReferenceBytes : kArrayBytes;
    for (const DType source : sources) {
      auto view = std::make_shared<ArrayView>();
      view->location.path = "bench";
      view->dtype = source;
      view->stored_dtype = std::string(name(source));
      view->elements = array_bytes / info(source).size;
      view->shape = {view->elements};
      auto data = std::make_shared<std::vector<std::byte>>(make_data(source, view->elements));
      view->data = std::span<const std::byte>(data->data(), data->size());
      view->owner = data;

      for (const std::vector<DType>& targets : target_sets) {
        std::vector<CastRequest> requests;
        std::string label;
        for (const DType target : targets) {
          requests.push_back(default_request(target));
          label += (label.empty() ? "" : ",") + short_name(target);
        }
        const std::string bench_name =
            "kernel/" + std::string(to_string(isa)) + "/" + std::string(name(source)) + "/" + label;
        benchmark::RegisterBenchmark(bench_name.c_str(), [isa, view, requests](benchmark::State& state) {
          run_kernel(state, isa, *view, requests);
        })->Unit(benchmark::kMicrosecond);
      }
    }
  }

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
