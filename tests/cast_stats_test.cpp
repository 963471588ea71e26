// Cast statistics on small hand-made arrays whose every count follows from the
// formats' definitions (float16: max 65504, smallest subnormal 2^-24; int32's range).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analyzer/kernels/cast_stats.h"
#include "analyzer/kernels/dispatch.h"

namespace dtlint {
namespace {

template <typename T>
struct OwnedArray {
  std::vector<T> values;
  ArrayView view(DType type, std::vector<std::uint64_t> shape = {}, bool fortran = false) const {
    ArrayView v;
    v.location.path = "test.npy";
    v.dtype = type;
    v.elements = values.size();
    v.shape = shape.empty() ? std::vector<std::uint64_t>{values.size()} : shape;
    v.fortran_order = fortran;
    v.data = std::as_bytes(std::span<const T>(values));
    return v;
  }
};

TEST(CastStats, Float64ToFloat16Counts) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  // overflow: 70000, -1e5; underflow: 1e-9 (< 2^-25); subnormal: 1e-6; integer not exact: 2049, 70000, -1e5.
  const OwnedArray<double> a{{70000.0, -1e5, 1e-9, 1e-6, 2049.0, 1.0, 0.0, nan, inf, 0.5}};
  const std::vector<CastRequest> requests{default_request(DType::Float16)};
  const ArrayAnalysis analysis = analyse_array(a.view(DType::Float64), Semantics::NumPy, requests);
  const CastStats& s = analysis.casts.at(0);
  EXPECT_EQ(s[CastCounter::Overflow].count, 2u);
  EXPECT_EQ(s[CastCounter::Overflow].first.index, 0u);
  EXPECT_EQ(s[CastCounter::UnderflowToZero].count, 1u);
  EXPECT_EQ(s[CastCounter::UnderflowToZero].first.index, 2u);
  EXPECT_EQ(s[CastCounter::ToSubnormal].count, 1u);
  EXPECT_EQ(s[CastCounter::ToSubnormal].first.value, static_cast<long double>(1e-6));
  EXPECT_EQ(s[CastCounter::IntegerNotExact].count, 3u);  // 2049 → 2048, and the two overflows
  // inexact: 70000, -1e5, 1e-9, 1e-6, 2049 (inf → inf and NaN are not inexact; 1, 0, 0.5 exact).
  EXPECT_EQ(s[CastCounter::Inexact].count, 5u);
  EXPECT_EQ(s[CastCounter::NonfiniteToInt].count, 0u);
  // The largest error among finite results: |0 − 1e-9|, |x − rounded(1e-6)| < 2^-25, |2048 − 2049| = 1.
  EXPECT_EQ(s.max_abs_error, 1.0L);
  EXPECT_EQ(static_cast<double>(s.max_rel_error), 1.0);  // the flushed 1e-9 lost all of itself
}

TEST(CastStats, Float64ToInt32Counts) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const OwnedArray<double> a{{2.5, -2.5, 3e9, -3e9, nan, 7.0, -0.0, 2147483647.9, -2147483648.9}};
  const std::vector<CastRequest> requests{default_request(DType::Int32), default_request(DType::UInt8)};
  const ArrayAnalysis analysis = analyse_array(a.view(DType::Float64), Semantics::NumPy, requests);
  const CastStats& i32 = analysis.casts[0];
  EXPECT_EQ(i32[CastCounter::NonfiniteToInt].count, 1u);
  EXPECT_EQ(i32[CastCounter::OutOfRange].count, 2u);  // ±3e9
  EXPECT_EQ(i32[CastCounter::Truncated].count, 4u);   // ±2.5 and the two just inside the range
  EXPECT_EQ(i32[CastCounter::SignLost].count, 0u);
  EXPECT_EQ(i32[CastCounter::Inexact].count, 6u);
  const CastStats& u8 = analysis.casts[1];
  EXPECT_EQ(u8[CastCounter::SignLost].count, 3u);  // -2.5 → -2, -3e9, -2147483648.9 (−0 is not negative)
  EXPECT_EQ(u8[CastCounter::OutOfRange].count, 5u);  // those three, 3e9 and 2147483647.9
  EXPECT_EQ(u8[CastCounter::Truncated].count, 1u);   // 2.5
}

TEST(CastStats, DivergenceBetweenProfiles) {
  const OwnedArray<double> a{{1 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40), 1.0, 0.1}};
  const std::vector<CastRequest> requests{default_request(DType::Float16), default_request(DType::Float32)};
  const ArrayAnalysis analysis = analyse_array(a.view(DType::Float64), Semantics::NumPy, requests);
  EXPECT_EQ(analysis.casts[0].diverging[static_cast<int>(Semantics::TensorFlow)].count, 1u);
  EXPECT_EQ(analysis.casts[0].diverging[static_cast<int>(Semantics::Torch)].count, 1u);
  EXPECT_EQ(analysis.casts[0].diverging[static_cast<int>(Semantics::NumPy)].count, 0u);
  EXPECT_EQ(analysis.casts[1].diverging[static_cast<int>(Semantics::Torch)].count, 0u);
}

TEST(CastStats, IntegerSourcesAndLosslessTargets) {
  const OwnedArray<std::int64_t> a{{16777217, 1, -5, 300, std::numeric_limits<std::int64_t>::min()}};
  const std::vector<CastRequest> requests{default_request(DType::Float32), default_request(DType::Int8),
                                          default_request(DType::Int64)};
  const ArrayAnalysis analysis = analyse_array(a.view(DType::Int64), Semantics::NumPy, requests);
  EXPECT_EQ(analysis.casts[0][CastCounter::IntegerNotExact].count, 1u);  // 2^24 + 1; -2^63 is exact
  EXPECT_EQ(analysis.casts[0].max_abs_error, 1.0L);
  EXPECT_EQ(analysis.casts[1][CastCounter::OutOfRange].count, 3u);  // 2^24 + 1, 300 and -2^63 wrap in int8
  EXPECT_TRUE(analysis.casts[2].lossless);
  EXPECT_EQ(analysis.casts[2][CastCounter::Inexact].count, 0u);
  EXPECT_EQ(analysis.source.finite_min, static_cast<long double>(std::numeric_limits<std::int64_t>::min()));
}

TEST(CastStats, ComplexSourcesCountTheImaginaryPart) {
  const OwnedArray<double> a{{1.0, 0.0, 2.0, 3.0, 70000.0, -0.0}};  // 1+0j, 2+3j, 70000-0j
  const std::vector<CastRequest> requests{default_request(DType::Float16)};
  const ArrayAnalysis analysis = analyse_array(
      [&] {
        ArrayView v = a.view(DType::Complex128);
        v.elements = 3;
        v.shape = {3};
        return v;
      }(),
      Semantics::NumPy, requests);
  EXPECT_EQ(analysis.casts[0][CastCounter::ImagDropped].count, 1u);
  EXPECT_EQ(analysis.casts[0][CastCounter::Overflow].count, 1u);
  EXPECT_EQ(analysis.source.abs_max, 70000.0L);
}

TEST(CastStats, MergeKeepsTheEarliestHit) {
  CastStats a, b;
  a[CastCounter::Overflow].add(10, 1.0L);
  b[CastCounter::Overflow].add(3, 2.0L);
  b[CastCounter::Overflow].add(4, 2.0L);
  b.max_abs_error = 5;
  a.merge(b);
  EXPECT_EQ(a[CastCounter::Overflow].count, 3u);
  EXPECT_EQ(a[CastCounter::Overflow].first.index, 3u);
  EXPECT_EQ(a.max_abs_error, 5.0L);
}

TEST(CastStats, UnravelIndex) {
  const std::vector<std::uint64_t> shape{2, 3, 4};
  EXPECT_EQ(unravel_index(0, shape, false), (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(unravel_index(23, shape, false), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(unravel_index(5, shape, false), (std::vector<std::uint64_t>{0, 1, 1}));
  EXPECT_EQ(unravel_index(5, shape, true), (std::vector<std::uint64_t>{1, 2, 0}));
  EXPECT_EQ(unravel_index(0, {}, false), (std::vector<std::uint64_t>{}));
}

// DESIGN §7's contract on cases whose numbers NumPy computed
// (tests/golden/contract/generate.py): max_rel_error rounded once from the
// exact quotient for 64-bit integers beyond 2^53, and subnormal results counted
// for lossless casts too. Every kernel, whole and split in two as threads split.
TEST(CastStatsContract, MatchesNumPyUnderEveryKernel) {
  std::ifstream in(std::string(DTLINT_SOURCE_DIR) + "/tests/golden/contract/expected.json");
  ASSERT_TRUE(in) << "tests/golden/contract/expected.json";
  const nlohmann::json doc = nlohmann::json::parse(in);
  std::size_t checked = 0;
  for (const nlohmann::json& c : doc["cases"]) {
    const std::string case_name = c["name"];
    const DType dtype = *dtype_from_name(c["dtype"].get<std::string>());
    const unsigned size = info(dtype).size;
    // Each element's bits in hexadecimal (up to 16 bytes: long double), stored little-endian.
    std::vector<std::byte> bytes;
    std::istringstream elements(c["bits"].get<std::string>());
    for (std::string hex; elements >> hex;) {
      ASSERT_LE(hex.size(), 2 * size) << case_name << ": " << hex;
      hex.insert(0, 2 * size - hex.size(), '0');
      for (unsigned b = size; b-- > 0;) {
        bytes.push_back(static_cast<std::byte>(std::stoul(hex.substr(2 * b, 2), nullptr, 16)));
      }
    }
    ArrayView view;
    view.location.path = case_name;
    view.dtype = dtype;
    view.elements = bytes.size() / size;
    view.shape = {view.elements};
    view.data = bytes;
    std::vector<CastRequest> requests;
    for (const nlohmann::json& cast : c["casts"]) {
      requests.push_back(default_request(*dtype_from_name(cast["target"].get<std::string>())));
    }
    for (KernelIsa isa : supported_kernels()) {
      ArrayAnalysis split = prepare_analysis(view, requests);
      ArrayAnalysis tail = prepare_analysis(view, requests);
      range_kernel(isa)(view, Semantics::NumPy, split, 0, view.elements / 2);
      range_kernel(isa)(view, Semantics::NumPy, tail, view.elements / 2, view.elements);
      split.merge(tail);
      for (const ArrayAnalysis& analysis : {analyse_array(view, Semantics::NumPy, requests, isa), split}) {
        for (std::size_t t = 0; t < requests.size(); ++t) {
          const nlohmann::json& want = c["casts"][t];
          const CastStats& got = analysis.casts.at(t);
          const std::string where = case_name + " → " + want["target"].get<std::string>() + " [" +
                                    std::string(to_string(isa)) + "]";
          const Counter& subnormal = got[CastCounter::ToSubnormal];
          EXPECT_EQ(subnormal.count, want["to_subnormal"].get<std::uint64_t>()) << where;
          if (want["to_subnormal_first_index"].is_null()) {
            EXPECT_FALSE(subnormal.first.found()) << where;
          } else {
            EXPECT_EQ(subnormal.first.index, want["to_subnormal_first_index"].get<std::uint64_t>()) << where;
            EXPECT_EQ(static_cast<double>(subnormal.first.value),
                      want["to_subnormal_first_value"].get<double>())
                << where;
          }
          EXPECT_EQ(got[CastCounter::Inexact].count, want["inexact"].get<std::uint64_t>()) << where;
          EXPECT_EQ(static_cast<double>(got.max_abs_error), want["max_abs_error"].get<double>()) << where;
          EXPECT_EQ(static_cast<double>(got.max_rel_error), want["max_rel_error"].get<double>()) << where;
          ++checked;
        }
      }
    }
  }
  EXPECT_GE(checked, 2 * 16u);  // every cast of the fixture, at least under the reference
}

}  // namespace
}  // namespace dtlint
