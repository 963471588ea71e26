#include <gtest/gtest.h>

#include "analyzer/dtype.h"

namespace dtlint {
namespace {

TEST(DType, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(DType::Complex128); ++i) {
    const auto type = static_cast<DType>(i);
    EXPECT_EQ(dtype_from_name(name(type)), type) << name(type);
  }
  EXPECT_EQ(dtype_from_name("object"), std::nullopt);
  EXPECT_EQ(dtype_from_name("float"), std::nullopt);  // ambiguous in NumPy: say float64 or float32
  EXPECT_EQ(dtype_from_name("half"), DType::Float16);
  EXPECT_EQ(dtype_from_name("bf16"), DType::BFloat16);
}

TEST(DType, SizesAndRanges) {
  EXPECT_EQ(info(DType::BFloat16).size, 2u);
  EXPECT_EQ(info(DType::LongDouble).size, 16u);
  EXPECT_EQ(info(DType::Complex64).size, 8u);
  EXPECT_EQ(int_range(DType::Int32).min, -2147483648LL);
  EXPECT_EQ(int_range(DType::UInt64).max, static_cast<__int128>(18446744073709551615ULL));
  EXPECT_TRUE(is_integer(DType::UInt16));
  EXPECT_FALSE(is_integer(DType::Bool));
}

}  // namespace
}  // namespace dtlint
