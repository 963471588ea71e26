// Stand-in for PyTorch's c10/util/Half.h (not installed here): the shape of
// the real declarations the cast rules depend on, nothing more. As in c10,
// the constructor from float is implicit, so `c10::Half h = x;` converts
// without a cast; at::Half is the same type.
#pragma once

#include <cstdint>

namespace c10 {

struct alignas(2) Half {
  std::uint16_t x;
  Half() = default;
  Half(float value);  // NOLINT: implicit, as the real one
  operator float() const;
};

}  // namespace c10

namespace at {
using c10::Half;
}  // namespace at
