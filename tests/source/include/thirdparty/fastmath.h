// A third-party header reached through -I, outside every scanned path: its
// conversions are never reported, even when a scanned file instantiates them.
#pragma once

#include <Eigen/Core>
#include <cstdint>

namespace fastmath {

inline float narrow(double x) {
  return x;
}
inline int truncate(float x) {
  return x;
}
inline Eigen::half to_half(float x) {
  return Eigen::half(x);
}
template <typename T>
float narrow_any(T value) {
  return value;
}
inline const float kHuge = 1e39;
inline const std::int8_t kWrapped = 300;
inline const Eigen::half kHalfHuge = Eigen::half(1e5);

}  // namespace fastmath
