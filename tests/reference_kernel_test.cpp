// The scalar reference kernels against independent truths: Eigen's half and
// bfloat16 types, the hardware's float/double conversions, the definition of
// round-to-nearest-even at every midpoint (as NumPy's test_half.py does), and
// the constants of the format specifications.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "analyzer/kernels/float_format.h"
#include "analyzer/kernels/reference.h"

namespace dtlint {
namespace {

constexpr long double kInf = std::numeric_limits<long double>::infinity();

long double eigen_half_value(std::uint16_t bits) {
  return static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(bits));
}
long double eigen_bfloat16_value(std::uint16_t bits) {
  return static_cast<float>(Eigen::numext::bit_cast<Eigen::bfloat16>(bits));
}

bool same(long double a, long double b) {
  return (a == b && std::signbit(a) == std::signbit(b)) || (std::isnan(a) && std::isnan(b));
}

// Every 16-bit pattern decodes to Eigen's value and rounds back to itself, from
// the value itself and through float32 and float64 sources.
void check_all_patterns(DType type, long double (*eigen_value)(std::uint16_t)) {
  const FloatFormat& format = float_format(type);
  for (std::uint32_t bits = 0; bits < 65536; ++bits) {
    const long double x = decode_bits(bits, format);
    ASSERT_TRUE(same(x, eigen_value(static_cast<std::uint16_t>(bits)))) << std::hex << bits;
    if (std::isnan(x)) {
      EXPECT_TRUE(std::isnan(round_to_format(x, format)));
      continue;
    }
    ASSERT_EQ(encode_bits(round_to_format(x, format), format), bits) << std::hex << bits;
    for (DType source : {DType::Float32, DType::Float64}) {
      const long double widened = round_to_format(x, float_format(source));
      ASSERT_TRUE(same(widened, x)) << "widening is exact";
      for (Semantics semantics : kAllSemantics) {
        ASSERT_EQ(encode_bits(cast_to_float(widened, source, type, semantics), format), bits)
            << std::hex << bits << " from " << name(source) << " under " << to_string(semantics);
      }
    }
  }
}

TEST(ReferenceKernel, EveryFloat16PatternRoundTrips) {
  check_all_patterns(DType::Float16, eigen_half_value);
}
TEST(ReferenceKernel, EveryBFloat16PatternRoundTrips) {
  check_all_patterns(DType::BFloat16, eigen_bfloat16_value);
}

long double neighbour(long double x, DType source, long double direction) {
  if (source == DType::Float32) {
    return std::nextafter(static_cast<float>(x), static_cast<float>(direction));
  }
  return std::nextafter(static_cast<double>(x), static_cast<double>(direction));
}

// For each pair of adjacent finite target values a < b (and the pair max_finite, 2^(emax+1)
// whose upper end overflows), the midpoint ties to the even one, and its nearest
// neighbours in the source format round to a and b. Sources whose neighbours first
// round to float32 (TensorFlow and PyTorch from float64) land on the midpoint and tie.
void check_midpoints(DType type) {
  const FloatFormat& format = float_format(type);
  const int total_bits = 1 + format.exponent_bits + format.fraction_bits;
  const std::uint32_t positive_patterns = 1u << (total_bits - 1);
  std::uint64_t checked = 0;
  for (std::uint32_t low_bits = 0; low_bits + 1 < positive_patterns; ++low_bits) {
    const long double a = decode_bits(low_bits, format);
    long double b = decode_bits(low_bits + 1, format);
    if (std::isnan(a)) break;
    const bool overflow_pair = std::isinf(b) || std::isnan(b);
    // Past the largest finite value, the next value the format would have if its
    // exponent range went on (2^(emax+1) in IEEE formats, 480 in float8_e4m3fn).
    if (overflow_pair) b = 2 * a - decode_bits(low_bits - 1, format);
    for (long double sign : {1.0L, -1.0L}) {
      const long double lo = sign * a, hi = sign * b;
      const long double mid = (lo + hi) / 2;  // exact
      const long double hi_result = overflow_pair ? sign * (format.has_infinity ? kInf : NAN) : hi;
      // The even neighbour: the one whose last significand bit is 0 (the overflow end counts as even).
      const long double even = (low_bits % 2 == 0) ? lo : hi_result;
      for (DType source : {DType::Float32, DType::Float64}) {
        const FloatFormat& src = float_format(source);
        ASSERT_TRUE(same(round_to_format(mid, src), mid)) << "midpoint representable in " << name(source);
        // The source values next to the midpoint, away from zero and towards it.
        const long double away = neighbour(mid, source, sign * kInf);
        const long double toward = neighbour(mid, source, 0);
        for (Semantics semantics : kAllSemantics) {
          const bool double_rounding = source == DType::Float64 && semantics != Semantics::NumPy;
          SCOPED_TRACE(std::string(name(source)) + " → " + std::string(name(type)) + " under " +
                       std::string(to_string(semantics)));
          ASSERT_TRUE(same(cast_to_float(mid, source, type, semantics), even)) << static_cast<double>(mid);
          ASSERT_TRUE(same(cast_to_float(away, source, type, semantics), double_rounding ? even : hi_result))
              << static_cast<double>(away);
          ASSERT_TRUE(same(cast_to_float(toward, source, type, semantics), double_rounding ? even : lo))
              << static_cast<double>(toward);
        }
      }
      ++checked;
    }
    if (overflow_pair) break;
  }
  EXPECT_GT(checked, 2u * ((positive_patterns >> format.fraction_bits) - 2) << format.fraction_bits);
}

TEST(ReferenceKernel, Float16MidpointsTieToEven) {
  check_midpoints(DType::Float16);
}
TEST(ReferenceKernel, BFloat16MidpointsTieToEven) {
  check_midpoints(DType::BFloat16);
}

TEST(ReferenceKernel, Float8PatternsMatchTheSpecification) {
  // OCP 8-bit floating point specification: E4M3 has no infinities, max 448;
  // E5M2 follows IEEE, max 57344.
  const FloatFormat& e4m3 = float_format(DType::Float8E4M3FN);
  const FloatFormat& e5m2 = float_format(DType::Float8E5M2);
  EXPECT_EQ(decode_bits(0x7E, e4m3), 448.0L);
  EXPECT_TRUE(std::isnan(decode_bits(0x7F, e4m3)));
  EXPECT_TRUE(std::isnan(decode_bits(0xFF, e4m3)));
  EXPECT_EQ(decode_bits(0x08, e4m3), std::ldexp(1.0L, -6));
  EXPECT_EQ(decode_bits(0x01, e4m3), std::ldexp(1.0L, -9));
  EXPECT_EQ(decode_bits(0x7B, e5m2), 57344.0L);
  EXPECT_EQ(decode_bits(0x7C, e5m2), kInf);
  EXPECT_EQ(decode_bits(0x04, e5m2), std::ldexp(1.0L, -14));
  EXPECT_EQ(decode_bits(0x01, e5m2), std::ldexp(1.0L, -16));
  EXPECT_EQ(e4m3.max_finite, 448.0L);
  EXPECT_EQ(e5m2.max_finite, 57344.0L);
  // 464 is the midpoint between 448 and the unrepresentable 480: it ties to 448 (even).
  EXPECT_EQ(round_to_format(464.0L, e4m3), 448.0L);
  EXPECT_TRUE(std::isnan(round_to_format(464.5L, e4m3)));
  EXPECT_TRUE(std::isnan(round_to_format(kInf, e4m3)));
  for (const FloatFormat* format : {&e4m3, &e5m2}) {
    for (std::uint32_t bits = 0; bits < 256; ++bits) {
      const long double x = decode_bits(bits, *format);
      if (std::isnan(x)) continue;
      EXPECT_EQ(encode_bits(round_to_format(x, *format), *format), bits);
    }
  }
  check_midpoints(DType::Float8E4M3FN);
  check_midpoints(DType::Float8E5M2);
}

// The examples of DESIGN §2, which the frameworks' documentation and issue trackers confirm.
TEST(ReferenceKernel, ContractExamples) {
  const long double x = 1 + std::ldexp(1.0L, -11) + std::ldexp(1.0L, -40);
  EXPECT_EQ(cast_to_float(x, DType::Float64, DType::Float16, Semantics::NumPy), 1.0009765625L);
  EXPECT_EQ(cast_to_float(x, DType::Float64, DType::Float16, Semantics::TensorFlow), 1.0L);
  EXPECT_EQ(cast_to_float(x, DType::Float64, DType::Float16, Semantics::Torch), 1.0L);
  EXPECT_EQ(cast_to_float(16842753.0L, DType::Int64, DType::BFloat16, Semantics::NumPy), 16908288.0L);
  EXPECT_EQ(cast_to_float(16842753.0L, DType::Int64, DType::BFloat16, Semantics::TensorFlow), 16777216.0L);
  EXPECT_EQ(cast_to_float(16842753.0L, DType::Int64, DType::BFloat16, Semantics::Torch), 16777216.0L);
  EXPECT_EQ(cast_to_float(65519.0L, DType::Float64, DType::Float16, Semantics::NumPy), 65504.0L);
  EXPECT_EQ(cast_to_float(65520.0L, DType::Float64, DType::Float16, Semantics::NumPy), kInf);
  EXPECT_EQ(cast_to_float(-70000.0L, DType::Float64, DType::Float16, Semantics::NumPy), -kInf);
}

// Rounding to float32 and float64 agrees with the hardware's own conversions.
TEST(ReferenceKernel, MatchesHardwareConversions) {
  std::mt19937_64 rng(20261126);
  const FloatFormat& single = float_format(DType::Float32);
  const FloatFormat& dbl = float_format(DType::Float64);
  for (int i = 0; i < 400000; ++i) {
    const std::uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    const auto as_int = static_cast<std::int64_t>(bits);
    const auto as_uint = bits >> (rng() % 64);
    for (Semantics semantics : kAllSemantics) {
      ASSERT_TRUE(same(cast_to_float(d, DType::Float64, DType::Float32, semantics), static_cast<float>(d)));
      ASSERT_EQ(cast_to_float(static_cast<long double>(as_int), DType::Int64, DType::Float32, semantics),
                static_cast<float>(as_int));
      ASSERT_EQ(cast_to_float(static_cast<long double>(as_uint), DType::UInt64, DType::Float64, semantics),
                static_cast<double>(as_uint));
    }
    // x87 extended values with 64 significant bits, across float32's whole range.
    const long double wide =
        std::ldexp(static_cast<long double>(rng() | (1ull << 63)), static_cast<int>(rng() % 320) - 220);
    ASSERT_TRUE(same(round_to_format(wide, single), static_cast<float>(wide)));
    ASSERT_TRUE(same(round_to_format(wide, dbl), static_cast<double>(wide)));
  }
}

// Over random float32 inputs, the float32 → float16/bfloat16 single rounding equals Eigen's.
TEST(ReferenceKernel, Float32ToSixteenBitsMatchesEigen) {
  std::mt19937 rng(7);
  for (int i = 0; i < 1000000; ++i) {
    const std::uint32_t bits = static_cast<std::uint32_t>(rng());
    float f;
    std::memcpy(&f, &bits, sizeof f);
    ASSERT_TRUE(same(round_to_format(f, float_format(DType::Float16)), static_cast<float>(Eigen::half(f))));
    ASSERT_TRUE(
        same(round_to_format(f, float_format(DType::BFloat16)), static_cast<float>(Eigen::bfloat16(f))));
  }
}

TEST(ReferenceKernel, LosslessTargets) {
  EXPECT_TRUE(is_lossless(DType::Float16, DType::Float32));
  EXPECT_TRUE(is_lossless(DType::BFloat16, DType::Float32));
  EXPECT_FALSE(is_lossless(DType::Float16, DType::BFloat16));
  EXPECT_FALSE(is_lossless(DType::BFloat16, DType::Float16));
  EXPECT_TRUE(is_lossless(DType::Float32, DType::Float64));
  EXPECT_FALSE(is_lossless(DType::Float64, DType::Float32));
  EXPECT_TRUE(is_lossless(DType::UInt8, DType::Int16));
  EXPECT_FALSE(is_lossless(DType::Int8, DType::UInt64));
  EXPECT_TRUE(is_lossless(DType::Int16, DType::Float32));
  EXPECT_FALSE(is_lossless(DType::Int16, DType::Float16));
  EXPECT_TRUE(is_lossless(DType::UInt8, DType::BFloat16));  // 255 < 2^8
  EXPECT_FALSE(is_lossless(DType::Int32, DType::Float32));
  EXPECT_FALSE(is_lossless(DType::Float16, DType::Int32));
  EXPECT_FALSE(is_lossless(DType::Complex64, DType::Float64));
  EXPECT_TRUE(is_lossless(DType::Bool, DType::Int8));
}

TEST(ReferenceKernel, DecodesByteSwappedAndUnalignedElements) {
  // 1.5 as big-endian float64 at an odd offset.
  std::array<std::byte, 9> raw{};
  const unsigned char be[8] = {0x3F, 0xF8, 0, 0, 0, 0, 0, 0};
  std::memcpy(raw.data() + 1, be, 8);
  const std::span<const std::byte> data(raw.data() + 1, 8);
  EXPECT_EQ(decode_element(data, 0, DType::Float64, true).real, 1.5L);
  const unsigned char c64[8] = {0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0};  // big-endian complex64 1 - 2j
  std::array<std::byte, 8> complex_raw{};
  std::memcpy(complex_raw.data(), c64, 8);
  const SourceValue v = decode_element(complex_raw, 0, DType::Complex64, true);
  EXPECT_EQ(v.real, 1.0L);
  EXPECT_EQ(v.imag, -2.0L);
}

}  // namespace
}  // namespace dtlint
