// Which framework's cast dtlint simulates (DESIGN §2).
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace dtlint {

enum class Semantics : unsigned char {
  NumPy,       // ndarray.astype: rounds once, directly
  TensorFlow,  // tf.cast through Eigen::half / Eigen::bfloat16: via float32
  Torch,       // torch.Tensor.to: via float32
};

inline constexpr std::array<Semantics, 3> kAllSemantics{Semantics::NumPy, Semantics::TensorFlow,
                                                        Semantics::Torch};

constexpr std::string_view to_string(Semantics semantics) {
  switch (semantics) {
    case Semantics::NumPy: return "numpy";
    case Semantics::TensorFlow: return "tensorflow";
    case Semantics::Torch: return "torch";
  }
  return "numpy";
}

inline std::optional<Semantics> semantics_from_string(std::string_view text) {
  for (Semantics semantics : kAllSemantics) {
    if (to_string(semantics) == text) return semantics;
  }
  return std::nullopt;
}

}  // namespace dtlint
