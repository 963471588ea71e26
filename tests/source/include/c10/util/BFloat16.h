// Stand-in for PyTorch's c10/util/BFloat16.h: implicit from float, as the real one.
#pragma once

#include <cstdint>

namespace c10 {

struct alignas(2) BFloat16 {
  std::uint16_t x;
  BFloat16() = default;
  BFloat16(float value);  // NOLINT: implicit, as the real one
  operator float() const;
};

}  // namespace c10

namespace at {
using c10::BFloat16;
}  // namespace at
