// simulate_constant against what the compiler and Eigen compute for the same
// conversion in this very test (the values are not written down by hand).
#include "analyzer/source/simulate.h"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <limits>

namespace dtlint {
namespace {

std::uint64_t count(const SimulatedConstant& simulated, CastCounter counter) {
  return simulated.stats[counter].count;
}

TEST(SimulateConstant, IntegerToFloatRoundsAsTheCompilerDoes) {
  const SimulatedConstant simulated =
      simulate_constant(16777217.0L, DType::Int64, DType::Float32, Semantics::NumPy);
  ASSERT_TRUE(simulated.result);
  EXPECT_EQ(*simulated.result, static_cast<long double>(static_cast<float>(16777217LL)));
  EXPECT_EQ(count(simulated, CastCounter::IntegerNotExact), 1u);
  EXPECT_EQ(count(simulated, CastCounter::Overflow), 0u);
}

TEST(SimulateConstant, IntegerToNarrowerIntegerWrapsModulo) {
  const SimulatedConstant simulated = simulate_constant(300, DType::Int32, DType::Int8, Semantics::NumPy);
  ASSERT_TRUE(simulated.result);
  const volatile int value = 300;  // not folded by the frontend's narrowing check
  EXPECT_EQ(*simulated.result, static_cast<long double>(static_cast<std::int8_t>(value)));
  EXPECT_EQ(count(simulated, CastCounter::OutOfRange), 1u);
  const SimulatedConstant negative = simulate_constant(-1, DType::Int32, DType::UInt16, Semantics::NumPy);
  const volatile int minus_one = -1;
  EXPECT_EQ(*negative.result, static_cast<long double>(static_cast<std::uint16_t>(minus_one)));
  EXPECT_EQ(count(negative, CastCounter::SignLost), 1u);
}

TEST(SimulateConstant, EigenHalfUnderTheTensorflowProfile) {
  const SimulatedConstant rounded =
      simulate_constant(2049.0L, DType::Float64, DType::Float16, Semantics::TensorFlow);
  ASSERT_TRUE(rounded.result);
  EXPECT_EQ(*rounded.result, static_cast<long double>(static_cast<float>(Eigen::half(2049.0))));
  EXPECT_EQ(count(rounded, CastCounter::Inexact), 1u);
  const SimulatedConstant overflow =
      simulate_constant(1e5L, DType::Float64, DType::Float16, Semantics::TensorFlow);
  ASSERT_TRUE(overflow.result);
  const float eigen = static_cast<float>(Eigen::half(1e5));
  ASSERT_TRUE(std::isinf(eigen));
  EXPECT_EQ(*overflow.result, static_cast<long double>(eigen));
  EXPECT_EQ(count(overflow, CastCounter::Overflow), 1u);
  const SimulatedConstant bfloat =
      simulate_constant(1.00390625L, DType::Float32, DType::BFloat16, Semantics::TensorFlow);
  EXPECT_EQ(*bfloat.result, static_cast<long double>(static_cast<float>(Eigen::bfloat16(1.00390625f))));
}

#if defined(__FLT16_MAX__) && !defined(__clang__)
TEST(SimulateConstant, Float16AsGccConvertsIt) {
  const volatile double tiny = 1e-7;
  // 1e-7 as a double, as the source holds it.
  const SimulatedConstant exact =
      simulate_constant(static_cast<long double>(tiny), DType::Float64, DType::Float16, Semantics::NumPy);
  EXPECT_EQ(*exact.result, static_cast<long double>(static_cast<_Float16>(tiny)));
  EXPECT_EQ(count(exact, CastCounter::ToSubnormal), 1u);
}
#endif

TEST(SimulateConstant, FloatToIntegerTruncatesOrIsUndefined) {
  const volatile double value = -3.75;
  const SimulatedConstant truncated =
      simulate_constant(-3.75L, DType::Float64, DType::Int32, Semantics::NumPy);
  ASSERT_TRUE(truncated.result);
  EXPECT_EQ(*truncated.result, static_cast<long double>(static_cast<int>(value)));
  EXPECT_EQ(count(truncated, CastCounter::Truncated), 1u);
  // Out of range, NaN and inf: undefined behaviour, no value claimed.
  EXPECT_FALSE(simulate_constant(1e10L, DType::Float64, DType::Int32, Semantics::NumPy).result);
  EXPECT_EQ(count(simulate_constant(1e10L, DType::Float64, DType::Int32, Semantics::NumPy),
                  CastCounter::OutOfRange),
            1u);
  EXPECT_FALSE(simulate_constant(std::numeric_limits<long double>::quiet_NaN(), DType::Float64, DType::Int8,
                                 Semantics::NumPy)
                   .result);
  EXPECT_FALSE(simulate_constant(std::numeric_limits<long double>::infinity(), DType::Float32, DType::Int64,
                                 Semantics::NumPy)
                   .result);
  // 127.9 truncates to 127: in range, defined.
  const volatile double almost = 127.9;
  EXPECT_EQ(*simulate_constant(127.9L, DType::Float64, DType::Int8, Semantics::NumPy).result,
            static_cast<long double>(static_cast<std::int8_t>(almost)));
}

TEST(SimulateConstant, BoolIsNonzero) {
  const volatile double half = 0.5;
  EXPECT_EQ(*simulate_constant(0.5L, DType::Float64, DType::Bool, Semantics::NumPy).result,
            static_cast<long double>(static_cast<bool>(half)));
  EXPECT_EQ(*simulate_constant(0, DType::Int32, DType::Bool, Semantics::NumPy).result, 0.0L);
}

TEST(SimulateConstant, IsValueOf) {
  EXPECT_TRUE(is_value_of(127, DType::Int8));
  EXPECT_FALSE(is_value_of(128, DType::Int8));
  EXPECT_FALSE(is_value_of(1.5L, DType::Int32));
  EXPECT_FALSE(
      is_value_of(0x1p200L, DType::UInt64));  // found by fuzz_clang_frames: no conversion to __int128
  EXPECT_TRUE(is_value_of(0.5L, DType::Float16));
  EXPECT_FALSE(is_value_of(0.1L, DType::Float32));
  EXPECT_TRUE(is_value_of(static_cast<long double>(0.1f), DType::Float32));
  EXPECT_FALSE(is_value_of(std::numeric_limits<long double>::infinity(), DType::Float8E4M3FN));
  EXPECT_FALSE(is_value_of(1, DType::Complex64));
}

}  // namespace
}  // namespace dtlint
