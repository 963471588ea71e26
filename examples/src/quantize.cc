// A small inference helper as it is often written: weights converted to half
// precision for a GPU, with constants written for float64. dtlint reports the
// conversions that change values (build/dtlint scan examples/src).
#include <Eigen/Core>

#include <cstdint>

namespace example {

constexpr double kMaskValue = -1e9;     // a "minus infinity" for attention masks
constexpr double kLayerNormEps = 1e-8;  // fine in float64, not in half
constexpr std::int64_t kVocabSize = 50257;

// -inf in half: the mask's softmax gives NaN.
Eigen::half mask_value() {
  return Eigen::half(kMaskValue);
}

// 0 in half: the epsilon no longer guards the division.
Eigen::half layer_norm_eps() {
  return Eigen::half(kLayerNormEps);
}

// Does not fit int16.
std::int16_t vocab_index_limit() {
  return kVocabSize;
}

// double → float, implicitly.
float learning_rate(double base, int step) {
  return base / (1.0 + step);
}

// Every coefficient through float32 to half.
Eigen::MatrixX<Eigen::half> to_half(const Eigen::MatrixXd& weights) {
  return weights.cast<Eigen::half>();
}

}  // namespace example
