// Which framework's cast dtlint simulates (DESIGN §2).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "document/spelling.h"

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

// A profile as users write it, in any case: its name, or "np", "tf", "keras"
// (Keras on its TensorFlow backend casts with tf.cast), "pytorch", "pt".
inline std::optional<Semantics> semantics_from_string(std::string_view text) {
  struct Spelling {
    std::string_view text;
    Semantics semantics;
  };
  static constexpr std::array<Spelling, 8> kSpellings{{
      {"numpy", Semantics::NumPy},
      {"np", Semantics::NumPy},
      {"tensorflow", Semantics::TensorFlow},
      {"tf", Semantics::TensorFlow},
      {"keras", Semantics::TensorFlow},
      {"torch", Semantics::Torch},
      {"pytorch", Semantics::Torch},
      {"pt", Semantics::Torch},
  }};
  std::string lowered(text);
  for (char& c : lowered) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  for (const Spelling& spelling : kSpellings) {
    if (spelling.text == lowered) return spelling.semantics;
  }
  return std::nullopt;
}

// What to add to "expected numpy, tensorflow or torch, found 'TEXT'": why JAX
// is not a profile, or "; did you mean NAME?", or "".
inline std::string semantics_suggestion(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  if (lowered == "jax" || lowered == "jnp" || lowered == "jax.numpy") {
    // Not one of the three: unless jax_enable_x64 is set, jnp.asarray makes
    // float64 data float32 and int64 data int32 before any cast happens.
    return " (JAX is not simulated: without jax_enable_x64 it turns float64 data into float32 and int64 "
           "into int32 before any cast)";
  }
  constexpr std::array<std::string_view, 8> kCandidates{"numpy", "tensorflow", "torch",   "np",
                                                        "tf",    "keras",      "pytorch", "pt"};
  const std::optional<std::string_view> best = closest_spelling(text, kCandidates);
  if (!best) return "";
  return "; did you mean " + std::string(to_string(*semantics_from_string(*best))) + "?";
}

}  // namespace dtlint
