// Every compiled kernel against the scalar reference, statistic by statistic,
// on random arrays of every source dtype full of edge values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/dispatch.h"
#include "analyzer/kernels/float_format.h"

namespace dtlint {
namespace {

// Stores `value` as one float64 or float32 element; false for other types.
bool put_float(DType type, double value, std::byte* out) {
  if (type == DType::Float64) {
    std::memcpy(out, &value, 8);
    return true;
  }
  if (type == DType::Float32) {
    const float f = static_cast<float>(value);
    std::memcpy(out, &f, 4);
    return true;
  }
  return false;
}

// Random bytes for `count` elements of `type`, biased towards the values where
// casts go wrong: float16/bfloat16/float32 boundaries and midpoints, ±0, NaN, ±inf,
// subnormals, integers near 2^24, 2^53 and the integer ranges' ends.
std::vector<std::byte> edge_bytes(DType type, std::size_t count, std::mt19937_64& rng) {
  const unsigned size = info(type).size;
  std::vector<std::byte> bytes(count * size);
  static const double kEdges[] = {
      0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 65504.0, 65519.99, 65520.0, 65536.0, 70000.0, 1e5,
      3.4028234663852886e38, 3.4028235677973366e38, 1e300, 6.103515625e-05, 5.960464477539063e-08,
      2.9802322387695312e-08, 1e-40, 1e-320, 16777216.0, 16777217.0, 16842753.0, 2147483647.0, 2147483648.0,
      -2147483649.0, 9007199254740993.0, 255.5, -128.7, 1 + 0x1p-11 + 0x1p-40, 1 + 0x1p-8 + 0x1p-30,
      std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
      std::numeric_limits<double>::quiet_NaN(), 4294967296.0, 1.8446744073709552e19,
      // float8's boundaries and midpoints: e4m3fn (448, 464, 2^-6,
      // 2^-9), e5m2 (57344, 61440, 2^-14, 2^-16)
      448.0, 464.0, 464.00000000000006, -57344.0, 61440.0, 0x1p-6, 0x1.8p-10, 0x1.4p-9, 0x1.8p-17,
      -0x1.4p-16};
  std::uniform_int_distribution<int> pick(0, 9);
  for (std::size_t i = 0; i < count; ++i) {
    std::byte* out = bytes.data() + i * size;
    const int mode = pick(rng);
    std::uint64_t raw = rng();
    if (mode < 4 && (i / 512) % 2 == 1) {  // random bits
      std::memcpy(out, &raw, std::min<unsigned>(size, 8));
      if (size == 16) std::memcpy(out + 8, &raw, 8);
      continue;
    }
    double value = mode < 7 ? kEdges[raw % std::size(kEdges)]
                            : std::ldexp(static_cast<double>(raw >> 11), static_cast<int>(rng() % 200) - 150);
    if (mode == 9) value = std::nextafter(value, (rng() & 1) ? 1e308 : -1e308);  // ±1 ulp
    // Every other block of the kernels' size holds only ordinary values (no
    // overflow, underflow, NaN or out-of-range), where the kernels take their lean path.
    const bool benign = (i / 512) % 2 == 0;
    if (benign) {
      value = (static_cast<double>(raw >> 11) * 0x1p-53 - 0.5) * 2000.0;
      if (is_integer(type)) value = std::trunc(std::fabs(value) / 20);
    }
    if (put_float(type, value, out)) continue;
    switch (type) {
      case DType::Int64:
      case DType::UInt64: {
        // Mostly small (≤ 2^53) values, sometimes the whole 64-bit range.
        const std::uint64_t v = (!benign && rng() % 4 == 0)
                                    ? rng()
                                    : static_cast<std::uint64_t>(static_cast<std::int64_t>(
                                          std::fmod(std::trunc(value), 9007199254740992.0)));
        std::memcpy(out, &v, 8);
        break;
      }
      case DType::Int32:
      case DType::UInt32: {
        const auto v =
            static_cast<std::uint32_t>(static_cast<std::int64_t>(std::fmod(std::trunc(value), 4294967296.0)));
        std::memcpy(out, &v, 4);
        break;
      }
      case DType::Float16:
      case DType::BFloat16: {
        const FloatFormat& format = float_format(type);
        const auto bits =
            static_cast<std::uint16_t>(benign ? encode_bits(round_to_format(value, format), format) : raw);
        std::memcpy(out, &bits, 2);
        break;
      }
      case DType::Complex64: {
        const float parts[2] = {static_cast<float>(value), benign ? 0.0f : static_cast<float>(raw % 3)};
        std::memcpy(out, parts, 8);
        break;
      }
      case DType::Int8:
      case DType::UInt8:
      case DType::Bool: {
        const auto v = static_cast<std::uint8_t>(benign ? static_cast<std::uint8_t>(value) % 2 : raw);
        std::memcpy(out, &v, 1);
        break;
      }
      default: {  // 16-bit integers
        const auto v = static_cast<std::uint16_t>(benign ? static_cast<std::uint16_t>(value) : raw);
        std::memcpy(out, &v, 2);
        break;
      }
    }
  }
  return bytes;
}

void expect_same_counter(const Counter& a, const Counter& b, const std::string& what) {
  EXPECT_EQ(a.count, b.count) << what;
  EXPECT_EQ(a.first.index, b.first.index) << what;
  if (a.first.found() && b.first.found()) {
    EXPECT_TRUE(a.first.value == b.first.value || (std::isnan(a.first.value) && std::isnan(b.first.value)))
        << what;
  }
}

void expect_same(const ArrayAnalysis& a, const ArrayAnalysis& b, const std::string& what) {
  expect_same_counter(a.source.nan, b.source.nan, what + " nan");
  expect_same_counter(a.source.pos_inf, b.source.pos_inf, what + " pos_inf");
  expect_same_counter(a.source.neg_inf, b.source.neg_inf, what + " neg_inf");
  expect_same_counter(a.source.non_integral, b.source.non_integral, what + " non_integral");
  EXPECT_EQ(a.source.zero, b.source.zero) << what;
  EXPECT_EQ(a.source.finite_min, b.source.finite_min) << what;
  EXPECT_EQ(a.source.finite_max, b.source.finite_max) << what;
  EXPECT_EQ(a.source.abs_min_nonzero, b.source.abs_min_nonzero) << what;
  EXPECT_EQ(a.source.abs_max, b.source.abs_max) << what;
  EXPECT_EQ(a.source.moments.count, b.source.moments.count) << what;
  // Split where threads never split (the scan's chunks are fixed), the moments
  // differ by rounding only: within their documented error bound, which grows
  // with the magnitudes summed (a mean near 0 of values near 2^63 has no digits to spare).
  const long double scale =
      std::max<long double>({1, std::fabs(b.source.moments.mean), b.source.abs_max.value_or(0) * 1e-3L});
  EXPECT_NEAR(static_cast<double>(a.source.moments.mean / scale),
              static_cast<double>(b.source.moments.mean / scale), 1e-12)
      << what;
  if (b.source.moments.m2 > 0 && std::isfinite(b.source.moments.m2)) {
    EXPECT_NEAR(static_cast<double>(a.source.moments.m2 / b.source.moments.m2), 1.0, 1e-9) << what;
  }
  ASSERT_EQ(a.casts.size(), b.casts.size());
  for (std::size_t t = 0; t < a.casts.size(); ++t) {
    const std::string where = what + " → " + std::string(name(a.casts[t].target));
    for (std::size_t c = 0; c < kCastCounterCount; ++c) {
      expect_same_counter(a.casts[t].counters[c], b.casts[t].counters[c],
                          where + " " + std::string(field_name(static_cast<CastCounter>(c))));
    }
    for (std::size_t p = 0; p < 3; ++p) {
      expect_same_counter(a.casts[t].diverging[p], b.casts[t].diverging[p], where + " diverging");
    }
    EXPECT_EQ(a.casts[t].max_abs_error, b.casts[t].max_abs_error)
        << where << std::hexfloat << " " << a.casts[t].max_abs_error << " " << b.casts[t].max_abs_error;
    EXPECT_EQ(a.casts[t].max_rel_error, b.casts[t].max_rel_error) << where;
  }
}

// A one-dimensional array of `bytes`, as a reader would describe it.
ArrayView array_of(const char* path, DType dtype, std::span<const std::byte> bytes, bool swapped = false) {
  ArrayView view;
  view.location.path = path;
  view.dtype = dtype;
  view.byte_swapped = swapped;
  view.elements = bytes.size() / info(dtype).size;
  view.shape = {view.elements};
  view.data = bytes;
  return view;
}

// `kernel` over the array split at a random point, as threads split it, and merged.
ArrayAnalysis split_and_merged(KernelIsa kernel, const ArrayView& view, Semantics semantics,
                               std::span<const CastRequest> requests, std::mt19937_64& rng) {
  ArrayAnalysis got = prepare_analysis(view, requests);
  ArrayAnalysis tail = prepare_analysis(view, requests);
  const std::uint64_t split = 1 + rng() % (view.elements - 1);
  range_kernel(kernel)(view, semantics, got, 0, split);
  range_kernel(kernel)(view, semantics, tail, split, view.elements);
  got.merge(tail);
  return got;
}

class KernelDifferential : public testing::TestWithParam<KernelIsa> {};

TEST_P(KernelDifferential, AgreesWithTheReference) {
  const KernelIsa isa = GetParam();
  if (!kernel_supported(isa)) GTEST_SKIP() << "this CPU cannot run " << to_string(isa);
  std::mt19937_64 rng(0xD71);
  std::vector<CastRequest> requests;
  for (DType t : {DType::Float16, DType::BFloat16, DType::Float32, DType::Float64, DType::Int8, DType::Int16,
                  DType::Int32, DType::Int64, DType::UInt8, DType::UInt16, DType::UInt32, DType::UInt64,
                  DType::Float8E4M3FN, DType::Float8E5M2}) {
    requests.push_back(default_request(t));
  }
  requests[2].rtol = 1e-7;  // a tolerance that is not a power of two
  requests[2].atol = 1e-30;
  for (DType source : {DType::Float64, DType::Float32, DType::Float16, DType::BFloat16, DType::Int64,
                       DType::Int32, DType::UInt64, DType::UInt32, DType::Int16, DType::UInt16, DType::Int8,
                       DType::UInt8, DType::Bool, DType::Complex64}) {
    for (bool swapped : {false, true}) {
      if (swapped && info(source).size == 1) continue;
      const std::size_t count = 5000 + rng() % 700;  // several blocks and a ragged end
      const std::vector<std::byte> bytes = edge_bytes(source, count, rng);
      const ArrayView view = array_of("random", source, bytes, swapped);
      for (Semantics semantics : kAllSemantics) {
        const std::string what = std::string(name(source)) + (swapped ? " (swapped)" : "") + " under " +
                                 std::string(to_string(semantics));
        const ArrayAnalysis expected = analyse_array(view, semantics, requests, KernelIsa::Reference);
        expect_same(split_and_merged(isa, view, semantics, requests, rng), expected, what);
        if (HasFailure()) return;
      }
    }
  }
}

// Ordinary data, the kind the kernels' fused pass is for: normal values of one
// scale per array, with delicate values (ties, double-rounding cases) in some
// blocks and zeros, NaN, ±inf, subnormals or huge values in others. Every subset of the fused targets
// (float16, bfloat16, float32, integers), so that every compiled variant of the
// fused loop meets the reference, alone and next to targets it does not fuse.
std::vector<std::byte> ordinary_bytes(DType type, std::size_t count, double scale, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<std::byte> bytes(count * info(type).size);
  for (std::size_t i = 0; i < count; ++i) {
    double value = normal(rng) * scale;
    // Blocks of four kinds: plain; with values that are still ordinary but
    // where rounding is delicate (ties, values two roundings disagree on,
    // integers, |x| < 1); with the events that make a block need care; and
    // with NaN now and then (missing values), which float targets take in their stride.
    static const double kDelicate[] = {
        1 + 0x1p-11,           -(1 + 3 * 0x1p-11),      1 + 0x1p-8, 1 + 3 * 0x1p-8,
        1 + 0x1p-11 + 0x1p-40, -(1 + 0x1p-8 + 0x1p-35), 3.0,        -0.25,
        1 + 0x1p-24,           1 + 3 * 0x1p-24};
    static const double kHard[] = {0.0,
                                   -0.0,
                                   std::numeric_limits<double>::quiet_NaN(),
                                   std::numeric_limits<double>::infinity(),
                                   -1e-310,
                                   1e-42,
                                   70000.0,
                                   1e10,
                                   2049.0 /* an integer float16 cannot hold */};
    const std::size_t kind = (i / 512) % 4;
    if (kind == 1 && rng() % 8 == 0) value = kDelicate[rng() % std::size(kDelicate)];
    if (kind == 2 && rng() % 64 == 0) value = kHard[rng() % std::size(kHard)];
    if (kind == 3 && rng() % 32 == 0) value = std::numeric_limits<double>::quiet_NaN();  // missing values
    std::byte* out = bytes.data() + i * info(type).size;
    if (put_float(type, value, out)) continue;
    switch (type) {
      case DType::Float16:
      case DType::BFloat16: {
        const FloatFormat& format = float_format(type);
        const auto bits = static_cast<std::uint16_t>(encode_bits(round_to_format(value, format), format));
        std::memcpy(out, &bits, 2);
        break;
      }
      case DType::Int64: {
        const auto v =
            std::isfinite(value) ? static_cast<std::int64_t>(std::fmod(value, 1e15)) : std::int64_t{7};
        std::memcpy(out, &v, 8);
        break;
      }
      default: {  // Int32
        const auto v = std::isfinite(value) ? static_cast<std::int32_t>(std::fmod(value, 2e9)) : 7;
        std::memcpy(out, &v, 4);
        break;
      }
    }
  }
  return bytes;
}

TEST_P(KernelDifferential, FusedPassAgreesWithTheReferenceOnOrdinaryData) {
  const KernelIsa isa = GetParam();
  if (!kernel_supported(isa)) GTEST_SKIP() << "this CPU cannot run " << to_string(isa);
  std::mt19937_64 rng(0xF05ED);
  const DType fusable[] = {DType::Float16, DType::BFloat16, DType::Float32, DType::Int32};
  for (DType source :
       {DType::Float64, DType::Float32, DType::Float16, DType::BFloat16, DType::Int64, DType::Int32}) {
    for (unsigned subset = 1; subset < 16; ++subset) {
      std::vector<CastRequest> requests;
      for (unsigned b = 0; b < 4; ++b) {
        if (subset & (1u << b)) requests.push_back(default_request(fusable[b]));
      }
      if (subset % 3 == 0) requests.push_back(default_request(DType::Int16));  // a second integer target
      if (subset % 5 == 0) requests.push_back(default_request(DType::UInt8));  // …that needs care
      if (subset == 7) requests.push_back({DType::Float32, 1e-9, 0.0});  // a repeated target, tight tolerance
      const double scale = std::array{1e-3, 0.7, 300.0, 3e4, 1e6}[subset % 5];
      const std::size_t count = 5 * 512 + rng() % 600;
      const std::vector<std::byte> bytes = ordinary_bytes(source, count, scale, rng);
      ArrayView view;
      view.location.path = "ordinary";
      view.dtype = source;
      view.elements = count;
      view.shape = {count};
      view.data = bytes;
      for (Semantics semantics : kAllSemantics) {
        const std::string what = std::string(name(source)) + " ×" + std::to_string(scale) + ", target set " +
                                 std::to_string(subset) + ", under " + std::string(to_string(semantics));
        const ArrayAnalysis expected = analyse_array(view, semantics, requests, KernelIsa::Reference);
        expect_same(analyse_array(view, semantics, requests, isa), expected, what);
        if (HasFailure()) return;
      }
    }
  }
}

// The relative maximum creeps up block by block, each time by far less than the
// kernels' candidate margin (2^-50 relative is theirs; these steps are 2^-39 to 2^-26):
// a kernel that skips a block whose errors only just beat the running maximum fails.
TEST_P(KernelDifferential, RelativeMaximumThatCreepsUpIsFoundInEveryBlock) {
  const KernelIsa isa = GetParam();
  if (!kernel_supported(isa)) GTEST_SKIP() << "this CPU cannot run " << to_string(isa);
  constexpr std::size_t kBlocks = 12, kBlock = 512;
  std::vector<double> values(kBlocks * kBlock);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto k = static_cast<double>(i / kBlock);
    values[i] = i % 2 == 0 ? 1 + 0x1p-24 * (0.25 + k * 0x1p-28)  // float32 rounds it down to 1
                           : 1.5 + k * 0x1p-40;                  // an integer cast errs by a third
  }
  ArrayView view;
  view.location.path = "creep";
  view.dtype = DType::Float64;
  view.elements = values.size();
  view.shape = {values.size()};
  view.data = std::as_bytes(std::span(values));
  const std::vector<CastRequest> requests = {default_request(DType::Float16), default_request(DType::Float32),
                                             default_request(DType::Int32)};
  for (Semantics semantics : kAllSemantics) {
    const ArrayAnalysis expected = analyse_array(view, semantics, requests, KernelIsa::Reference);
    expect_same(analyse_array(view, semantics, requests, isa), expected, std::string(to_string(semantics)));
  }
}

// Scaled casts (cast(x·2^k), errors in x's units) next to unscaled ones, for
// scales down and up: every kernel gives the reference's numbers, split or whole.
TEST_P(KernelDifferential, ScaledCastsAgreeWithTheReference) {
  const KernelIsa isa = GetParam();
  if (!kernel_supported(isa)) GTEST_SKIP() << "this CPU cannot run " << to_string(isa);
  std::mt19937_64 rng(0x5CA1ED);
  for (int k : {-20, -1, 1, 8, 30}) {
    std::vector<CastRequest> requests;
    for (DType t : {DType::Float16, DType::BFloat16, DType::Float8E4M3FN, DType::Float8E5M2, DType::Int16}) {
      CastRequest scaled = default_request(t);
      scaled.scale_exponent = k;
      requests.push_back(scaled);
    }
    requests.push_back(default_request(DType::Float16));  // unscaled, in the same analysis
    requests[0].atol = 1e-6;                              // DT106's atol is in the source's units
    for (DType source : {DType::Float64, DType::Float32, DType::Float16, DType::Int32, DType::Int64}) {
      const std::size_t count = 3000 + rng() % 700;
      const std::vector<std::byte> bytes = edge_bytes(source, count, rng);
      ArrayView view;
      view.location.path = "scaled";
      view.dtype = source;
      view.elements = count;
      view.shape = {count};
      view.data = bytes;
      for (Semantics semantics : kAllSemantics) {
        const std::string what = std::string(name(source)) + " ×2^" + std::to_string(k) + " under " +
                                 std::string(to_string(semantics));
        const ArrayAnalysis expected = analyse_array(view, semantics, requests, KernelIsa::Reference);
        ArrayAnalysis got = prepare_analysis(view, requests);
        ArrayAnalysis tail = prepare_analysis(view, requests);
        const std::uint64_t split = 1 + rng() % (count - 1);
        analyse_range_with(range_kernel(isa), view, semantics, got, 0, split);
        analyse_range_with(range_kernel(isa), view, semantics, tail, split, count);
        got.merge(tail);
        expect_same(got, expected, what);
        for (std::size_t t = 0; t + 1 < requests.size(); ++t) EXPECT_EQ(got.casts[t].scale_exponent, k);
        expect_same(analyse_array(view, semantics, requests, isa), expected, what + " whole");
        if (HasFailure()) return;
      }
    }
  }
}

// Blocks shaped like real data, where every block has events: trained weights
// (float16 flushes and gives subnormals), activations over fifty binades with
// ±inf and NaN, ids past float16's range and float32's exact integers, labels
// with zeros and −1, and blocks that mix every kind of element, with ordinary
// blocks before and between them (the kernels switch to their eventful loop
// after the first block that needs it). Stored as each source dtype, swapped too.
std::vector<double> real_shaped_values(std::size_t count, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> values(count);
  int kind = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (i % 512 == 0) kind = static_cast<int>(rng() % 6);
    double& x = values[i];
    const double u = uniform(rng);
    switch (kind) {
      case 0: x = normal(rng) * 3.0; break;   // ordinary
      case 1: x = normal(rng) * 0.02; break;  // weights
      case 2:                                 // activations
        x = std::exp2(uniform(rng) * 52 - 40) * (u < 0.5 ? -1 : 1);
        if (u < 0.01) x = u < 0.004 ? inf : u < 0.007 ? -inf : std::nan("");
        break;
      case 3: x = std::trunc(std::exp2(uniform(rng) * 40)); break;                           // ids
      case 4: x = u < 0.1 ? 0.0 : u < 0.11 ? -1.0 : std::trunc(uniform(rng) * 1000); break;  // labels
      default: {  // every kind of element in one block
        static const double kSpecial[] = {
            0.0, -0.0, 1e-9, -3e-8, 6.1e-5, 65504.0, 65520.0, 1e5, -2e9, 3e9, 2049.0, 16777217.0, 1e-300,
            1e300, 2.5, -128.5, 300.0, 0x1.0018p0, 0x1.0000002p-20,
            // next to subnormal midpoints of float16 and bfloat16, which
            // float32 rounds onto: the profiles round them apart
            0x1.8p-24 * (1 - 0x1p-30), -0x1.4p-23 * (1 + 0x1p-30), 0x1.8p-133 * (1 - 0x1p-30)};
        constexpr std::size_t kCount = std::size(kSpecial);
        const std::uint64_t r = rng() % (kCount + 5);
        x = r < kCount        ? kSpecial[r]
            : r == kCount     ? inf
            : r == kCount + 1 ? -inf
            : r == kCount + 2 ? std::nan("")
                              : normal(rng);
        break;
      }
    }
  }
  return values;
}

// `values` stored as `type` (rounded, wrapped or saturated as a writer would), byte-swapped if asked.
std::vector<std::byte> stored_as(DType type, const std::vector<double>& values, bool swapped) {
  const unsigned size = info(type).size;
  std::vector<std::byte> bytes(values.size() * size);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::byte* out = bytes.data() + i * size;
    const double x = values[i];
    if (put_float(type, x, out)) {
      // done
    } else if (type == DType::Float16 || type == DType::BFloat16) {
      const FloatFormat& format = float_format(type);
      const auto bits = static_cast<std::uint16_t>(encode_bits(round_to_format(x, format), format));
      std::memcpy(out, &bits, 2);
    } else if (type == DType::Int64) {
      const std::int64_t v = !std::isfinite(x)     ? std::int64_t{1} << 62
                             : std::fabs(x) > 4e18 ? std::int64_t{-7}
                                                   : static_cast<std::int64_t>(x);
      std::memcpy(out, &v, 8);
    } else if (type == DType::Int32) {
      const std::int32_t v = std::isfinite(x) && std::fabs(x) < 2e9 ? static_cast<std::int32_t>(x) : -1;
      std::memcpy(out, &v, 4);
    } else {  // UInt8
      const auto v = static_cast<std::uint8_t>(std::isfinite(x) && x >= 0 && x < 256 ? x : 255);
      std::memcpy(out, &v, 1);
    }
    if (swapped) std::reverse(out, out + size);
  }
  return bytes;
}

TEST_P(KernelDifferential, RealShapedBlocksWithEveryKindOfEventAgreeWithTheReference) {
  const KernelIsa isa = GetParam();
  if (!kernel_supported(isa)) GTEST_SKIP() << "this CPU cannot run " << to_string(isa);
  std::mt19937_64 rng(0x2EA1);
  const std::vector<std::vector<DType>> target_sets = {
      {DType::Float16, DType::BFloat16, DType::Float32, DType::Int32},  // the defaults
      {DType::Float16, DType::Int8, DType::UInt8},
      {DType::BFloat16, DType::Int32, DType::Int16, DType::Float8E4M3FN},
      {DType::Float16, DType::Float32, DType::Float8E5M2},
  };
  for (DType source : {DType::Float64, DType::Float32, DType::Float16, DType::BFloat16, DType::Int64,
                       DType::Int32, DType::UInt8}) {
    for (bool swapped : {false, true}) {
      if (swapped && info(source).size == 1) continue;
      for (std::size_t set = 0; set < target_sets.size(); ++set) {
        std::vector<CastRequest> requests;
        for (DType t : target_sets[set]) requests.push_back(default_request(t));
        if (set == 3) requests[0].rtol = 1e-3, requests[0].atol = 1e-7;  // a tolerance subnormals breach
        const std::size_t count = 14 * 512 + rng() % 512;
        const std::vector<std::byte> bytes = stored_as(source, real_shaped_values(count, rng), swapped);
        const ArrayView view = array_of("real-shaped", source, bytes, swapped);
        for (Semantics semantics : kAllSemantics) {
          const std::string what = std::string(name(source)) + (swapped ? " (swapped)" : "") +
                                   ", target set " + std::to_string(set) + ", under " +
                                   std::string(to_string(semantics));
          const ArrayAnalysis expected = analyse_array(view, semantics, requests, KernelIsa::Reference);
          expect_same(analyse_array(view, semantics, requests, isa), expected, what);
          expect_same(split_and_merged(isa, view, semantics, requests, rng), expected, what + " split");
          if (HasFailure()) return;
        }
      }
    }
  }
}

// Arrays of one ragged block (9 to 80 elements): the fused loops take their
// whole vector groups and the reference the rest, so a counter's first
// element may lie in either part (the fuzzer found a lossless float32
// target's first subnormal taken from the tail).
TEST_P(KernelDifferential, SmallArraysOfOneRaggedBlockAgreeWithTheReference) {
  const KernelIsa isa = GetParam();
  if (!kernel_supported(isa)) GTEST_SKIP() << "this CPU cannot run " << to_string(isa);
  std::mt19937_64 rng(0x5A11);
  std::vector<CastRequest> requests;
  for (DType t : {DType::Float16, DType::BFloat16, DType::Float32, DType::Int8, DType::UInt32,
                  DType::Float8E4M3FN, DType::Float64})
    requests.push_back(default_request(t));
  for (std::size_t count = 9; count <= 80; ++count) {
    for (DType source : {DType::Float32, DType::Float64, DType::Int32}) {
      std::vector<double> values = real_shaped_values(count, rng);
      values[rng() % count] = 1.7e-43;  // subnormal in float32, and flushed by every narrower target
      values[count - 1 - rng() % 3] = 6.7e-39;
      const std::vector<std::byte> bytes = stored_as(source, values, false);
      const ArrayView view = array_of("small", source, bytes);
      for (Semantics semantics : kAllSemantics) {
        const std::string what = std::string(name(source)) + " × " + std::to_string(count) + " under " +
                                 std::string(to_string(semantics));
        expect_same(analyse_array(view, semantics, requests, isa),
                    analyse_array(view, semantics, requests, KernelIsa::Reference), what);
        if (HasFailure()) return;
      }
    }
  }
}

// kernel_list.h is the one list: the reference comes first, every name reads back
// as its kernel (DTLINT_KERNEL takes these names), and the default choice runs here.
TEST(KernelList, NamesRoundTripAndTheChoiceRunsHere) {
  const std::span<const KernelIsa> kernels = compiled_kernels();
  ASSERT_GE(kernels.size(), 2u);
  EXPECT_EQ(kernels.front(), KernelIsa::Reference);
  for (KernelIsa isa : kernels) {
    EXPECT_EQ(kernel_from_string(to_string(isa)), isa) << to_string(isa);
    EXPECT_NE(range_kernel(isa), nullptr) << to_string(isa);
  }
  EXPECT_FALSE(kernel_from_string("sse9").has_value());
  EXPECT_TRUE(kernel_supported(KernelIsa::Scalar));
  EXPECT_TRUE(kernel_supported(selected_kernel()));
}

// Every compiled kernel but the reference itself, from kernel_list.h.
std::vector<KernelIsa> blocked_kernels() {
  std::vector<KernelIsa> kernels;
  for (KernelIsa isa : compiled_kernels()) {
    if (isa != KernelIsa::Reference) kernels.push_back(isa);
  }
  return kernels;
}

INSTANTIATE_TEST_SUITE_P(Kernels, KernelDifferential, testing::ValuesIn(blocked_kernels()),
                         [](const testing::TestParamInfo<KernelIsa>& param) {
                           return std::string(to_string(param.param));
                         });

}  // namespace
}  // namespace dtlint
